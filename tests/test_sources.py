"""Reading folders of pages, dumps and exports: each input gives articles or a reported reason, no crash."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from helpers import run_indexer

from search.sources import Skipped, article_from_record, clean_export_body, iter_articles, record_datetime

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def read_all(*paths: Path) -> tuple[list, list[Skipped]]:
    skipped: list[Skipped] = []
    articles = list(iter_articles(paths, on_skip=skipped.append))
    return articles, skipped


def test_fixture_folder_gives_articles_and_reasons() -> None:
    articles, skipped = read_all(FIXTURES)
    titles = {a.title for a in articles}
    assert "Petani Kopi Gayo Mulai Panen Raya Lebih Awal" in titles  # html
    assert "Warga Gotong Royong Bersihkan Pantai Losari" in titles  # csv
    assert "Bandara Baru Yogyakarta Layani Penerbangan Internasional" in titles  # json array
    assert "Gempa Guncang Maluku Tengah" in titles  # jsonl
    assert any(t.startswith("Pemerintah Kota Pontianak") for t in titles)  # text dump
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert reasons["binary.html"] == "binary data"
    assert reasons["empty.html"] == "empty file"
    assert reasons["export.jsonl:2"].startswith("invalid JSON")
    assert reasons["export.jsonl:3"] == "record has neither a title nor article text"
    assert reasons["export.csv:6"] == "record has neither a title nor article text"
    assert reasons["export.json[2]"] == "record is a str, not an object"
    assert len(articles) == 25 and len(skipped) == 6


def test_csv_with_indonesian_field_names() -> None:
    articles, _ = read_all(FIXTURES / "export.csv")
    first, second = articles
    assert first.id == "a1"
    assert first.url == "https://contoh.id/a1"
    assert first.category == "Daerah"
    assert first.published == "2019-09-15T07:30:00+08:00"  # tanggal + jam "07:30 WITA"
    assert first.body.split("\n\n") == [
        "Ratusan warga Makassar membersihkan Pantai Losari pada Minggu pagi.",
        "Sampah plastik mendominasi temuan relawan.",
    ]
    assert second.published == "2019-09-17"
    assert second.source == "Kompas.com"
    assert len(second.id) == 12  # no id given: derived from the URL


def test_json_array_and_body_field_variants() -> None:
    articles, _ = read_all(FIXTURES / "export.json")
    assert [a.published for a in articles] == ["2019-12-05T10:15:00+07:00", None]
    assert articles[0].source == "Tempo.co"
    assert articles[1].body == "Artikel tanpa tanggal tetap dimuat."  # "konten"


def test_jsonl_click_id_style_record_is_repaired() -> None:
    articles, _ = read_all(FIXTURES / "export.jsonl")
    quake, title_only = articles
    assert quake.published == "2019-09-10T21:48:00+07:00"  # date + time; date_raw ignored
    assert quake.body.split("\n\n") == [
        "Gempa berkekuatan 5,2 mengguncang Maluku Tengah.",
        "Warga sempat panik keluar rumah.",
        "“Kami lari ke lapangan,” kata Yani.",
        "Tidak ada korban jiwa.",
    ]
    assert title_only.title == "Hanya Judul" and title_only.body == ""
    assert title_only.published == "2019-09-11T06:05:09+07:00"


def test_field_names_with_spaces_and_nested_outlet() -> None:
    article = article_from_record(
        {"Judul Berita": "Banjir", "Isi Berita": "Air naik.", "sumber": {"name": "kompas.com"}}
    )
    assert article is not None
    assert (article.title, article.body, article.source) == ("Banjir", "Air naik.", "Kompas.com")


def test_clean_export_body_keeps_commas_inside_sentences() -> None:
    text = 'Ia membeli beras, gula, dan minyak.,"Harganya naik," katanya.,Rp 10.000,00 per kilo.'
    assert clean_export_body(text).split("\n\n") == [
        "Ia membeli beras, gula, dan minyak.",
        '"Harganya naik," katanya.',
        "Rp 10.000,00 per kilo.",
    ]


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("Partai Pembangunan ( ,) memberi catatan.", ["Partai Pembangunan memberi catatan."]),
        ("keterangan yang diterima , Jumat (20/9/2019).", ["keterangan yang diterima, Jumat (20/9/2019)."]),
        ("kabar perusahaan  , Indonesia,  , melakukan PHK.", ["kabar perusahaan, Indonesia, melakukan PHK."]),
        ("skor 21-12.,,Baca juga:,,Laga berjalan ketat.", ["skor 21-12.", "Laga berjalan ketat."]),
        ("-  , dan lahan ( ,) yang terbakar.", ["dan lahan yang terbakar."]),
    ],
)  # fmt: skip
def test_clean_export_body_removes_what_dropped_link_text_left(damaged: str, repaired: list[str]) -> None:
    assert clean_export_body(damaged).split("\n\n") == repaired


@pytest.mark.parametrize(
    ("date", "time", "expected"),
    [
        ("2019-09-10", "21:48 WIB", "2019-09-10T21:48:00+07:00"),
        ("2019-09-10", "04:08:00", "2019-09-10T04:08:00+07:00"),
        ("2019-09-10", "", "2019-09-10"),
        ("10 September 2019", "20.15", "2019-09-10T20:15:00+07:00"),
        ("2019-09-10T10:00:00+07:00", "21:48 WIB", "2019-09-10T10:00:00+07:00"),  # the date field's own time
        ("kemarin", "21:48", None),
        ("2019-09-10T14:48:00Z", None, "2019-09-10T21:48:00+07:00"),  # a UTC stamp shown in WIB
        ("2019-09-10T21:48:00+08:00", None, "2019-09-10T21:48:00+08:00"),  # WITA stays WITA
        ("1568126880", None, "2019-09-10T21:48:00+07:00"),  # Unix seconds
        ("1568126880000", None, "2019-09-10T21:48:00+07:00"),  # Unix milliseconds
    ],
)
def test_record_date_with_a_separate_time_field(date: str, time: str, expected: str | None) -> None:
    assert record_datetime(date, time) == expected


def test_json_document_or_json_lines_behind_a_json_suffix(tmp_path: Path) -> None:
    document = {"articles": [{"judul": "A", "isi": "Teks A."}, {"judul": "B", "isi": "Teks B."}]}
    (tmp_path / "document.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    (tmp_path / "lines.json").write_text(
        '{"judul": "C", "isi": "Teks C."}\n{"judul": "D", "isi": "Teks D."}\n'
    )
    articles, skipped = read_all(tmp_path)
    assert [a.title for a in articles] == ["A", "B", "C", "D"] and not skipped


def test_bad_files_in_a_walked_folder_are_reported(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "unseen_outlet.html", tmp_path / "good.html")
    (tmp_path / "huge.html").write_bytes(b"<html><body>" + b"<p>kata</p>" * 1_000_000 + b"</body></html>")
    (tmp_path / "notes.md").write_text("# catatan\n", encoding="utf-8")
    (tmp_path / "export.csv").write_text("kode,nilai\n1,2\n", encoding="utf-8")
    (tmp_path / "gone.html").symlink_to(tmp_path / "missing.html")
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "page.htm").write_bytes((FIXTURES / "br_body.html").read_bytes())
    articles, skipped = read_all(tmp_path)
    assert sorted(a.title for a in articles) == [
        "Jembatan Gantung Baru Hubungkan Dua Desa di Minahasa",
        "Petani Kopi Gayo Mulai Panen Raya Lebih Awal",
    ]
    reasons = {Path(s.path).name: s.reason for s in skipped}
    assert "exceeds the 10 MB limit" in reasons["huge.html"]
    assert reasons["notes.md"] == "unsupported file type (.md)"
    assert reasons["export.csv"].startswith("no article text field")
    assert reasons["gone.html"] == "not found"


def test_click_id_corpus_loads_completely(shared_data: Path) -> None:
    """Every one of its 22,922 lines is accounted for: 22,921 articles and the CSV header row the export
    carried along as a record (line 22,153), reported as skipped."""
    skipped: list[Skipped] = []
    count = 0
    first = None
    for article in iter_articles([shared_data / "click-id" / "corpus.jsonl"], on_skip=skipped.append):
        count += 1
        first = first or article
        assert "¬†" not in article.body and "\u00a0" not in article.body
    assert count == 22921
    assert [(Path(s.path).name, s.reason) for s in skipped] == [
        ("corpus.jsonl:22153", "a repeated header row (its values are its field names), not an article")
    ]
    assert first is not None and first.id == "df9459011acd"
    assert first.published == "2019-09-10T21:48:00+07:00"
    assert first.body.startswith("Satresnarkoba Polres Anambas bersama Polres Tanjungpinang")
    assert len(first.body.split("\n\n")) >= 10


def test_extract_command_prints_json_lines_and_reports_skips() -> None:
    done = run_indexer("extract", str(FIXTURES))
    assert done.returncode == 0, done.stderr
    articles = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(articles) == 25
    assert set(articles[0]) == {"id", "url", "source", "title", "body", "published", "category", "author"}
    assert "binary.html: binary data" in done.stderr
    assert "export.jsonl:2: invalid JSON" in done.stderr


def test_a_header_row_inside_an_export_is_skipped_not_indexed(tmp_path: Path) -> None:
    export = tmp_path / "dump.jsonl"
    rows = [
        {
            "judul": "Harga Cabai Naik di Pasar Induk",
            "isi": "Harga cabai rawit naik dua kali lipat.",
            "url": "u1",
        },
        {"judul": "judul", "isi": "isi", "url": "url", "tanggal": "tanggal"},
    ]
    export.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    articles, skipped = read_all(export)
    assert [a.title for a in articles] == ["Harga Cabai Naik di Pasar Induk"]
    assert [(Path(s.path).name, s.reason.split(" (")[0]) for s in skipped] == [
        ("dump.jsonl:2", "a repeated header row")
    ]
