"""Stories of copies: near-duplicates grouped at index time, collapsed in results, and related coverage, on a
real index of each engine built by the real indexer from the project's own fixture texts: a report on a
flash flood in Garut, a lightly rewritten copy of it from another outlet, a different article on the same
flood (aid for its victims), a flood in another city, a badminton result; the update brings one more copy."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from helpers import ENGINES, IndexLocations

from search.backend import open_location
from search.query import SearchService
from search.related import UnknownArticle, related
from search.request import SearchRequest
from search.writing import build_index, update_index
from web import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "duplicates"
REPORT = "Banjir Bandang Terjang Tiga Kecamatan di Garut"
COPY = "Banjir Bandang di Garut, Ratusan Rumah Terendam"
SAME_EVENT = "Gubernur Salurkan Bantuan untuk Korban Banjir Garut"
OTHER_CITY = "Hujan Deras, Ratusan Rumah di Bandung Terendam Banjir"
LATER_COPY = "Tiga Kecamatan di Garut Diterjang Banjir Bandang"


@pytest.fixture(scope="module", params=ENGINES)
def location(request: pytest.FixtureRequest, index_locations: IndexLocations) -> str:
    built = index_locations.new(request.param)
    build_index(built, [FIXTURES / "articles.jsonl"])
    return built


@pytest.fixture(scope="module")
def service(location: str) -> SearchService:
    return SearchService(open_location(location))


def every_article(service: SearchService) -> dict[str, dict]:
    """Each article's JSON result by title, uncollapsed."""
    answer = service.search(SearchRequest(per_page=100, collapse=False)).to_json()
    return {hit["title"]: hit for hit in answer["results"]}


def test_copies_share_a_cluster_and_a_different_article_on_the_same_event_does_not(service):
    articles = every_article(service)
    assert articles[REPORT]["cluster"] == articles[COPY]["cluster"]
    other_stories = (articles[REPORT]["cluster"], articles[OTHER_CITY]["cluster"])
    assert articles[SAME_EVENT]["cluster"] not in other_stories
    assert len({hit["cluster"] for hit in articles.values()}) == 4


def test_results_show_one_article_per_story_with_the_others_counted_by_default(service):
    answer = service.search(SearchRequest(q="banjir garut")).to_json()
    assert (answer["total"], answer["stories"], answer["collapsed"]) == (3, 2, True)
    by_title = {hit["title"]: hit for hit in answer["results"]}
    assert len(by_title) == 2 and SAME_EVENT in by_title
    shown = by_title.get(REPORT) or by_title[COPY]
    assert shown["similar"] == 1
    assert shown["similar_sources"] == ["Warta Nasional" if shown["title"] == REPORT else "Kabar Jabar"]
    assert by_title[SAME_EVENT]["similar"] == 0


def test_collapsing_is_turned_off_by_the_request_or_the_service(service, location):
    uncollapsed = service.search(SearchRequest(q="banjir garut", collapse=False)).to_json()
    assert (uncollapsed["total"], uncollapsed["collapsed"], len(uncollapsed["results"])) == (3, False, 3)
    service_off = SearchService(open_location(location), collapse=False)
    by_default = service_off.search(SearchRequest(q="banjir garut"))
    assert (by_default.collapsed, len(by_default.results)) == (False, 3)
    asked = service_off.search(SearchRequest(q="banjir garut", collapse=True))
    assert (asked.collapsed, len(asked.results)) == (True, 2)


def test_a_story_lists_all_its_articles(service):
    cluster = every_article(service)[REPORT]["cluster"]
    answer = service.search(SearchRequest(cluster=cluster)).to_json()
    assert {hit["title"] for hit in answer["results"]} == {REPORT, COPY}
    assert answer["collapsed"] is False


def test_related_coverage_is_other_stories_and_never_the_copies(service):
    report = every_article(service)[REPORT]
    titles = [hit.title for hit in related(service.engine(), report["id"]).results]
    assert SAME_EVENT in titles and OTHER_CITY in titles
    assert REPORT not in titles and COPY not in titles
    with pytest.raises(UnknownArticle):
        related(service.engine(), "no-such-article")


@pytest.mark.parametrize("engine", ENGINES)
def test_an_update_puts_a_new_copy_in_its_story(engine: str, index_locations: IndexLocations):
    built = index_locations.new(engine)
    build_index(built, [FIXTURES / "articles.jsonl"])
    update_index(built, [FIXTURES / "update.jsonl"])
    articles = every_article(SearchService(open_location(built)))
    assert articles[LATER_COPY]["cluster"] == articles[REPORT]["cluster"] == articles[COPY]["cluster"]
    assert articles[LATER_COPY]["similar"] == 2


def test_the_page_shows_the_similar_line_and_links(location):
    client = create_app({"INDEX": location}).test_client()
    answer = client.get("/search?q=banjir+garut")
    assert answer.status_code == 200
    html = BeautifulSoup(answer.data, "lxml")
    assert "3 hasil dalam 2 berita" in html.select_one(".result-count").get_text()
    similar = html.select(".result a.similar")
    assert len(similar) == 1
    assert "1 berita serupa dari:" in similar[0].get_text()
    story = client.get(similar[0]["href"])
    titles = {link.get_text() for link in BeautifulSoup(story.data, "lxml").select(".result-title a")}
    assert titles == {REPORT, COPY}
    related_links = html.select(".result a.related")
    assert len(related_links) == 2
    related_id = parse_qs(urlsplit(related_links[0]["href"]).query)["id"][0]
    page = client.get(related_links[0]["href"])
    assert page.status_code == 200
    assert BeautifulSoup(page.data, "lxml").select(".result-title a")
    api = client.get(f"/api/related?id={related_id}").get_json()
    assert api["article"]["id"] == related_id and api["results"]
    all_copies = BeautifulSoup(client.get("/search?q=banjir+garut&collapse=0").data, "lxml")
    assert len(all_copies.select(".result")) == 3


@pytest.mark.parametrize(
    ("url", "status"),
    [("/api/related", 400), ("/api/related?id=nothing", 404), ("/related?id=nothing", 404),
     ("/api/search?q=banjir&collapse=maybe", 400)],
)  # fmt: skip
def test_bad_related_and_collapse_requests_get_a_message(location, url, status):
    answer = create_app({"INDEX": location}).test_client().get(url)
    assert answer.status_code == status
    if url.startswith("/api/"):
        assert answer.get_json()["error"]
