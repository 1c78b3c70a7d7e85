"""Matching by set operations over postings finds exactly what Whoosh's own matchers find, on a real index
built and then updated (so with deleted documents) by the real indexer."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.backend import open_location
from search.indexing import build_index, update_index
from search.query import SearchService
from search.whoosh_docsets import matching_docs

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
        assert matching_docs(searcher, query) == set(searcher.docs_for_query(query))
