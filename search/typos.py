"""Typo tolerance: a query word also matches the far more frequent words a slip away from it.

In the manner of Meilisearch and Typesense, a word of five letters or more may differ by one typo from an
indexed word, a word of nine or more by two (an inserted, left-out or replaced letter, or two neighbouring
letters swapped); shorter words, numbers and quoted phrases must match as written. Unlike them, a word
only reaches variants far more frequent than itself: a rare word (in at most `Variants.rare()` articles)
those in `FREQUENCY_RATIO` times as many articles, an uncommon word (in at most `COMMON_DOCS`) those in
`TYPO_RATIO` times as many, one typo away; a common word is taken as written. Measured on the click-id
corpus: a word typed right ("gempa", 129 articles) is never widened to its rarer neighbours ("gempar",
30), nor a real place to a bigger one ("timor", 67, against "timur", 1,675), while "kebakran" (no
article) also finds "kebakaran" (1,040), "Wirianto" Wiranto, "Khofifa" Khofifah, and the slip
"mahasiwa", which the news itself prints in 22 articles, "mahasiswa" (921: 40 times as many). The
variants join the query as alternatives with `TOLERANT_BOOST`, so articles with the word as typed rank
first.

The expansion happens in the query parser's syntax tree (`TolerancePlugin`), after fields and operators
are resolved: each word node outside an exclusion becomes "word OR variant^0.2", which the field then
analyses like any query word (stem and surface form), so both engines search the same terms.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from whoosh.qparser import syntax
from whoosh.qparser.plugins import Plugin

from search.analysis import normalise_word, stopwords

if TYPE_CHECKING:  # did-you-mean (search/spelling.py) builds on the variants found here
    from search.spelling import Vocabulary

MIN_TOLERANT_LENGTH = 5  # shorter words get no typo: "emas" is one letter from too many words
TWO_TYPOS_LENGTH = 9
SHARED_PREFIX = 2  # variants share the first two letters: typos there are rare, and the walk is shorter
RARE_WORD_DOCS = 2  # a word in at most this many articles (one in 5,000 of a bigger index) may be a slip
RARE_SHARE = 5000
FREQUENCY_RATIO = 3  # a rare word's variants are in at least this many times as many articles (+1)
TYPO_RATIO = 30  # any other word's, this many: a slip the news itself prints now and then
COMMON_DOCS = 50  # a word in more articles (or in more than 1/500 of a bigger index) is taken as written
COMMON_SHARE = 500
MAX_VARIANTS = 3
TOLERANT_BOOST = 0.2
VARIANT_CACHE_SIZE = 10_000
FIELDS = frozenset({"title", "body"})


def allowed_typos(word: str) -> int:
    """How many typos a query word may carry: none under five letters or with a digit or symbol."""
    if not word.isalpha() or len(word) < MIN_TOLERANT_LENGTH:
        return 0
    return 1 if len(word) < TWO_TYPOS_LENGTH else 2


def swapped_neighbours(word: str) -> set[str]:
    """`word` with each pair of neighbouring letters swapped: the slip the edit-distance walk counts as
    two edits ("kebkaaran") though it is one movement of the fingers."""
    return {word[:at] + word[at + 1] + word[at] + word[at + 2 :] for at in range(len(word) - 1)} - {word}


class Variants:
    """The frequent spellings near a word, from an index's vocabulary; each word's answer is remembered
    (a lookup in the vocabulary, a round trip to the cluster on OpenSearch) until the cache is full. Safe
    to share between threads."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._found: dict[tuple[str, int], list[tuple[str, int]]] = {}
        self._lock = threading.Lock()

    def frequency(self, word: str) -> int:
        return self.vocabulary.word_frequencies([word])[word]

    def rare(self) -> int:
        """The most articles a rare word is in."""
        return max(RARE_WORD_DOCS, self.vocabulary.doc_count() // RARE_SHARE)

    def reach(self, word: str, longest: int) -> int:
        """How many typos away from `word` (at most `longest`) variants may lie: a word that is not rare
        could be a slip of one letter the news itself printed, a common word is what the reader meant
        (and looking costs a vocabulary lookup for every query)."""
        seen = self.frequency(word)
        if seen <= self.rare():
            return longest
        common = max(COMMON_DOCS, self.vocabulary.doc_count() // COMMON_SHARE)
        return min(longest, 1) if seen <= common else 0

    def frequent_near(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        """(variant, articles) within `maxdist` edits of `word` (a swap of neighbours counts as one), far
        more frequent than `word` (see the module's docstring); never a stop word; most frequent first."""
        key = (word, maxdist)
        with self._lock:
            found = self._found.get(key)
        if found is not None:
            return found
        seen = self.frequency(word)
        ratio = FREQUENCY_RATIO if seen <= self.rare() else TYPO_RATIO
        near = self.vocabulary.words_near(word, maxdist, SHARED_PREFIX) | swapped_neighbours(word)
        found = sorted(
            (
                (candidate, frequency)
                for candidate, frequency in self.vocabulary.word_frequencies(near - {word}).items()
                if frequency >= ratio * (seen + 1) and candidate not in stopwords()
            ),
            key=lambda pair: (-pair[1], pair[0]),
        )
        with self._lock:
            if len(self._found) >= VARIANT_CACHE_SIZE:
                self._found.clear()
            self._found[key] = found
        return found

    def tolerated(self, typed: str) -> list[str]:
        """The variants a query word also matches: none for a short word or a number."""
        word = normalise_word(typed)
        typos = self.reach(word, allowed_typos(word))
        return [variant for variant, _ in self.frequent_near(word, typos)[:MAX_VARIANTS]] if typos else []


class TolerancePlugin(Plugin):
    """A query parser plugin: each title or body word outside an exclusion also matches its variants."""

    PRIORITY = 700  # after fields (100), every field (110), +/- (510) and AND/OR/NOT (600) are resolved

    def __init__(self, variants: Variants) -> None:
        self.variants = variants

    def filters(self, parser) -> list:
        return [(self.widen, self.PRIORITY)]

    def widen(self, parser, group: syntax.GroupNode) -> syntax.GroupNode:
        if isinstance(group, syntax.NotGroup):
            return group  # "-word" and "NOT word" exclude the word as typed, nothing more
        if isinstance(group, syntax.AndNotGroup):
            group.nodes[0] = self._widened(parser, group.nodes[0])
            return group
        group.nodes = [self._widened(parser, node) for node in group.nodes]
        return group

    def _widened(self, parser, node: syntax.SyntaxNode) -> syntax.SyntaxNode:
        if isinstance(node, syntax.GroupNode):
            return self.widen(parser, node)
        if not isinstance(node, syntax.WordNode) or (node.fieldname or parser.fieldname) not in FIELDS:
            return node
        alternatives = list(self._variant_nodes(node, self.variants.tolerated(node.text)))
        return syntax.OrGroup([node, *alternatives]) if alternatives else node

    @staticmethod
    def _variant_nodes(node: syntax.WordNode, variants: Iterable[str]) -> Iterable[syntax.WordNode]:
        for variant in variants:
            alternative = syntax.WordNode(variant)
            alternative.fieldname = node.fieldname
            alternative.boost = node.boost * TOLERANT_BOOST
            alternative.startchar, alternative.endchar = node.startchar, node.endchar  # the parser reads them
            yield alternative
