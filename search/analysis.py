"""PLACEHOLDER analyser (to be replaced by the analysis work, issue 4): tokenise, lowercase, stem."""

from __future__ import annotations

from functools import lru_cache

from Sastrawi.Stemmer.StemmerFactory import StemmerFactory
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer

ANALYZER_VERSION = "0-placeholder"


@lru_cache(maxsize=1)
def _stemmer():
    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer().stem(word) or word


class SastrawiStemFilter(Filter):
    is_morph = True

    def __call__(self, tokens):
        for t in tokens:
            if not t.no_morph:
                t.text = stem(t.text)
            yield t


def indonesian_analyzer():
    return RegexTokenizer(r"\w+(?:[-.]\w+)*") | LowercaseFilter() | SastrawiStemFilter()
