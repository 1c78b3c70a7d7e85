"""The indexed words of one opened Whoosh generation, for the typo lookups of search/typos.py.

Whoosh's `terms_within` steps a Levenshtein automaton, in Python, through each segment's term list: 12 to
40 ms a word on the click-id index (114,000 body words), asked for about half of all queries. Here the
words of every segment are read once and kept sorted: those sharing the word's first `prefix` letters are
one slice, found by bisection, and rapidfuzz's Levenshtein distance (C++, with a cutoff) picks the ones
within `maxdist` edits, 0.2-0.3 ms a word, with the same answer. Reading the words costs 0.5-0.7 s of
CPU on that index, so they are read on first use: the backend's warm-up (WhooshBackend.warm_up) asks for
them in a thread, before a server worker's first request, not while the generation opens.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein


class SpelledWords:
    """The words `read` returns (every segment's terms of the spelled field, those of deleted articles
    too, as `terms_within` walks them), read on first use. Safe to share between threads."""

    def __init__(self, read: Callable[[], Iterable[str]]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._words: list[str] | None = None

    def sorted_words(self) -> list[str]:
        words = self._words
        if words is None:
            with self._lock:
                if self._words is None:
                    self._words = sorted(set(self._read()))
                words = self._words
        return words

    def near(self, word: str, maxdist: int, prefix: int) -> set[str]:
        """The words within `maxdist` insertions, deletions or substitutions of `word` that begin with its
        first `prefix` letters (all of it, for a shorter word, on which Whoosh raised IndexError). A shared
        beginning leaves the distance of the rest unchanged, so whole words are compared."""
        words = self.sorted_words()
        head = word[:prefix]
        start = bisect_left(words, head)
        end = bisect_right(words, head, lo=start, key=lambda candidate: candidate[: len(head)])
        found = process.extract(
            word,
            words[start:end],
            scorer=Levenshtein.distance,
            processor=None,
            score_cutoff=maxdist,
            limit=None,
        )
        return {candidate for candidate, _distance, _at in found}
