"""The query library against a real index of the project's own fixture articles, built by the real indexer,
on every engine: each test runs on the Whoosh folder and on the OpenSearch cluster."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import ENGINES, IndexLocations
from werkzeug.datastructures import MultiDict

from search import facets, snippets
from search.backend import open_location
from search.query import (
    COMMON_WORDS_NOTE,
    EXCLUSIONS_ONLY_NOTE,
    NO_WORDS_NOTE,
    PARTIAL_NOTE,
    SearchService,
)
from search.request import MAX_QUERY_CHARS, InvalidRequest, SearchRequest
from search.schema import make_schema
from search.store import IndexMissingError
from search.writing import build_index

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"


@pytest.fixture(scope="module", params=ENGINES)
def service(request: pytest.FixtureRequest, index_locations: IndexLocations) -> SearchService:
    location = index_locations.new(request.param)
    build_index(location, [FIXTURES / "articles.jsonl"])
    return SearchService(open_location(location))


def search(service: SearchService, **params) -> dict:
    """The JSON answer for `params` (a list: the parameter given several times), as the API would give it."""
    given = MultiDict([(name, str(value)) for name, values in params.items() for value in _as_list(values)])
    return service.search(SearchRequest.from_params(given)).to_json()


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def titles(answer: dict) -> list[str]:
    return [hit["title"] for hit in answer["results"]]


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


def test_every_inflected_form_is_found_and_marked(service):
    answer = search(service, q="kebakaran")
    words = {word for hit in answer["results"] for word in marked(hit["snippet"])}
    assert {"Kebakaran", "kebakaran", "dibakar", "terbakar", "membakar"} <= words
    assert "Polisi Tangkap Tiga Orang yang Diduga Membakar Lahan" in titles(answer)


def test_every_word_is_required_and_title_matches_rank_first(service):
    answer = search(service, q="hutan riau")
    assert answer["note"] is None
    assert set(titles(answer)) == {
        "Kebakaran Hutan di Riau Meluas, Ribuan Warga Mengungsi",
        "Polisi Tangkap Tiga Orang yang Diduga Membakar Lahan",
    }
    assert titles(answer)[0] == "Kebakaran Hutan di Riau Meluas, Ribuan Warga Mengungsi"
    assert answer["results"][0]["score"] > answer["results"][1]["score"]


def test_no_article_with_every_word_falls_back_to_partial_matches_with_a_note(service):
    answer = search(service, q="timnas gambut")
    assert answer["note"] == PARTIAL_NOTE
    assert answer["total"] > 0
    assert all(hit["score"] for hit in answer["results"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ('"kebakaran hutan" -riau', {"Asap Kebakaran Hutan, Sekolah di Pekanbaru Diliburkan",
                                     "Pemerintah Tambah Anggaran Pemadaman Kebakaran Hutan"}),
        ("timnas OR bekasi", {"Timnas Indonesia Kalah dari Malaysia di Kualifikasi Piala Dunia",
                              "Pelatih Timnas Janji Evaluasi Lini Belakang",
                              "Banjir Rendam Perumahan di Bekasi",
                              "Pasar Barang Bekas di Bekasi Ramai Pembeli"}),
        ("title:terbakar", {"Ratusan Hektare Hutan Kalimantan Terbakar",
                            "Gedung Perkantoran di Jakarta Terbakar Dini Hari",
                            "Pemerintah Tambah Anggaran Pemadaman Kebakaran Hutan",
                            "Kebakaran Hutan di Riau Meluas, Ribuan Warga Mengungsi",
                            "Asap Kebakaran Hutan, Sekolah di Pekanbaru Diliburkan",
                            "Polisi Tangkap Tiga Orang yang Diduga Membakar Lahan"}),
        ("source:kota kebakaran", {"Gedung Perkantoran di Jakarta Terbakar Dini Hari"}),
        ("sumber:RIAU polisi", {"Polisi Tangkap Tiga Orang yang Diduga Membakar Lahan"}),
    ],
)  # fmt: skip
def test_query_syntax(service, q, expected):
    assert set(titles(search(service, q=q))) == expected


@pytest.mark.parametrize("q", ["title:", 'a"b(c', "hutan)))", '"hutan', "source:"])
def test_unparseable_input_is_searched_as_words_never_an_error(service, q):
    as_words = " ".join(re.findall(r"\w+", q))
    answer, plain = search(service, q=q), search(service, q=as_words)
    assert (answer["total"], titles(answer)) == (plain["total"], titles(plain))


@pytest.mark.parametrize(("q", "words"), [("kebakaran OR", "kebakaran"), ("hutan AND", "hutan"),
                                          ("OR AND hutan", "hutan"), ("riau NOT", "riau")])  # fmt: skip
def test_a_dangling_operator_is_dropped_not_searched_as_a_word(service, q, words):
    answer, plain = search(service, q=q), search(service, q=words)
    assert (answer["note"], answer["total"], titles(answer)) == (None, plain["total"], titles(plain))
    assert answer["total"] > 0


@pytest.mark.parametrize(
    ("q", "note"),
    [
        ("-banjir", EXCLUSIONS_ONLY_NOTE),
        ("NOT hutan", EXCLUSIONS_ONLY_NOTE),
        ('-"kerja sama" -riau', EXCLUSIONS_ONLY_NOTE),
        ("*", NO_WORDS_NOTE),
        ("((((", NO_WORDS_NOTE),
        ('"((', NO_WORDS_NOTE),
        (":", NO_WORDS_NOTE),
        ("~!@#$%^&*", NO_WORDS_NOTE),
        ("AND OR NOT", NO_WORDS_NOTE),
        ("yang dan", COMMON_WORDS_NOTE),
    ],
)
def test_a_query_that_can_find_nothing_says_why(service, q, note):
    answer = search(service, q=q)
    assert (answer["note"], answer["total"], answer["results"], answer["suggestion"]) == (note, 0, [], None)


def test_control_characters_are_removed_from_the_query_before_anything_else(service):
    answer, plain = search(service, q="kebakaran\x00hutan\triau"), search(service, q="kebakaran hutan riau")
    assert answer["query"] == "kebakaran hutan riau"
    assert (answer["total"], titles(answer)) == (plain["total"], titles(plain))
    assert answer["total"] > 0


def test_filters_by_outlet_category_and_dates(service):
    assert search(service, q="kebakaran", source="kabar riau")["total"] == 2
    assert set(titles(search(service, q="kebakaran", category="Metro"))) == {
        "Gedung Perkantoran di Jakarta Terbakar Dini Hari"
    }
    ranged = search(service, q="kebakaran", **{"from": "2019-09-11", "to": "2019-09-12"})
    assert {hit["published"][:10] for hit in ranged["results"]} == {"2019-09-11", "2019-09-12"}
    assert ranged["total"] == 3


@pytest.mark.parametrize("spelling", ["metro", "Metro", "METRO", " metro "])
def test_category_is_matched_whatever_its_case(service, spelling):
    answer = search(service, q="bekasi", category=spelling)
    assert set(titles(answer)) == {
        "Banjir Rendam Perumahan di Bekasi",
        "Pasar Barang Bekas di Bekasi Ramai Pembeli",
    }
    chosen = [item for item in answer["facets"]["category"] if item["selected"]]
    assert [(item["value"], item["label"]) for item in chosen] == [("metro", "Metro")]


def test_category_facet_counts_every_match_and_keeps_alternatives(service):
    answer = search(service, q="kebakaran")
    assert {item["label"]: item["count"] for item in answer["facets"]["category"]} == {
        "Daerah": 2,
        "Nasional": 3,
        "Metro": 1,
    }
    chosen = search(service, q="kebakaran", category="daerah")
    assert chosen["total"] == 2
    assert {item["value"]: item["count"] for item in chosen["facets"]["category"]} == {
        "daerah": 2,
        "nasional": 3,
        "metro": 1,
    }
    assert {item["value"]: item["count"] for item in chosen["facets"]["source"]} == {"Kabar Riau": 2}


def test_several_outlets_at_once(service):
    answer = search(service, q="kebakaran", source=["Kabar Riau", "kota kita"])
    assert answer["total"] == 3
    assert {hit["source"] for hit in answer["results"]} == {"Kabar Riau", "Kota Kita"}
    chosen = {item["value"]: item["selected"] for item in answer["facets"]["source"]}
    assert chosen == {"Warta Nasional": False, "Kabar Riau": True, "Kota Kita": True}
    warta = next(item for item in answer["facets"]["source"] if item["value"] == "Warta Nasional")
    assert warta["toggle"] == "?q=kebakaran&source=Kabar+Riau&source=Kota+Kita&source=Warta+Nasional"
    riau = next(item for item in answer["facets"]["source"] if item["value"] == "Kabar Riau")
    assert riau["toggle"] == "?q=kebakaran&source=Kota+Kita"


def test_an_empty_query_browses_the_newest_articles_with_facets(service):
    answer = search(service, per_page=3)
    assert answer["total"] == 17
    assert [hit["published"] for hit in answer["results"]] == [
        "2019-10-02T11:00:00+07:00",
        "2019-09-20T09:00:00+07:00",
        "2019-09-18T15:20:00+07:00",
    ]
    assert {item["value"]: item["count"] for item in answer["facets"]["date"]} == {
        "2018": 2,
        "2019": 14,
        "none": 1,
    }
    assert len(answer["facets"]["source"]) == 7 and len(answer["facets"]["category"]) == 8
    assert all(hit["snippet"] and hit["score"] is None for hit in answer["results"])
    by_outlet = search(service, source="Bola Kita", sort="oldest")
    assert titles(by_outlet) == [
        "Timnas Indonesia Kalah dari Malaysia di Kualifikasi Piala Dunia",
        "Pelatih Timnas Janji Evaluasi Lini Belakang",
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("keba", ["kebakaran", "kebakaran hutan"]),
        ("KEBAKARAN HU", ["kebakaran hutan", "kebakaran hutan kalimantan"]),  # a phrase, then a word's
        ("asap kebakaran hu", ["asap kebakaran hutan", "asap kebakaran hutan kalimantan"]),
        ("beka", ["bekasi", "bekas", "bekasi ramai"]),  # by how many titles have them
        ("timnas indo", ["timnas indonesia", "timnas indonesia kalah"]),
        ("baka", []),  # "bakar" is a stem of the titles' words, never written in a title
        ("k", []),
        ("", []),
    ],
)
def test_completions_come_from_the_titles_words_and_phrases(service, typed, expected):
    assert service.complete(typed) == expected


@pytest.fixture(scope="module", params=ENGINES)
def compounds(
    request: pytest.FixtureRequest, index_locations: IndexLocations, tmp_path_factory
) -> SearchService:
    """Titles with each compound written closed and open."""
    lines = [
        {"title": title, "content": f"{title}. Laporan lengkap menyusul.", "url": f"https://x.example/{n}"}
        for n, title in enumerate([
            "Liga Sepakbola Putri Dimulai", "Stadion Sepak Bola Baru Dibuka",
            "Atlet Bulutangkis Juara Lagi", "Final Bulu Tangkis Ditunda",
            "Kerjasama Dagang Diperluas", "Kerja Sama Riset Disepakati",
            "Bola Basket dan Sepak Takraw",  # neither spelling: the words apart, not the compound
        ])
    ]  # fmt: skip
    export = tmp_path_factory.mktemp("compounds") / "compounds.jsonl"
    export.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    location = index_locations.new(request.param)
    build_index(location, [export])
    return SearchService(open_location(location))


@pytest.mark.parametrize(
    ("spellings", "expected"),
    [
        (["sepakbola", "sepak bola", "Sepak Bola", '"sepak bola"'],
         {"Liga Sepakbola Putri Dimulai", "Stadion Sepak Bola Baru Dibuka"}),
        (["bulutangkis", "bulu tangkis"], {"Atlet Bulutangkis Juara Lagi", "Final Bulu Tangkis Ditunda"}),
        (["kerjasama", "kerja sama"], {"Kerjasama Dagang Diperluas", "Kerja Sama Riset Disepakati"}),
    ],
)  # fmt: skip
def test_a_compound_written_closed_or_open_finds_both(compounds, spellings, expected):
    for spelling in spellings:
        answer = search(compounds, q=spelling)
        assert (set(titles(answer)), answer["note"]) == (expected, None), spelling
    marked_titles = [hit["title_html"] for hit in search(compounds, q=spellings[0])["results"]]
    assert all("<mark>" in title for title in marked_titles)


def test_sort_by_date(service):
    newest = [hit["published"] for hit in search(service, q="kebakaran", sort="newest")["results"]]
    oldest = [hit["published"] for hit in search(service, q="kebakaran", sort="oldest")["results"]]
    assert newest == sorted(newest, reverse=True)
    assert oldest == sorted(oldest)
    assert newest[0] == "2019-10-02T11:00:00+07:00"


def test_date_facet_counts_all_matches_and_drills_down_and_back_up(service):
    top = search(service, q="pemerintah", per_page=1)
    years = {item["value"]: item["count"] for item in top["facets"]["date"]}
    assert years == {"2018": 1, "2019": 5}
    assert sum(years.values()) == top["total"] == 6
    assert len(top["results"]) == 1

    year = search(service, q="pemerintah", date="2019")
    assert {item["value"]: item["count"] for item in year["facets"]["date"]} == {"2019-09": 4, "2019-10": 1}
    assert year["total"] == 5
    assert [step["label"] for step in year["date_trail"]] == ["Semua tanggal"]

    month = search(service, q="pemerintah", date="2019-09")
    assert [item["label"] for item in month["facets"]["date"]] == [
        "10 Sep 2019",
        "13 Sep 2019",
        "18 Sep 2019",
    ]

    day = search(service, q="pemerintah", date="2019-09-13")
    assert day["total"] == 1
    chosen = [item for item in day["facets"]["date"] if item["selected"]]
    assert [item["value"] for item in chosen] == ["2019-09-13"]
    assert chosen[0]["toggle"] == "?q=pemerintah&date=2019-09"  # choosing it again goes back up
    assert [step["label"] for step in day["date_trail"]] == ["Semua tanggal", "2019", "September 2019"]
    json.dumps(day)  # every facet value is JSON-ready


def test_quick_date_ranges_count_back_from_the_newest_article(service):
    answer = search(service, q="kebakaran")
    assert [(item["label"], item["from"], item["to"]) for item in answer["date_ranges"]] == [
        ("24 jam terakhir", "2019-10-01", "2019-10-02"),
        ("7 hari terakhir", "2019-09-26", "2019-10-02"),
        ("30 hari terakhir", "2019-09-03", "2019-10-02"),
        ("tahun ini", "2019-01-01", "2019-10-02"),
    ]
    week = answer["date_ranges"][1]["toggle"]
    assert week == "?q=kebakaran&from=2019-09-26&to=2019-10-02"
    chosen = search(service, q="kebakaran", **{"from": "2019-09-26", "to": "2019-10-02"})
    assert titles(chosen) == ["Pemerintah Tambah Anggaran Pemadaman Kebakaran Hutan"]
    assert [item["selected"] for item in chosen["date_ranges"]] == [False, True, False, False]
    assert chosen["date_ranges"][1]["toggle"] == "?q=kebakaran"


@pytest.mark.parametrize(
    ("published", "shown"),
    [
        ("2019-10-02T11:00:00+07:00", "baru saja"),
        ("2019-10-02T10:15:00+07:00", "45 menit lalu"),
        ("2019-10-02T03:00:00+00:00", "1 jam lalu"),
        ("2019-10-02T08:00:00+07:00", "3 jam lalu"),
        ("2019-09-29T11:00:00+07:00", "3 hari lalu"),
        ("2019-09-20T11:00:00+07:00", None),
        ("2019-10-02", None),
        ("2019-10-03T11:00:00+07:00", None),
        (None, None),
    ],
)
def test_recent_results_say_how_long_ago(published, shown):
    now = datetime(2019, 10, 2, 4, 0, 30, tzinfo=UTC)  # 11:00:30 WIB
    assert facets.time_ago(published, now) == shown


def test_undated_articles_have_their_own_facet_value(service):
    answer = search(service, q="danau toba")
    assert answer["facets"]["date"] == [
        {
            "value": "none",
            "label": "tanpa tanggal",
            "count": 1,
            "selected": False,
            "toggle": "?q=danau+toba&date=none",
        }
    ]
    assert search(service, q="danau toba", date="none")["total"] == 1


def test_outlet_facet_keeps_alternatives_when_one_is_chosen(service):
    answer = search(service, q="kebakaran", source="Kota Kita")
    sources = {item["value"]: (item["count"], item["selected"]) for item in answer["facets"]["source"]}
    assert sources == {"Warta Nasional": (3, False), "Kabar Riau": (2, False), "Kota Kita": (1, True)}
    assert answer["total"] == 1


def test_misspelt_word_gets_a_corrected_query(service):
    """Applied at once when the corrected query finds far more (0 articles against 5), else only proposed
    (0 against 4)."""
    applied = search(service, q="kebakran hutan")
    assert (applied["correction"]["q"], applied["suggestion"], applied["total"]) == (
        "kebakaran hutan",
        None,
        5,
    )
    proposed = search(service, q="daearh")
    assert (proposed["suggestion"]["q"], proposed["correction"]) == ("daerah", None)
    assert search(service, q="daerah")["total"] == 4


@pytest.mark.parametrize("engine", ENGINES)
def test_a_word_missing_a_letter_is_completed_rather_than_cut(tmp_path: Path, engine, index_locations):
    """ "pemerintahn" is one edit from both "pemerintah" and "pemerintahan": the slip is a left-out letter."""
    export = tmp_path / "export.jsonl"
    lines = [
        {"title": f"Kabar {n}", "content": f"Rapat {word} daerah ke-{n} membahas anggaran.", "url": f"u{n}"}
        for n, word in enumerate(["pemerintah"] * 6 + ["pemerintahan"] * 3)
    ]
    export.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    location = index_locations.new(engine)
    build_index(location, [export])
    service = SearchService(open_location(location))
    # both find the 9 articles (one stem) against none: corrected at once
    assert search(service, q="pemerintahn")["correction"]["q"] == "pemerintahan"
    assert search(service, q="pemerintha")["correction"]["q"] == "pemerintah"


def test_no_suggestion_for_a_query_spelt_right(service):
    assert search(service, q="kebakaran hutan")["suggestion"] is None


def test_paging(service):
    first, second = (
        search(service, q="kebakaran", per_page=2),
        search(service, q="kebakaran", per_page=2, page=2),
    )
    assert first["total"] == second["total"] == 6
    assert len(first["results"]) == len(second["results"]) == 2
    assert not set(titles(first)) & set(titles(second))
    beyond = search(service, q="kebakaran", per_page=2, page=50)
    assert beyond["results"] == [] and beyond["total"] == 6


@pytest.mark.parametrize(
    ("body", "terms"),
    [(", Jumat (20/9/2019) warga memadamkan api di hutan.", set()),
     ("Kabut asap tebal sekali" + " kata" * 60 + ". , Jumat kebakaran meluas" + " lagi" * 60, {"bakar"})],
)  # fmt: skip
def test_a_snippet_never_starts_on_punctuation(body, terms):
    snippet = snippets.marked_snippet(body, terms, make_schema()["body"].analyzer)
    assert re.match(r"\w|<mark>", snippet), snippet


def test_text_from_articles_is_escaped_in_titles_and_snippets(service):
    hit = search(service, q="celah situs")["results"][0]
    rendered = hit["snippet"] + service.search(SearchRequest(q="celah situs")).results[0].title_html
    assert "<script" not in rendered
    assert "&lt;<mark>script</mark>&gt;" in rendered or "&lt;script&gt;" in rendered
    assert set(re.findall(r"</?(\w+)", rendered)) == {"mark"}


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"page": "-1"}, "page"),
        ({"page": "abc"}, "page"),
        ({"per_page": "100000"}, "per_page"),
        ({"from": "junk"}, "from"),
        ({"to": "2019-13-45"}, "to"),
        ({"from": "2019-10-01", "to": "2019-09-01"}, "from"),
        ({"sort": "random"}, "sort"),
        ({"date": "2019-9"}, "date"),
        ({"q": "x" * (MAX_QUERY_CHARS + 1)}, str(MAX_QUERY_CHARS)),
    ],
)
def test_bad_parameters_are_refused_with_a_message(params, problem):
    with pytest.raises(InvalidRequest, match=problem):
        SearchRequest.from_params(params)


@pytest.mark.parametrize("engine", ENGINES)
def test_missing_index_is_a_clear_error(engine, index_locations):
    with pytest.raises(IndexMissingError, match=r"indexer\.py build"):
        SearchService(open_location(index_locations.new(engine))).search(SearchRequest(q="hutan"))
