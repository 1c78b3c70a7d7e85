"""Article extraction from real saved pages (gold.jsonl), the seed text dump and our own small fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.extract import (
    ExtractError,
    decode_html,
    extract_html,
    extract_text_dump,
    normalise_category,
    outlet_name,
    title_from_body,
)

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


def fold(text: str | None) -> str:
    return " ".join((text or "").split())


def fixture_page(name: str):
    return extract_html((FIXTURES / name).read_bytes())


LEAD = "Harga bawang putih di pasar tradisional naik menjelang Ramadan karena pasokan impor tertahan. " * 3


def body_with(*paragraphs: str) -> str:
    """The body extracted from a small page: a long lead paragraph, then `paragraphs` (put in <p> unless
    they are markup already)."""
    rest = "".join(p if p.startswith("<") else f"<p>{p}</p>" for p in paragraphs)
    page = (
        "<html><head><title>Harga Bawang Putih Naik</title></head><body><h1>Harga Bawang Putih Naik</h1>"
        f"<article><p>{LEAD}</p>{rest}</article></body></html>"
    )
    return extract_html(page.encode()).body


# ---------------------------------------------------------------- real pages against the hand-made gold


def score_gold(html_dir: Path) -> tuple[dict[str, int], int, list[str]]:
    """Per-field hits over gold.jsonl, the number of pages, and one line per miss (bench/bench_extract.py
    prints the same figures)."""
    hits = {"title": 0, "date": 0, "body_first": 0, "body_last": 0, "body": 0, "outlet": 0, "no_leak": 0}
    misses: list[str] = []
    gold = [json.loads(line) for line in (html_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    for page in gold:
        article = extract_html((html_dir / page["file"]).read_bytes())
        body = fold(article.body)
        checks = {
            "title": fold(article.title) == fold(page["title"]),
            # date and minute: the first 16 characters of ISO 8601, plus the zone
            "date": (article.published or "")[:16] == page["published"][:16]
            and (article.published or "").endswith(page["published"][-6:]),
            "body_first": fold(page["body_first"]) in body,
            "body_last": fold(page["body_last"]) in body,
            "outlet": article.source == page["outlet"],
        }
        checks["body"] = checks["body_first"] and checks["body_last"]
        leaks = [text for text in page["body_must_not_contain"] if fold(text) in body]
        checks["no_leak"] = not leaks
        for field, ok in checks.items():
            hits[field] += ok
            if not ok:
                misses.append(f"{page['file']}: {field} {leaks if field == 'no_leak' else ''}")
    return hits, len(gold), misses


def test_gold_pages_per_field_accuracy(shared_data: Path) -> None:
    hits, pages, misses = score_gold(shared_data / "html")
    summary = ", ".join(f"{field} {count}/{pages} ({count / pages:.0%})" for field, count in hits.items())
    print(f"\ngold extraction over {pages} pages: {summary}")
    for miss in misses:
        print("  miss:", miss)
    assert hits["title"] / pages >= 0.95, misses
    assert hits["date"] / pages >= 0.95, misses
    assert hits["body"] / pages >= 0.90, misses
    assert hits["no_leak"] == pages, misses


def test_visible_wib_time_beats_a_wrong_meta_offset(shared_data: Path) -> None:
    """merdeka prints "-07:00" on what is WIB clock time; the page shows "17 Juni 2021 11:38"."""
    article = extract_html((shared_data / "html" / "merdeka" / "1.html").read_bytes())
    assert article.published == "2021-06-17T11:38:29+07:00"


def test_page_declaring_latin1_but_written_in_utf8_keeps_its_symbols(shared_data: Path) -> None:
    article = extract_html((shared_data / "html" / "kapanlagi" / "1.html").read_bytes())
    assert "Â" not in article.body
    assert article.title == "Brandon Salim Makin Dekat Dengan Sivia Blink di 'HEART BEAT'"


def test_seed_dump_outlet_date_and_body_end(shared_data: Path) -> None:
    dump = next((shared_data / "seed").glob("*.txt"))
    article = extract_text_dump(dump.read_text(encoding="utf-8"))
    assert article.source == "Suara.com"
    assert article.published == "2019-04-09"
    assert article.body.startswith("Suara.com - Gubernur DKI Jakarta Anies Baswedan")
    assert article.body.endswith("A.M. Fachir.")
    for link_list in ("Baca Juga", "Berita Terkait", "Terpopuler", "Pilihan", "Terkini", "Moeldoko"):
        assert link_list not in article.body
    assert article.title.startswith("Gubernur DKI Jakarta Anies Baswedan menerima")
    assert len(article.title) <= 101


# ---------------------------------------------------------------- our fixtures: generic rules


def test_unseen_outlet_comes_out_by_generic_rules() -> None:
    article = fixture_page("unseen_outlet.html")
    assert article.title == "Petani Kopi Gayo Mulai Panen Raya Lebih Awal"
    assert article.source == "Warta Nusantara"
    assert article.published == "2019-09-12T07:45:10+07:00"
    assert article.category == "Ekonomi"
    assert article.author == "Rahmat Hidayat"
    assert article.url == "https://www.wartanusantara.id/ekonomi/2019/09/12/petani-kopi-gayo-mulai-panen-raya"
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("Takengon, Warta Nusantara - Petani kopi di dataran tinggi Gayo")
    assert "Kualitas Tetap Terjaga" in paragraphs  # a subhead is part of the article
    assert paragraphs[-1].endswith("ujar Yusri menutup keterangannya.")  # "(rhd/srd)" cut off
    for furniture in (
        "Baca juga",
        "Harga Kopi Arabika",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE",
        "Penulis",
        "Editor",
        "Bagikan",
        "WhatsApp",
        "#kopi",
        "Berita Terkait",
        "Ekspor Kopi Sumatra",
        "Terpopuler",
        "Copyright",
        "Beranda",
    ):
        assert furniture not in article.body


def test_unseen_blog_style_layout_with_a_true_utc_stamp() -> None:
    article = fixture_page("unseen_wordpress.html")
    assert article.title == "Nelayan Cilacap Keluhkan Solar Langka Sejak Sepekan"
    assert article.source == "Beritaku.co.id"
    # JSON-LD 03:05:41Z is the same instant as the visible "10:05 WIB": keep its seconds, show it in WIB
    assert article.published == "2019-09-16T10:05:41+07:00"
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("BERITAKU.CO.ID, CILACAP - Ratusan nelayan")
    assert paragraphs[-1].endswith("solar bersubsidi tepat sasaran.")
    assert len(paragraphs) == 4
    for furniture in (
        "Laporan Wartawan",
        "Baca:",
        "Harga Ikan Laut",
        "telah tayang",
        "Editor",
        "Tinggalkan",
        "Ringkasan",
    ):
        assert furniture not in article.body


def test_one_paragraph_split_by_br_with_caption_signature_and_tweet() -> None:
    article = fixture_page("single_paragraph_br.html")
    assert article.title == "Lima Alasan Orang Enggan Berolahraga"
    assert article.source == "Kabar Gaya"
    assert article.published == "2015-11-05T11:13:00+07:00"  # visible only, no machine-readable date
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("KABAR GAYA, Jakarta - Kurangnya aktivitas fisik")
    assert "Tidak Punya Waktu" in paragraphs  # subheads split off by <br>
    assert paragraphs[-1].endswith("memulai dari intensitas ringan.")
    for not_prose in (
        "Kamis, 05 November",
        "Dok. Kabar Gaya",
        "RINA WATI",
        "Ayo bergerak",
        "bagikan",
        "Terkait",
    ):
        assert not_prose not in article.body


def test_body_of_bare_text_and_br_is_split_into_paragraphs() -> None:
    article = fixture_page("br_body.html")
    assert article.title == "Jembatan Gantung Baru Hubungkan Dua Desa di Minahasa"
    assert article.source == "Kabar Timur"  # what the <title> adds around the headline
    # the meta tag says -07:00, the reader sees 08:30 WITA
    assert article.published == "2019-08-12T08:30:00+08:00"
    paragraphs = article.body.split("\n\n")
    assert len(paragraphs) == 4
    assert paragraphs[0].startswith("MANADO, KABAR TIMUR - Warga Desa Tounelet")
    assert paragraphs[-1].endswith("kepada perangkat desa.")
    for furniture in ("Baca juga", "Jalan Desa di Tondano", "Editor", "Berita Lainnya", "Banjir Surut"):
        assert furniture not in article.body


def test_article_box_with_a_boilerplate_sounding_class_is_kept() -> None:
    paragraph = (
        "Warga desa bergotong royong memperbaiki saluran irigasi yang rusak diterjang banjir bulan lalu."
    )
    page = (
        "<html><head><title>Warga Perbaiki Irigasi</title></head><body><h1>Warga Perbaiki Irigasi</h1>"
        f'<div class="share-box">Bagikan <a href="#">Facebook</a></div>'
        f'<div class="konten-social-news">{"<br><br>".join([paragraph] * 6)}</div>'
        "</body></html>"
    )
    article = extract_html(page.encode())
    assert article.body.split("\n\n") == [paragraph] * 6


def test_wrongly_declared_charset_is_read_as_utf8() -> None:
    article = fixture_page("wrong_charset.html")
    assert "“Rumah di Ujung Sawah”" in article.body
    assert "Café" in article.body
    assert article.title == "Sineas Muda Raih Penghargaan di Festival Film Asia"
    assert article.source == "Layar Kita"
    assert article.published == "2019-11-03T20:10:00+07:00"  # no zone shown: WIB
    assert "©" not in article.body


def test_a_true_latin1_page_falls_back_to_its_declared_charset() -> None:
    article = fixture_page("latin1.html")
    assert "Café tempat pemutaran perdana" in article.body


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('<meta charset="iso-8859-1"><p>Café “x”'.encode()[:-2], '<meta charset="iso-8859-1"><p>Café “x'),
        ('<meta charset="utf-8"><p>Café'.encode() + b"\xe9 ok", '<meta charset="utf-8"><p>Café\ufffd ok'),
        ('<meta charset="iso-8859-1"><p>Café'.encode("latin-1"), '<meta charset="iso-8859-1"><p>Café'),
        ("<p>Café ini".encode("latin-1"), "<p>Café ini"),
    ],
    ids=["utf8-cut-mid-character", "utf8-stray-byte", "latin1-declared", "latin1-undeclared"],
)
def test_decoding_prefers_utf8_but_not_blindly(raw: bytes, expected: str) -> None:
    assert decode_html(raw) == expected


def test_truncated_html_gives_what_it_has() -> None:
    article = fixture_page("truncated.html")
    assert article.title == "Harga Cabai Rawit di Pasar Induk Turun Drastis"
    assert article.published == "2019-09-20T06:15:00+07:00"
    assert article.body.startswith("Harga cabai rawit merah di Pasar Induk Kramat Jati")
    assert article.body.endswith("tapi petani pasti menja")


def test_page_drawn_by_scripts_falls_back_to_json_ld_article_body() -> None:
    article = fixture_page("script_rendered.html")
    assert article.title == "Festival Layang-Layang Pantai Parangkusumo Dibuka"
    assert article.body.split("\n\n") == [
        "Ratusan layang-layang berbagai bentuk menghiasi langit Pantai Parangkusumo, Bantul, Minggu pagi.",
        "Peserta datang dari tujuh provinsi dan dua negara tetangga.",
        "Panitia berharap festival ini menjadi agenda wisata tahunan.",
    ]
    assert article.published == "2019-07-21T08:00:00+07:00"


def test_gallery_page_with_little_text_keeps_its_description() -> None:
    article = fixture_page("gallery.html")
    assert article.title == "FOTO: Semarak Pawai Obor Sambut Tahun Baru Islam"
    assert article.body == "Ribuan warga mengikuti pawai obor keliling kota menyambut 1 Muharram 1441 H."
    assert article.published == "2019-08-31T20:00:00+07:00"


@pytest.mark.parametrize(
    ("name", "reason"),
    [("binary.html", "binary"), ("empty.html", "empty")],
)
def test_unusable_pages_raise_a_clear_error(name: str, reason: str) -> None:
    with pytest.raises(ExtractError, match=reason):
        fixture_page(name)


def test_oversized_page_is_refused_before_parsing() -> None:
    with pytest.raises(ExtractError, match="exceeds"):
        extract_html(b"<html><body><p>" + b"kata " * (3 * 1024 * 1024) + b"</p></body></html>")


def test_text_dump_stops_at_the_link_lists() -> None:
    article = extract_text_dump((FIXTURES / "dump.txt").read_text(encoding="utf-8"))
    assert article.source == "Lensaberita.id"
    assert article.published == "2019-09-06"
    assert article.body.endswith("tidak mengganggu program lain.")
    assert "Festival Perahu Bidar" not in article.body
    assert article.title.endswith("…")
    assert article.title.startswith("Pemerintah Kota Pontianak menambah dua puluh titik lampu")


@pytest.mark.parametrize(
    ("dump", "source", "title"),
    [
        (
            "JAKARTA, KOMPAS.com - Presiden meresmikan jalan tol.\nIa datang pagi.",
            "Kompas.com",
            "Presiden meresmikan jalan tol.",
        ),
        (
            "Medan (ANTARA) - Polisi menangkap dua orang. Keduanya diperiksa.",
            "ANTARA News",
            "Polisi menangkap dua orang.",
        ),
        (
            "Jokowi Resmikan Tol Baru\nREPUBLIKA.CO.ID, JAKARTA -- Presiden meresmikan tol.",
            "Republika",
            "Jokowi Resmikan Tol Baru",
        ),
        (
            "Hari ini - kata dia - hujan turun deras sekali.",
            None,
            "Hari ini - kata dia - hujan turun deras sekali.",
        ),
    ],
)
def test_text_dump_lead_and_title_line(dump: str, source: str | None, title: str) -> None:
    article = extract_text_dump(dump)
    assert (article.source, article.title) == (source, title)


def test_title_from_body_cuts_at_a_word_boundary() -> None:
    assert title_from_body("Hujan deras turun. Jalan banjir.") == "Hujan deras turun."
    long = "Kata " * 40
    title = title_from_body(long)
    assert title.endswith("Kata…") and len(title) <= 101


@pytest.mark.parametrize(
    ("given", "url", "expected"),
    [
        ("KOMPAS.com", None, "Kompas.com"),
        ("detikinet", None, "detikcom"),  # a channel of detik is detik: one outlet, one facet value
        ("detikNews", None, "detikcom"),
        ("lifestyle.okezone.com", None, "Okezone"),
        ("liputan6.com", None, "Liputan6.com"),
        ("Warta Nusantara", None, "Warta Nusantara"),
        ("ihram.co.id", None, "Ihram.co.id"),
        (None, "https://sport.detik.com/sepakbola/x", "detikcom"),
        (None, "https://www.beritabaru.example/x", "Beritabaru.example"),
    ],
)
def test_outlet_names_as_readers_know_them(given: str | None, url: str | None, expected: str) -> None:
    assert outlet_name(given, url) == expected


def test_prose_in_divs_drops_an_embedded_tweet_and_photo_credit_captions() -> None:
    """An article written as <div>s inside a <span> has no <p> of its own: the tweet's lone <p> must not pass
    for "most of the page's paragraphs"; a caption is known by the photo credit that ends it."""
    article = fixture_page("div_prose_embed.html")
    assert article.title == "Penari Cilik Asal Sumba Tampil di Festival Seni Wina"
    assert article.source == "Tempo.co"  # the host's outlet, not the channel's og:site_name "Layar Gaya"
    assert article.published == "2016-03-08T19:42:10+07:00"
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("LAYAR GAYA - Seorang penari cilik asal Sumba Barat")
    assert (
        paragraphs[-1]
        == "Ina dijadwalkan pulang ke Sumba pekan depan dan akan kembali bersekolah seperti biasa."
    )
    assert len(paragraphs) == 5
    for not_prose in ("Foto: Panitia", "Dok. Panitia", "ArtsFest", "Rina Wulandari", "TERKAIT", "Cabai"):
        assert not_prose not in article.body


@pytest.mark.parametrize(
    ("caption", "is_caption"),
    [
        ("Petugas berjaga di depan gedung, Sabtu (23/1/2021). (AP Photo/Vincent Yu)", True),
        ("Warga antre di posko bantuan. Foto: Dok. Humas", True),
        ("Warga antre di posko bantuan. (Foto/Ist)", True),
        ("Ilustrasi shutterstock.com", True),
        ("Dok. Istimewa", True),
        ("Istana Negara", False),
        ("Warga antre di posko bantuan sejak pagi, kata Budi kepada wartawan.", False),
    ],
)
def test_a_short_paragraph_ending_in_a_photo_credit_is_a_caption(caption: str, is_caption: bool) -> None:
    assert (caption in body_with(caption, LEAD)) is not is_caption


def test_without_a_headline_element_the_date_is_read_next_to_the_unlinked_title() -> None:
    """The title is first printed as a link in a carousel, above a sidebar of timed "latest news"; the
    dateline belongs to the plain-text headline further down."""
    article = fixture_page("linked_title_above.html")
    assert article.title == "Mangrove Planting Expands Along Northern Coast"
    assert article.published == "2018-03-14T08:10:00+07:00"
    assert article.body.startswith("KABAR PESISIR, Semarang - Volunteers planted twelve thousand")
    assert article.body.endswith("before the rainy season ends.")


def test_reporter_sign_offs_after_the_last_sentence_are_dropped() -> None:
    article = fixture_page("credit_signoffs.html")
    assert article.published == "2021-04-07T09:30:00+07:00"
    assert article.body.startswith("kabarkota.id, WONOSOBO - Sebuah mobil perpustakaan keliling")
    assert article.body.endswith('adalah buku dongeng bergambar," ujarnya.')
    for sign_off in ("(kbk)", "Kabarkota.id/Sri", "Jangan Lewatkan", "Redaktur", "BACA JUGA", "Taman Baca"):
        assert sign_off not in article.body


@pytest.mark.parametrize(
    ("stamps", "published"),
    [
        (
            "<div>Diperbarui 12/09/2019, 10:00 WIB</div><div>Kabar Kudus - 11/09/2019, 14:05 WIB</div>",
            "2019-09-11T14:05:00+07:00",
        ),
        (
            "<div>Kabar Kudus - 11/09/2019, 14:05 WIB | Updated: 12/09/2019, 10:00 WIB</div>",
            "2019-09-11T14:05:00+07:00",
        ),
        # the only stamp printed, labelled "Update": still better than the URL's bare date
        ("<div>Update: 12/09/2019, 10:00 WIB</div>", "2019-09-12T10:00:00+07:00"),
    ],
)
def test_an_update_stamp_next_to_the_headline_is_not_the_publication_date(
    stamps: str, published: str
) -> None:
    prose = "Pembangunan jembatan penghubung dua kecamatan dimulai pekan ini setelah tertunda dua tahun. " * 3
    page = (
        '<html><head><title>Jembatan Dua Kecamatan Mulai Dibangun</title><meta property="og:url" '
        'content="https://kabarkudus.example/read/2019/09/11/jembatan"></head><body>'
        f"<h1>Jembatan Dua Kecamatan Mulai Dibangun</h1>{stamps}"
        f"<article><p>{prose}</p></article></body></html>"
    )
    assert extract_html(page.encode()).published == published


@pytest.mark.parametrize(
    ("last", "kept"),
    [
        ('"Stok aman sampai Lebaran," katanya. (tirto.id - Ekonomi)', '"Stok aman sampai Lebaran," katanya.'),
        ("Harga diperkirakan turun pekan depan.(tsa)", "Harga diperkirakan turun pekan depan."),
        ("(kabarkota.id/Sri Handayani)", None),
        ("Rapat digelar di gedung DPRD (PDIP)", "Rapat digelar di gedung DPRD (PDIP)"),
    ],
)
def test_a_credit_closing_the_article_is_cut_off_and_prose_in_brackets_is_not(
    last: str, kept: str | None
) -> None:
    assert body_with(last).split("\n\n")[-1] == (kept or LEAD.strip())


@pytest.mark.parametrize(
    ("paragraph", "is_furniture"),
    [
        (
            "Simak breaking news dan berita pilihan kami langsung di ponselmu. Pilih saluran andalanmu akses "
            "berita Kabar Kota WhatsApp Channel : https://whatsapp.com/channel/0029Va. Pastikan kamu sudah "
            "install aplikasi WhatsApp ya.",
            True,
        ),
        ("Ikuti kami di Instagram dan TikTok untuk berita terbaru setiap hari.", True),
        ("Download aplikasi Kabar Kota sekarang, gratis!", True),
        ("Pedagang mengikuti kami ke gudang untuk melihat stok bawang yang tersisa.", False),
    ],
)
def test_invitations_to_follow_the_outlet_are_not_prose(paragraph: str, is_furniture: bool) -> None:
    assert (paragraph in body_with(paragraph)) is not is_furniture


def test_a_box_named_by_a_run_together_class_word_is_dropped() -> None:
    teaser = "Ringkasan berita lain yang ditampilkan di bawah artikel sebagai rekomendasi bacaan berikutnya."
    body = body_with(
        "Pedagang menyebut harga naik hampir sepertiga dalam dua pekan terakhir.",
        f'<div class="relatedposts"><p>{teaser}</p></div>',
        f'<div class="commentlist"><p>{teaser}</p></div>',
        "Kementerian perdagangan berjanji mempercepat izin impor sebelum Lebaran.",
    )
    assert teaser not in body
    assert body.endswith("mempercepat izin impor sebelum Lebaran.")


def test_credit_and_syndication_lines_leave_the_body_and_the_writer_becomes_the_author() -> None:
    """Credits styled apart (table cells, label and name in two <strong>s), a syndication note closing the
    last paragraph or standing alone, "Simak juga video" and update invitations are not the story."""
    article = fixture_page("credits_in_body.html")
    assert article.author == "Rina Wulandari"  # the meta author names the outlet, not a person
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("BANJARMASIN, KABAR KALIMANTAN - Pasar apung")
    assert paragraphs[-1].endswith(
        '"Dermaga akan selesai sebelum musim libur sekolah," ujar Kepala Dinas Pariwisata, Hendra.'
    )
    assert len(paragraphs) == 4
    for not_story in (
        "Simak",
        "Dapatkan",
        "tayang",
        "Yuk",
        "Penulis",
        "Rina",
        "Editor",
        "Bagus",
        "Kabar Kalimantan.",
    ):
        assert not_story not in article.body


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ('<meta name="author" content="Dewi Lestari">', "Dewi Lestari"),
        ('<meta name="author" content="kabarkota.id developer">', None),
        ('<meta name="author" content="Tim Redaksi">', None),
        ("<div class='byline'>Pewarta: <span>Nur Hasanah</span></div>", "Nur Hasanah"),
        ("<p>Laporan Wartawan KabarKota.id, Ani Lestari</p>", "Ani Lestari"),
        ("<div>Penulis | : Kontributor Kudus, Masriadi Editor | : Sandro</div>", "Masriadi"),
        ("<div>Reporter: Dimas Aryo Kamis, 12 September 2019 10:00 WIB</div>", "Dimas Aryo"),
        ("<p>Acara dibuka oleh Gubernur Jawa Tengah.</p>", None),
    ],
)
def test_the_author_is_a_credited_person(byline: str, author: str | None) -> None:
    page = (
        "<html><head><title>Harga Bawang Putih Naik</title>"
        f"{byline if byline.startswith('<meta') else ''}</head><body><h1>Harga Bawang Putih Naik</h1>"
        f"{'' if byline.startswith('<meta') else byline}<article><p>{LEAD}</p></article></body></html>"
    )
    assert extract_html(page.encode()).author == author


def test_category_comes_from_the_breadcrumb_steps_not_the_headline_or_menu() -> None:
    """No section metadata and no section in the URL: the linked breadcrumb says Olahraga; the menu's
    "Ekonomi" and the headline's "Bisnis Kuliner" are not the article's section."""
    assert fixture_page("breadcrumb_category.html").category == "Olahraga"


@pytest.mark.parametrize(
    ("raw", "section"),
    [
        (("ShowBiz",), "Hiburan"),
        (("Gaya Hidup",), "Gaya Hidup"),
        (("Beranda > Luar Negeri",), "Internasional"),
        (("News", "Regional"), "Regional"),  # news in general only when nothing more specific is named
        (("News",), "Nasional"),
        (("https://sport.detik.com/sepakbola/bola-dunia/d-6454487/x",), "Olahraga"),
        (("https://regional.kompas.com/read/2019/09/10/21485171/x",), "Regional"),
        (("https://www.liputan6.com/citizen6/read/3874490/tips-hidup-sehat-di-kantor",), None),  # slug words
        (("Citizen6", "Berita"), None),
        ((None, ""), None),
    ],
)
def test_sections_are_normalised_to_a_small_indonesian_set(raw: tuple, section: str | None) -> None:
    assert normalise_category(*raw) == section


def test_category_from_json_ld_breadcrumb_and_from_the_url_folder() -> None:
    prose = f"<h1>Harga Bawang Putih Naik</h1><article><p>{LEAD}</p></article>"
    trail = (
        '<script type="application/ld+json">{"@type": "BreadcrumbList", "itemListElement": ['
        '{"@type": "ListItem", "position": 1, "name": "Home"},'
        '{"@type": "ListItem", "position": 2, "item": {"@id": "/money", "name": "Money"}}]}</script>'
    )
    by_trail = f"<html><head><title>Harga Bawang Putih Naik</title>{trail}</head><body>{prose}</body></html>"
    by_url = "<html><head><title>Harga Bawang Putih Naik</title></head><body>" + prose + "</body></html>"
    assert extract_html(by_trail.encode()).category == "Ekonomi"
    assert (
        extract_html(by_url.encode(), url="https://kabar.example/otomotif/2019/harga").category == "Otomotif"
    )


def test_a_dateline_lead_cut_off_by_a_reading_tip_and_an_ad_opens_the_body() -> None:
    article = fixture_page("lead_outside_container.html")
    paragraphs = article.body.split("\n\n")
    assert paragraphs[0].startswith("Semarang (Kabar Jateng) - Banjir rob kembali merendam")
    assert paragraphs[1].startswith("Warga Tanjung Mas, Sumarni")
    assert len(paragraphs) == 5
    assert "Baca juga" not in article.body and "Senin, 04 Mei" not in article.body


STORY = [
    "Warga desa bergotong royong memperbaiki saluran irigasi yang rusak diterjang banjir bulan lalu.",
    "Kepala desa menyebut perbaikan selesai sebelum musim tanam agar sawah tidak kekeringan lagi.",
    "Dinas pertanian mengirim dua alat berat untuk mengangkut lumpur yang menutup pintu air utama.",
    "Petani berharap pemerintah kabupaten membangun tanggul permanen di sepanjang sungai tahun depan.",
]


def page_with_intro(intro: str, story: list[str]) -> str:
    """A page whose intro paragraph sits in its own box, before the box that holds the rest of the story."""
    paragraphs = "".join(f"<p>{p}</p>" for p in story)
    page = (
        "<html><head><title>Warga Perbaiki Irigasi</title></head><body><h1>Warga Perbaiki Irigasi</h1>"
        "<div>Selasa, 10 Sep 2019 09:00 WIB</div>"
        f'<div class="intro"><p><b>{intro}</b></p></div><div class="wrap"><div class="content">{paragraphs}'
        "</div></div></body></html>"
    )
    return extract_html(page.encode()).body


def test_a_styled_intro_outside_the_text_box_opens_the_body() -> None:
    intro = "Hujan deras tiga hari berturut-turut merusak saluran irigasi di Desa Sukamaju, Kabupaten Garut."
    assert page_with_intro(intro, STORY).split("\n\n") == [intro, *STORY]


def test_a_teaser_before_a_story_that_opens_with_its_dateline_is_left_out() -> None:
    story = [f"GARUT, KABAR DESA - {STORY[0]}", *STORY[1:]]
    teaser = (
        "Saluran irigasi rusak diterjang banjir, warga turun tangan memperbaikinya tanpa menunggu bantuan."
    )
    assert page_with_intro(teaser, story).split("\n\n") == story


def test_a_teaser_repeating_the_first_paragraph_is_not_read_twice() -> None:
    assert page_with_intro(STORY[0], STORY).split("\n\n") == STORY


def test_a_photo_gallery_is_its_captions_in_order_each_once_without_photo_credits() -> None:
    article = fixture_page("photo_gallery.html")
    assert article.body.split("\n\n") == [
        "Umat Buddha menyalakan lampion di pelataran Candi Borobudur, Magelang, Minggu (19/5/2019) malam, "
        "sebagai puncak perayaan Waisak.",
        "Sebelum diterbangkan, para biksu memimpin doa bersama yang diikuti ribuan umat dan wisatawan.",
        "Lampion yang dilepas ke udara menjadi simbol harapan dan doa bagi perdamaian dunia.",
        "Panitia membatasi jumlah lampion tahun ini demi keselamatan penerbangan di sekitar Yogyakarta.",
    ]


CAPTIONS = [
    "Peserta karnaval mengenakan kostum dari daun pisang kering saat melintas di Jalan Malioboro.",
    "Anak-anak sekolah dasar menampilkan tari kreasi di depan panggung kehormatan.",
    "Penonton memadati trotoar sejak siang untuk mendapatkan tempat terbaik.",
]


def page_with_figures(prose: list[str]) -> str:
    """`prose` paragraphs, then three captioned figures, each caption printed again in a lightbox."""
    figures = "".join(
        f'<figure><img src="{i}.jpg"><figcaption>{caption}</figcaption></figure>'
        for i, caption in enumerate(CAPTIONS)
    )
    lightbox = "".join(
        f'<div class="lb"><img src="{i}b.jpg"><p>{c}</p></div>' for i, c in enumerate(CAPTIONS)
    )
    paragraphs = "".join(f"<p>{p}</p>" for p in prose)
    page = (
        "<html><head><title>Karnaval Budaya Yogyakarta</title></head><body>"
        f"<h1>Karnaval Budaya Yogyakarta</h1><div class='isi'>{paragraphs}{figures}</div>"
        f"<div class='lightbox'>{lightbox}</div></body></html>"
    )
    return extract_html(page.encode()).body


def test_a_gallery_keeps_its_short_intro_before_the_captions() -> None:
    intro = "Karnaval budaya kembali digelar di Yogyakarta setelah dua tahun absen."
    assert page_with_figures([intro]).split("\n\n") == [intro, *CAPTIONS]


def test_an_article_with_a_few_captioned_photos_is_not_a_gallery() -> None:
    assert page_with_figures([LEAD, LEAD]).split("\n\n") == [LEAD.strip(), LEAD.strip()]


def test_a_list_split_by_a_pager_and_an_ad_is_read_to_its_real_end() -> None:
    """The list goes on after "1 2 Selanjutnya »" in a box named like the first; the site's blurb and the
    more-news list after it are not the article."""
    paragraphs = fixture_page("list_with_pager.html").body.split("\n\n")
    assert paragraphs[0].startswith("Kabar Bintang - Awal pekan membawa energi baru")
    assert [p for p in paragraphs if p[0].isdigit()] == [
        "1. Aries", "2. Taurus", "3. Gemini", "4. Cancer", "5. Leo", "6. Virgo",
    ]  # fmt: skip
    assert (
        paragraphs[-1] == "Seorang teman lama menghubungimu dengan kabar gembira yang sudah lama kamu tunggu."
    )


def test_a_paragraph_after_an_inline_ad_below_the_text_box_belongs_to_the_story() -> None:
    last = "Pedagang berharap harga kembali normal sebelum Lebaran karena permintaan akan naik."
    page = (
        "<html><head><title>Harga Bawang Putih Naik</title></head><body><h1>Harga Bawang Putih Naik</h1>"
        f"<div class='teks'><p>{LEAD}</p><p>{LEAD}</p></div><div class='sisipan'>ADVERTISEMENT</div>"
        f"<p>{last}</p></body></html>"
    )
    assert extract_html(page.encode()).body.split("\n\n") == [LEAD.strip(), LEAD.strip(), last]


def test_a_relative_date_resolves_against_the_time_the_page_was_saved() -> None:
    """SingleFile wrote when it saved the page; "2 jam yang lalu" is two hours before that. The page's own
    og:updated_time is not when it was read."""
    assert fixture_page("relative_date_saved.html").published == "2020-03-14T08:15:00+07:00"


@pytest.mark.parametrize(
    ("saved_note", "stamp", "published"),
    [
        (
            "<!-- Mirrored from kabar.example/a.html by HTTrack Website Copier/3.x [XR&CO'2014], "
            "Sat, 14 Mar 2020 03:15:30 GMT -->",
            "kemarin, 14:05 WIB",
            "2020-03-13T14:05:00+07:00",
        ),
        (
            "<!-- FILE ARCHIVED ON 03:15:30 Mar 14, 2020 AND RETRIEVED FROM THE ARCHIVE -->",
            "3 hari lalu",
            "2020-03-11",
        ),
        ("<!-- saved from url=(0030)https://kabar.example/a.html -->", "2 jam yang lalu", None),
        ("", "2 jam yang lalu", None),
    ],
    ids=["httrack-yesterday", "wayback-days-ago", "chrome-note-has-no-time", "no-note"],
)
def test_a_relative_date_needs_a_real_save_time(saved_note: str, stamp: str, published: str | None) -> None:
    page = (
        f"<html>{saved_note}<head><title>Harga Bawang Putih Naik</title></head><body>"
        f"<h1>Harga Bawang Putih Naik</h1><div>{stamp}</div><article><p>{LEAD}</p></article></body></html>"
    )
    assert extract_html(page.encode()).published == published
