"""The Whoosh engine's typo lookups (search/whoosh_vocabulary.py) find exactly the words that Whoosh's own
term automaton (`terms_within`, segment by segment) finds, on a real index built by the real indexer from
the project's sample texts and then updated, so with replaced articles deleted in an older segment."""

from __future__ import annotations

import json
import threading
import time

import pytest
from helpers import ARTICLES, SAMPLE_CORPUS, UPDATE

from search.indexing import build_index, update_index
from search.whoosh_backend import FolderLocation, WhooshBackend
from search.whoosh_vocabulary import SpelledWords

SLIPS = ["kebakran", "pemerintahn", "mahasiwa", "banjr", "hutann", "pelalwan", "kebakarab", "terbakr"]


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> WhooshBackend:
    folder = tmp_path_factory.mktemp("vocabulary") / "index"
    build_index(folder, [SAMPLE_CORPUS, ARTICLES])
    first = json.loads(SAMPLE_CORPUS.read_text(encoding="utf-8").splitlines()[0])
    corrected = folder.parent / "corrected.jsonl"  # a sample article replaced by a short correction
    corrected.write_text(json.dumps({**first, "content": "Berita ini diralat redaksi."}), encoding="utf-8")
    update_index(folder, [UPDATE, corrected])
    _name, opened = FolderLocation(folder).open()
    return opened


def whoosh_near(backend: WhooshBackend, word: str, maxdist: int, prefix: int) -> set[str]:
    spelled = backend.schema["body"].spelling_fieldname("body")
    with backend.index.searcher() as searcher:
        return {
            found
            for leaf, _offset in searcher.reader().leaf_readers()
            for found in leaf.terms_within(spelled, word, maxdist, prefix=prefix)
        }


def probes(backend: WhooshBackend) -> list[str]:
    """Every 25th indexed word of four letters or more, with a letter left out, doubled and replaced."""
    words = [word for word in backend._spelled_words.sorted_words() if len(word) >= 4][::25]
    slipped = [f(word) for word in words for f in (lambda w: w[:3] + w[4:], lambda w: w + w[-1], _replaced)]
    return words + slipped + SLIPS


def _replaced(word: str) -> str:
    return word[:2] + ("a" if word[2] != "a" else "e") + word[3:]


def test_the_update_left_deleted_articles_in_an_older_segment(backend):
    with backend.index.searcher() as searcher:
        leaves = searcher.reader().leaf_readers()
        assert len(leaves) > 1
        assert any(leaf.has_deletions() for leaf, _offset in leaves)


@pytest.mark.parametrize("maxdist", [1, 2])
def test_the_words_whoosh_finds_with_the_callers_prefix(backend, maxdist):
    for word in probes(backend):
        assert backend.words_near(word, maxdist, 2) == whoosh_near(backend, word, maxdist, 2), word


@pytest.mark.parametrize(("maxdist", "prefix"), [(0, 2), (1, 0), (1, 1), (2, 3), (1, 5)])
def test_the_words_whoosh_finds_with_any_prefix(backend, maxdist, prefix):
    for word in [word for word in probes(backend)[::5] if len(word) >= prefix]:  # else Whoosh fails
        assert backend.words_near(word, maxdist, prefix) == whoosh_near(backend, word, maxdist, prefix), word


def test_a_slip_finds_the_intended_word(backend):
    assert "kebakaran" in backend.words_near("kebakran", 1, 2)
    assert backend.words_near("zzzzzz", 2, 2) == set()


def test_a_word_shorter_than_the_prefix_finds_the_words_it_begins():
    """Whoosh's automaton raised IndexError there; no caller asks (typo lookups start at four letters)."""
    words = SpelledWords(lambda: ["a", "ab", "abc", "b"])
    assert words.near("a", 1, 2) == {"a", "ab"}


def test_the_words_are_read_once_on_first_use_whatever_the_threads():
    reads = []

    def read() -> list[str]:
        reads.append(1)
        time.sleep(0.05)  # long enough for the other threads to arrive while the words are read
        return ["banjir", "banjar", "bandar", "hutan", "banjir"]

    words = SpelledWords(read)
    assert reads == []
    answers: list[set[str]] = []
    threads = [threading.Thread(target=lambda: answers.append(words.near("banjr", 1, 2))) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads == [1]
    assert answers == [{"banjir", "banjar"}] * 8
