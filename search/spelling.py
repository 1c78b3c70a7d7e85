"""Did-you-mean: a correction for the query words that are rare in the index and close to a frequent one.

Works on any engine through a `Vocabulary`: how many articles there are, in how many of them a word (as
written, unstemmed) occurs, and which indexed words lie within an edit distance of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from search.analysis import stopwords

RARE_WORD_DOCS = 2  # a query word in at most this many articles (more in a big index) may be misspelt
CORRECTION_CACHE_SIZE = 10_000
SHARED_PREFIX = 2  # candidates share the first two letters: typos there are rare, and the walk is shorter

_WORD = re.compile(r"(?<![\w:\-])([^\W\d_]{4,})(?![\w:])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


class Vocabulary(Protocol):
    """The unstemmed words of an index, as an engine knows them."""

    def doc_count(self) -> int: ...

    def word_frequencies(self, words: Iterable[str]) -> dict[str, int]:
        """In how many articles each word occurs as written (lowercased, unstemmed)."""
        ...

    def words_near(self, word: str, maxdist: int, prefix: int) -> set[str]:
        """Indexed words within `maxdist` edits of `word` that share its first `prefix` letters."""
        ...


class Corrector:
    """Replaces rare query words by frequent near ones; remembers each word's answer (a word's walk over
    the index's terms costs milliseconds) until the cache is full. Safe to share between threads."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._corrections: dict[str, str | None] = {}

    def correct(self, text: str) -> str:
        """`text` with each rare word replaced by its correction; function words are never touched (never
        "correct" "yang" into the rarer "yani")."""
        corrected = text
        rare = max(RARE_WORD_DOCS, self.vocabulary.doc_count() // 5000)
        for match in _WORD.finditer(text):
            if match.group(1) in _OPERATORS:
                continue
            word = match.group(1).lower()
            if word in stopwords():
                continue
            seen = self.vocabulary.word_frequencies([word])[word]
            if seen <= rare and (best := self._correction(word, seen)):
                corrected = re.sub(rf"(?<!\w){re.escape(match.group(1))}(?!\w)", best, corrected, count=1)
        return corrected

    def _correction(self, word: str, seen: int) -> str | None:
        if word in self._corrections:
            return self._corrections.get(word)  # another thread may have just cleared it: then None
        best = self.nearest_frequent_word(word, seen)
        if len(self._corrections) >= CORRECTION_CACHE_SIZE:
            self._corrections.clear()
        self._corrections[word] = best
        return best

    def nearest_frequent_word(self, word: str, seen: int) -> str | None:
        """The indexed word one edit from `word` (else two, for longer words) that is in at least three
        times as many articles; among those, a word that `word` misses one letter of comes first
        ("pemerintahn" is "pemerintahan" with a letter left out, the commonest slip in quick typing, not
        "pemerintah"), then the most frequent."""
        for maxdist in (1, 2) if len(word) > 5 else (1,):
            near = self.vocabulary.words_near(word, maxdist, SHARED_PREFIX) - {word}
            ranked = [
                (misses_one_letter_of(word, candidate), frequency, candidate)
                for candidate, frequency in self.vocabulary.word_frequencies(near).items()
                if frequency >= 3 * (seen + 1)
            ]
            if ranked:
                return max(ranked)[2]
        return None


def misses_one_letter_of(typed: str, candidate: str) -> bool:
    """True when `typed` is `candidate` with one letter left out."""
    letters = iter(candidate)
    return len(candidate) == len(typed) + 1 and all(letter in letters for letter in typed)
