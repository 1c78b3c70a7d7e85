"""Matching and ranking over whole posting lists (search/whoosh_ranking.py) find and order exactly what
Whoosh's own matchers and collectors do, on a real index built and then updated (so with deleted documents)
by the real indexer."""

from __future__ import annotations

from pathlib import Path

import pytest

from search import whoosh_ranking
from search.backend import open_location
from search.indexing import build_index, update_index
from search.query import SearchService
from search.request import SearchRequest

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"
QUERIES = [
    "kebakaran",
    "kebakaran hutan",
    "Bekasi",
    "hutan riau",
    "hutan OR gempa",
    "banjir -jakarta",
    "kebakaran -hutan -riau",
    '"kebakaran hutan"',
    "title:hutan riau",
    "judul:kebakaran OR source:kabar",
    "NOT hutan",
    "anak-anak covid-19",
    "timnas (menang OR kalah)",
    "zxqv",
    "yang dan",
    "",
    "sepak bola",
    "kebakaran hutan riau -bekasi",
    '"hutan riau" OR banjir',
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("docsets") / "index"
    build_index(folder, [FIXTURES / "articles.jsonl"])
    again = folder.parent / "again.jsonl"  # two articles replaced: their old versions stay, deleted
    again.write_text("".join((FIXTURES / "articles.jsonl").open(encoding="utf-8").readlines()[:2]))
    update_index(folder, [again, FIXTURES / "later.jsonl"])
    return SearchService(open_location(str(folder))).engine()


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("group", ["and", "or"])
def test_the_same_documents_as_whoosh_finds(engine, text, group):
    query = engine.parse(text, group)
    with engine.backend.index.searcher() as searcher:
        assert searcher.reader().has_deletions()
        matched = engine.backend._ranker.matches(searcher, query)
        assert set(matched.nonzero()[0].tolist()) == set(searcher.docs_for_query(query))


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("collapse", [True, False])
@pytest.mark.parametrize("sparse_share", [0, 10**9])
def test_the_same_page_and_scores_as_whoosh_ranks(engine, text, collapse, sparse_share, monkeypatch):
    """Every match ranked, copies of a story collapsed or not, with a filter (an outlet chosen) or not; a
    phrase's positions read from whole postings or block by block."""
    monkeypatch.setattr(whoosh_ranking, "SPARSE_SHARE", sparse_share)
    engine.backend._ranker._phrases.clear()
    backend = engine.backend
    query = engine.parse(text, acronyms=True)
    everything = SearchRequest(q=text, collapse=collapse, per_page=50)
    outlets = engine.facet_counts(query, everything).terms["source"]
    for request in (
        everything,
        SearchRequest(q=text, collapse=collapse, per_page=50, source=tuple(sorted(outlets)[:1])),
    ):
        allowed = engine.facet_counts(query, request).docs
        for limit in (1, 3, 50):  # short pages leave the proximity of most matches unread
            with backend._searcher() as searcher:
                theirs = backend._collected(searcher, query, request, allowed, limit)
                ours = backend._ranked(searcher, query, request, allowed, limit)
            if ours is None:
                # An outlet's name and a bare NOT are matched here, not scored: Whoosh ranks them.
                assert "source:" in text or text.startswith("NOT")
                continue
            assert [docnum for docnum, _ in ours] == [docnum for docnum, _ in theirs]
            assert [score for _, score in ours] == pytest.approx([score for _, score in theirs], rel=1e-12)


def test_a_page_in_date_order_and_an_unscored_query_are_still_answered(engine):
    backend = engine.backend
    for text, sort in (("hutan", "newest"), ("judul:kebakaran OR source:kabar", "relevance")):
        request = SearchRequest(q=text, sort=sort)
        query = engine.parse(text)
        hits = backend.hits(query, request, engine.facet_counts(query, request))
        assert hits
        with backend._searcher() as searcher:
            expected = backend._collected(searcher, query, request, None, request.per_page)
        assert [hit.score for hit in hits] == [score for _, score in expected]
