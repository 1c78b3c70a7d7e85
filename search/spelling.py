"""Did-you-mean: a correction for the query words a slip away from a far more frequent one.

Works on any engine through a `Vocabulary`: how many articles there are, in how many of them a word (as
written, unstemmed) occurs, and which indexed words lie within an edit distance of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Protocol

from search.analysis import stopwords
from search.typos import Variants

CANDIDATES = 5  # the most frequent near words weighed against the rest of the query
STRONG_FACTOR = 5  # a correction that finds this many times more articles (+1) is shown at once


def is_strong_correction(typed_total: int, corrected_total: int) -> bool:
    """True when the corrected query finds far more than the query as typed: "kebakran hutan" (no article)
    against "kebakaran hutan" (hundreds), where showing the few articles with the slip would mislead."""
    return corrected_total >= STRONG_FACTOR * (typed_total + 1)


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
    """Replaces query words by far more frequent near ones (search/typos.py finds them), choosing among
    several by what the rest of the query finds with each. Safe to share between threads."""

    def __init__(self, variants: Variants) -> None:
        self.variants = variants

    def correct(self, text: str, count: Callable[[str], int]) -> str:
        """`text` with each word that looks like a slip replaced by its correction; `count` says how many
        articles a query finds. Function words are never touched (never "correct" "yang" into the rarer
        "yani")."""
        corrected = text
        for match in _WORD.finditer(text):
            if match.group(1) in _OPERATORS:
                continue
            word = match.group(1).lower()
            if word in stopwords():
                continue
            written = re.compile(rf"(?<!\w){re.escape(match.group(1))}(?!\w)")
            queries = {
                written.sub(candidate, corrected, count=1): candidate for candidate in self.candidates(word)
            }
            if len(queries) > 1:  # "gempa ambin": "ambon" goes with "gempa", the more frequent "ambil" not
                found = {query: count(query) for query in queries}
                corrected = max(
                    queries,
                    key=lambda query: (
                        found[query] > 0,
                        misses_one_letter_of(word, queries[query]),
                        found[query],
                    ),
                )
            elif queries:
                corrected = next(iter(queries))
        return corrected

    def candidates(self, word: str) -> list[str]:
        """The most frequent of the far more frequent indexed words one edit from `word` (else two, for a
        longer rare word), a word that `word` misses one letter of first ("pemerintahn" is "pemerintahan"
        with a letter left out, the commonest slip in quick typing, not "pemerintah")."""
        for maxdist in range(1, self.variants.reach(word, 2 if len(word) > 5 else 1) + 1):
            near = [candidate for candidate, _ in self.variants.frequent_near(word, maxdist)[:CANDIDATES]]
            if near:
                return sorted(near, key=lambda candidate: misses_one_letter_of(word, candidate), reverse=True)
        return []


def misses_one_letter_of(typed: str, candidate: str) -> bool:
    """True when `typed` is `candidate` with one letter left out."""
    letters = iter(candidate)
    return len(candidate) == len(typed) + 1 and all(letter in letters for letter in typed)
