"""Answers shared between a server's processes (search/shared_answers.py): a search one process answered is
served to the others from the file, never across index versions, and a broken file is only a miss."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import urllib.request
from pathlib import Path

import pytest
from helpers import serving

from search.backend import open_location
from search.indexing import build_index
from search.query import SearchService
from search.request import SearchRequest
from search.shared_answers import SharedAnswers

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    build_index(folder, [FIXTURES / "articles.jsonl"])
    return folder


def counting_answers(service: SearchService) -> list[SearchRequest]:
    """The requests `service` answers by searching (not from a cache), recorded as it does."""
    engine = service.engine()
    computed: list[SearchRequest] = []
    answer = engine._answer

    def recording(request: SearchRequest):
        computed.append(request)
        return answer(request)

    engine._answer = recording  # type: ignore[method-assign]
    return computed


def test_a_search_one_process_answered_is_a_hit_in_another(index_dir, tmp_path):
    path = tmp_path / "answers.sqlite"
    first = SearchService(open_location(str(index_dir)), shared=SharedAnswers(path, 100))
    second = SearchService(open_location(str(index_dir)), shared=SharedAnswers(path, 100))
    request = SearchRequest(q="kebakaran hutan")
    answered = first.search(request)
    computed = counting_answers(second)
    again = second.search(request)
    assert computed == []
    assert again.to_json() | {"took_ms": 0} == answered.to_json() | {"took_ms": 0}
    second.search(SearchRequest(q="kebakaran hutan", page=2))
    assert computed == [SearchRequest(q="kebakaran hutan", page=2)]


def test_a_new_index_version_never_gets_the_old_ones_answers(index_dir, tmp_path):
    path = tmp_path / "answers.sqlite"
    service = SearchService(open_location(str(index_dir)), shared=SharedAnswers(path, 100))
    service.search(SearchRequest(q="banjir"))
    build_index(index_dir, [FIXTURES / "articles.jsonl", FIXTURES / "later.jsonl"])  # a new generation
    reopened = SearchService(open_location(str(index_dir)), shared=SharedAnswers(path, 100))
    computed = counting_answers(reopened)
    reopened.search(SearchRequest(q="banjir"))
    assert computed == [SearchRequest(q="banjir")]


def test_the_file_keeps_the_newest_answers_and_a_broken_file_is_a_miss(index_dir, tmp_path, monkeypatch):
    from search import shared_answers

    monkeypatch.setattr(shared_answers, "TRIM_EVERY", 4)
    path = tmp_path / "answers.sqlite"
    service = SearchService(open_location(str(index_dir)), shared=SharedAnswers(path, 3))
    for word in ("banjir", "hutan", "gempa", "jakarta", "riau", "timnas", "bekasi", "pasar"):
        service.search(SearchRequest(q=word))
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0] <= 3 + 4

    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"not a database" * 100)
    answers = SharedAnswers(broken, 10)
    assert answers.get("g", SearchRequest(q="banjir")) is None
    answers.put("g", SearchRequest(q="banjir"), service.search(SearchRequest(q="banjir")))  # no error
    hurt = SearchService(open_location(str(index_dir)), shared=SharedAnswers(broken, 10))
    assert hurt.search(SearchRequest(q="banjir")).total > 0


def test_gunicorn_workers_share_a_file_that_goes_with_the_server(index_dir):
    before = set(Path(tempfile.gettempdir()).glob("berita-answers-*"))
    with serving(index_dir, workers=2) as url:
        for _ in range(4):
            with urllib.request.urlopen(f"{url}/api/search?q=kebakaran", timeout=10) as response:
                assert json.load(response)["total"] > 0
        created = set(Path(tempfile.gettempdir()).glob("berita-answers-*")) - before
        assert len(created) == 1
        with sqlite3.connect(next(iter(created)) / "answers.sqlite") as connection:
            assert connection.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
    assert not any(folder.exists() for folder in created)
