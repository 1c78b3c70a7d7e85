"""Typo tolerance and spelling correction on a real index of articles written for it, on every engine: a
slip finds the intended articles, the word as typed ranks first, and a correction is applied at once only
when the evidence is strong."""

from __future__ import annotations

import json

import pytest
from helpers import ENGINES, IndexLocations
from werkzeug.datastructures import MultiDict

from search.backend import open_location
from search.query import SearchService
from search.request import InvalidRequest, SearchRequest
from search.writing import build_index

TOPICS = [
    "keamanan Papua",
    "pengamanan pelantikan",
    "demo mahasiswa",
    "kerusuhan Wamena",
    "revisi undang-undang",
    "pemilu damai",
    "terorisme",
    "perbatasan",
    "kebakaran lahan",
    "radikalisme",
    "konflik agraria",
    "hoaks pemilu",
]
TYPO_IN_BODY = "Rapat Keamanan Menjelang Pelantikan"
RARE_NAME = "Wiryanto, Petani Kopi dari Temanggung"
SLIPS = 10


def articles() -> list[dict]:
    found = [
        {"title": f"Wiranto Bahas {topic.title()}", "content": f"Menko Polhukam Wiranto membahas {topic}."}
        for topic in TOPICS
    ]
    found += [
        {"title": TYPO_IN_BODY, "content": "Menko Polhukam Wirianto memimpin rapat keamanan di Jakarta."},
        {"title": RARE_NAME, "content": "Wiryanto menanam kopi arabika di lereng gunung Sumbing."},
        {"title": "Gempa Kecil di Lembang", "content": "Gempa kecil terasa di Lembang pagi ini."},
        {"title": "Penonton Gempar", "content": "Penonton gempar melihat gol di menit akhir."},
        {"title": "Kota Gempar", "content": "Warga gempar oleh kabar kenaikan tarif."},
        {"title": "Perkara Nomor 1234567 Disidangkan", "content": "Perkara nomor 1234567 mulai disidangkan."},
    ]
    for place in ("Surabaya", "Malang", "Kediri", "Blitar", "Madiun", "Jember"):
        found.append(
            {"title": f"Khofifah Resmikan Pasar di {place}", "content": f"Khofifah meresmikan pasar {place}."}
        )
        found.append(
            {"title": f"Patung Soekarno di {place}", "content": f"Patung Soekarno berdiri di {place}."}
        )
        found.append({"title": f"Kebakaran Hutan di {place}", "content": f"Kebakaran hutan melanda {place}."})
    for n in range(SLIPS):  # a slip the news itself prints now and then (several on each OpenSearch shard)
        found.append(
            {"title": f"Ujian Kampus {n}", "content": f"Para mahasiwa mengikuti ujian kampus ke-{n}."}
        )
    for n in range(30 * (SLIPS + 1)):
        found.append({"title": f"Wisuda Kampus {n}", "content": f"Para mahasiswa mengikuti wisuda ke-{n}."})
    for market in ("Kramat", "Senen", "Minggu"):
        found.append(
            {"title": f"Harga Gula Naik di Pasar {market}", "content": f"Gula pasir naik di {market}."}
        )
    return [{**article, "url": f"https://berita.example/{n}"} for n, article in enumerate(found)]


@pytest.fixture(scope="module", params=ENGINES)
def service(
    request: pytest.FixtureRequest, index_locations: IndexLocations, tmp_path_factory: pytest.TempPathFactory
) -> SearchService:
    export = tmp_path_factory.mktemp("typos") / "articles.jsonl"
    export.write_text("\n".join(json.dumps(article) for article in articles()), encoding="utf-8")
    location = index_locations.new(request.param)
    build_index(location, [export])
    return SearchService(open_location(location))


def search(service: SearchService, **params) -> dict:
    return service.search(SearchRequest.from_params(MultiDict(params))).to_json()


def titles(answer: dict) -> list[str]:
    return [hit["title"] for hit in answer["results"]]


@pytest.mark.parametrize(
    ("typed", "name", "slip"),
    [
        ("wirianto", "Wiranto", "an i too many"),
        ("wiranta", "Wiranto", "o typed as a"),
        ("khofifa", "Khofifah", "the last letter left out"),
        ("khofiffah", "Khofifah", "a doubled letter"),
        ("soecarno", "Soekarno", "k typed as c"),
        ("soeakrno", "Soekarno", "two letters swapped"),
    ],
)
def test_a_name_typed_with_a_slip_finds_the_name(service, typed, name, slip):
    found = titles(search(service, q=typed, as_typed="1"))
    assert sum(name in title for title in found) >= 6, slip


def test_a_misspelt_word_finds_the_intended_articles(service):
    answer = search(service, q="kebakran hutan", as_typed="1")
    assert len(titles(answer)) == 6
    assert all(title.startswith("Kebakaran Hutan") for title in titles(answer))
    assert answer["note"] is None


def test_a_slip_printed_in_a_few_articles_finds_the_far_more_frequent_word(service):
    typed = search(service, q="mahasiwa", as_typed="1")
    # the slips, the wisuda articles, and Wiranto on "demo mahasiswa"
    assert typed["total"] == SLIPS + 30 * (SLIPS + 1) + 1
    assert {title.split()[0] for title in titles(typed)} == {"Ujian"}
    assert search(service, q="mahasiwa")["query_used"] == "mahasiswa"
    alone = search(service, q="mahasiwa ujian")  # "mahasiswa ujian" finds nothing: kept as typed
    assert (alone["query_used"], alone["correction"], alone["suggestion"], alone["total"]) == (
        "mahasiwa ujian",
        None,
        None,
        SLIPS,
    )


def test_the_word_as_typed_outranks_its_variants(service):
    answer = search(service, q="wirianto", as_typed="1")
    assert answer["total"] == 13  # the article with the slip itself, and the twelve about Wiranto
    assert titles(answer)[0] == TYPO_IN_BODY
    assert answer["results"][0]["score"] > answer["results"][1]["score"]


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("gulo", "a word under five letters"),
        ("1234568", "a number"),
        ('"kebakran hutan"', "a quoted phrase"),
    ],
)
def test_no_typo_is_tolerated_in_short_words_numbers_or_phrases(service, typed, why):
    assert search(service, q=typed, as_typed="1")["total"] == 0, why


def test_a_strong_correction_is_applied_and_says_so(service):
    answer = search(service, q="kebakran hutan")
    assert answer["query"] == "kebakran hutan"
    assert answer["query_used"] == "kebakaran hutan"
    assert answer["correction"] == {"q": "kebakaran hutan", "as_typed_url": "?q=kebakran+hutan&as_typed=1"}
    assert answer["suggestion"] is None
    assert len(titles(answer)) == 6
    as_typed = search(service, q="kebakran hutan", as_typed="1")
    assert (as_typed["query_used"], as_typed["correction"], as_typed["suggestion"]) == (
        "kebakran hutan",
        None,
        None,
    )


def test_a_slip_found_in_a_few_articles_is_still_corrected(service):
    """ "wirianto" is in one article (news has typos too); "wiranto" is in twelve."""
    answer = search(service, q="wirianto")
    assert answer["query_used"] == "wiranto"
    assert answer["total"] == 12 and TYPO_IN_BODY not in titles(answer)


def test_a_rare_name_in_a_headline_is_only_suggested(service):
    answer = search(service, q="wiryanto")
    assert (answer["query_used"], answer["correction"]) == ("wiryanto", None)
    assert answer["suggestion"] == {"q": "wiranto", "url": "?q=wiranto"}
    assert titles(answer)[0] == RARE_NAME


def test_no_correction_into_a_rarer_word(service):
    """ "gempa" is in one article and "gempar", one letter away, in two: a word typed right stays."""
    answer = search(service, q="gempa")
    assert (answer["query_used"], answer["correction"], answer["suggestion"]) == ("gempa", None, None)
    assert titles(answer) == ["Gempa Kecil di Lembang"]


def test_no_correction_into_a_stop_word(service):
    """ "karna" is one letter from the stop word "karena", which is never searched."""
    answer = search(service, q="karna gula")
    assert (answer["query_used"], answer["correction"], answer["suggestion"]) == ("karna gula", None, None)


def test_as_typed_takes_only_yes_or_no():
    with pytest.raises(InvalidRequest, match="as_typed"):
        SearchRequest.from_params({"q": "banjir", "as_typed": "mungkin"})
    assert (
        SearchRequest.from_params({"q": "banjir", "as_typed": "1"}).query_string() == "?q=banjir&as_typed=1"
    )
