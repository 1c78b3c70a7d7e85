"""Acronyms mined at index time and searched in either form, and proximity ranking, on real indexes of both
engines built from small articles written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import ENGINES, IndexLocations
from whoosh.query import Phrase, Term

from search.acronym_mining import definitions_in
from search.acronyms import BetterOf
from search.backend import open_location
from search.query import SearchService
from search.request import InvalidRequest, SearchRequest
from search.writing import build_index, update_index
from web import create_app

OTT = "operasi tangkap tangan"
# Three articles define OTT and three define ojol (the acronym first); one defines BUMDes, once only.
DEFINING = [
    ("KPK Tangkap Bupati di Jawa Timur", f"Penyidik menggelar {OTT} (OTT) di kantor bupati pada Selasa."),
    ("Wali Kota Terjaring KPK", f"Dalam {OTT} (OTT) itu penyidik menyita uang tunai ratusan juta."),
    ("Pejabat Dinas Diperiksa", f"Kasus bermula dari {OTT} (OTT) pekan lalu terhadap seorang kepala dinas."),
    ("Tarif Baru Angkutan Daring", "Pengemudi ojol (ojek online) menolak tarif baru dari kementerian."),
    ("Demo Pengemudi di Monas", "Ribuan ojol (ojek online) berunjuk rasa menuntut kenaikan tarif."),
    ("Aplikator Tanggapi Tuntutan", "Aplikator menjawab tuntutan ojol (ojek online) soal potongan tarif."),
    ("Dana Desa Dikelola Warga", "Badan Usaha Milik Desa (BUMDes) mengelola pasar desa sejak tahun lalu."),
]
ONLY_ACRONYM = ("Sekda Ditahan Setelah OTT", "Sekretaris daerah ditahan setelah OTT oleh penyidik pada Rabu.")
ONLY_LONG_FORM = ("Penyidik Amankan Kepala Desa", f"Kepala desa terjaring {OTT} saat menerima setoran.")
ONLY_OJOL = ("Pangkalan Ojol Ditertibkan", "Petugas menertibkan pangkalan ojol di depan stasiun.")
NO_ACRONYM_LONG_FORM = ("Unit Usaha Desa Berkembang", "Badan usaha milik desa itu kini punya toko sendiri.")
# The same words, near each other in one article and scattered in the other.
CLOSE = ("Laporan Pasar Pagi", "Harga cabai merah naik tajam pekan ini menurut pedagang setempat kata warga.")
APART = ("Laporan Pasar Sore", "Harga merah naik tajam pekan ini menurut pedagang setempat kata warga cabai.")


def write_articles(path: Path, articles: list[tuple[str, str]], first: int = 0) -> Path:
    lines = [
        {"title": title, "content": body, "url": f"https://berita.example/{first + number}"}
        for number, (title, body) in enumerate(articles)
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=ENGINES)
def location(request: pytest.FixtureRequest, index_locations: IndexLocations, tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("acronyms")
    articles = [*DEFINING, ONLY_ACRONYM, ONLY_LONG_FORM, ONLY_OJOL, NO_ACRONYM_LONG_FORM, CLOSE, APART]
    where = index_locations.new(request.param)
    build_index(where, [write_articles(folder / "articles.jsonl", articles)])
    return where


@pytest.fixture(scope="module")
def service(location: str) -> SearchService:
    return SearchService(open_location(location))


def search(service: SearchService, **params: str) -> dict:
    return service.search(SearchRequest.from_params(params)).to_json()


def titles(answer: dict) -> set[str]:
    return {hit["title"] for hit in answer["results"]}


def test_definitions_are_read_in_either_order_when_the_letters_fit_the_words():
    assert definitions_in("Presiden Joko Widodo (Jokowi) dan kebakaran hutan dan lahan (karhutla).") == {
        ("jokowi", "joko widodo"),
        ("karhutla", "kebakaran hutan dan lahan"),
    }
    assert definitions_in("Para ojol (ojek online) dan OTT (operasi tangkap tangan).") == {
        ("ojol", "ojek online"),
        ("ott", OTT),
    }
    # Letters that do not fit the words, a year, a single word, a name's nickname in the wrong place.
    assert definitions_in("Rapat kerja (2019), Kota Bekasi (Jabar), tim nasional (PSSI), Budi (45).") == set()


def test_a_definition_repeated_enough_is_mined_and_a_one_off_is_not(service, location):
    table = service.engine().acronyms
    assert table.mined == {"ott": OTT, "ojol": "ojek online"}
    assert open_location(location).stats()["acronyms_mined"] == 2
    assert titles(search(service, q="bumdes")) == {DEFINING[6][0]}  # the one-off: the acronym as typed only


def test_an_acronym_finds_the_articles_that_write_only_its_long_form(service):
    answer = search(service, q="OTT")
    assert ONLY_LONG_FORM[0] in titles(answer)
    assert ONLY_ACRONYM[0] in titles(answer)
    assert answer["acronyms"] == [{"typed": "OTT", "added": OTT}]
    assert {hit["title"] for hit in search(service, q="ojol")["results"]} >= {ONLY_OJOL[0], DEFINING[3][0]}


def test_a_long_form_finds_the_articles_that_write_only_the_acronym(service):
    answer = search(service, q="Operasi Tangkap Tangan sekda")
    assert titles(answer) == {ONLY_ACRONYM[0]}
    assert answer["acronyms"] == [{"typed": "Operasi Tangkap Tangan", "added": "ott"}]
    assert ONLY_OJOL[0] in titles(search(service, q="ojek online"))


def test_the_request_option_turns_expansion_off(service):
    answer = search(service, q="OTT", acronyms="0")
    assert answer["acronyms"] == []
    assert ONLY_LONG_FORM[0] not in titles(answer)
    assert ONLY_ACRONYM[0] not in titles(search(service, q=OTT, acronyms="off"))
    with pytest.raises(InvalidRequest, match="acronyms"):
        SearchRequest.from_params({"q": "OTT", "acronyms": "maybe"})


def test_the_page_names_the_expansion_and_the_setting_turns_it_off(location):
    on = create_app({"INDEX": location}).test_client()
    page = on.get("/search?q=ojol").get_data(as_text=True)
    assert "Juga dicari: ojol = ojek online" in page
    assert 'href="/search?q=ojol&amp;acronyms=0"' in page
    off = create_app({"INDEX": location, "EXPAND_ACRONYMS": False}).test_client()
    assert off.get("/api/search?q=ojol").get_json()["acronyms"] == []
    assert off.get("/api/search?q=ojol&acronyms=1").get_json()["acronyms"] == [
        {"typed": "ojol", "added": "ojek online"}
    ]


def test_words_close_together_rank_above_the_same_words_scattered(service):
    answer = search(service, q="harga cabai")
    assert [hit["title"] for hit in answer["results"]] == [CLOSE[0], APART[0]]
    assert answer["results"][0]["score"] > answer["results"][1]["score"]


@pytest.mark.parametrize("engine", ENGINES)
def test_an_update_adds_its_definitions_to_those_of_the_index(engine, index_locations, tmp_path):
    where = index_locations.new(engine)
    build_index(where, [write_articles(tmp_path / "first.jsonl", DEFINING[:2])])
    assert SearchService(open_location(where)).engine().acronyms.mined == {}
    update_index(where, [write_articles(tmp_path / "more.jsonl", [DEFINING[2], ONLY_LONG_FORM], first=10)])
    service = SearchService(open_location(where))
    assert service.engine().acronyms.mined == {"ott": OTT}
    assert open_location(where).stats()["acronyms_mined"] == 1
    assert ONLY_LONG_FORM[0] in titles(search(service, q="ott"))


def test_an_article_with_one_form_scores_as_that_form_alone(service):
    """Either form counts once: an article that writes only the acronym scores as without expansion (the
    long form's phrase, matching other articles, lends it nothing), and an article with both forms scores
    as the better of them, never their sum."""
    on = {hit["title"]: hit["score"] for hit in search(service, q="ojol", per_page="20")["results"]}
    off = {hit["title"]: hit["score"] for hit in search(service, q="ojol", acronyms="0")["results"]}
    assert on[ONLY_OJOL[0]] == pytest.approx(off[ONLY_OJOL[0]])
    phrase = {hit["title"]: hit["score"] for hit in search(service, q='"ojek online"')["results"]}
    both = DEFINING[3][0]  # "ojol (ojek online)": the better form, the added phrase weighed down
    assert on[both] <= max(off[both], phrase[both]) + 1e-3


def test_the_whoosh_better_of_scores_each_article_by_its_own_best_side(index_locations, tmp_path):
    """whoosh3's dis_max matcher scored an article with the other side's score, taken from another
    article; BetterOf scores each article as the best of the alternatives that match it."""
    where = index_locations.new("whoosh")
    build_index(where, [write_articles(tmp_path / "articles.jsonl", [*DEFINING, ONLY_OJOL, CLOSE, APART])])
    sides = [Term("body", "ojol"), Phrase("body", ["ojek", "online"], boost=0.5), Term("body", "harga")]
    backend = open_location(where).open()[1]
    with backend.index.searcher() as searcher:  # the Whoosh backend's index
        alone = [{hit["id"]: hit.score for hit in searcher.search(side, limit=None)} for side in sides]
        best = {hit["id"]: hit.score for hit in searcher.search(BetterOf(sides), limit=None)}
    assert best.keys() == set().union(*alone)
    for doc, score in best.items():
        assert score == pytest.approx(max(scores[doc] for scores in alone if doc in scores)), doc
