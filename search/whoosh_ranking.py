"""A Whoosh index's matches and their BM25F scores, computed over whole posting lists with numpy.

Whoosh finds and scores matches by stepping a tree of matchers one posting at a time in Python; profiled on
the click-id index, that walk was most of an uncached search's time (counting every match for the facets,
then again scoring every match for the page). Here each term's postings are read a block at a time into
arrays, once per index version while they stay in a bounded cache, and the query's nodes become operations
on arrays as long as the index's documents: a mask of the documents each node matches and their scores.

The scores are Whoosh's own (search/schema.py's fields with whoosh.scoring.BM25F): the same idf, average
field length, stored field lengths and term weights, in the same formula, boosts and sums, so a page is the
one Whoosh's collectors give (tests/test_whoosh_ranking.py compares them). Nodes it does not know (a range,
a prefix, a term of an unscored field) are matched by Whoosh, and a query it cannot score is left to
Whoosh's collectors: `Unscorable`.

A phrase matches where its words follow each other within its slop, as Whoosh's SpanNear2 decides; their
positions are decoded only for the documents that hold every word and can still match (`within`), which for
the optional proximity phrase of a plain query (search/query.py) is the documents the words matched.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import log

import numpy as np
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndMaybe, AndNot, DisjunctionMax, NullQuery, Or, Phrase, Query, Term
from whoosh.reading import IndexReader, TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from search.acronyms import BetterOf
from search.analysis import analyse_word

CACHE_BUDGET = 4_000_000  # postings kept across queries per index version (about 16 bytes each)
WARM_MIN_DOCS = 1000  # a term in fewer documents is read quickly enough when a search asks for it
SPARSE_SHARE = 16  # positions read posting block by block for fewer documents than postings / this
SLACK = 1e-9  # of a score: rounding in the bound's sums must not leave out a document that ties
CACHED_PHRASES = 128  # phrases whose checked documents are kept (two bytes per document each)

Mask = np.ndarray  # bool, one per document number
Scores = np.ndarray  # float64, one per document number, meaningful where the mask is set


class Unscorable(Exception):
    """The query holds a node whose scores only Whoosh's matchers compute."""


@dataclass(frozen=True)
class Postings:
    """A term's postings in one index version (deleted documents too: the live mask drops them): global
    document numbers in order, weights (term frequency times the field's boost) and, when read for a
    phrase, each posting's encoded positions."""

    ids: np.ndarray
    weights: np.ndarray
    values: tuple[bytes, ...] | None = None

    def __len__(self) -> int:
        return len(self.ids)


def _leaf_postings(leaf: IndexReader, offset: int, fieldname: str, text: bytes, values: bool) -> Postings:
    """One segment's postings of a term. The pinned whoosh3 codec keeps each block as pickled tuples of
    document-number gaps, weights and values: a cumulative sum in numpy replaces stepping the matcher."""
    try:
        matcher = leaf.postings(fieldname, text)
    except TermNotFound:
        return Postings(np.zeros(0, np.int64), np.zeros(0), () if values else None)
    if isinstance(matcher, FilterMatcher):  # deleted documents: the live mask drops them later
        matcher = matcher.child
    ids: list[np.ndarray] = []
    weights: list[np.ndarray] = []
    found: list[bytes] = []
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            ids.append(_block_ids(matcher))
            matcher._read_weights()
            weights.append(np.asarray(matcher._weights, dtype=np.float64))
            if values:
                matcher._read_values()
                found.extend(matcher._values)
            matcher._next_block()
    else:  # a short posting list inlined in the term index
        listed = []
        while matcher.is_active():
            listed.append((matcher.id(), matcher.weight(), matcher.value() if values else b""))
            matcher.next()
        ids.append(np.array([posting[0] for posting in listed], dtype=np.int64))
        weights.append(np.array([posting[1] for posting in listed], dtype=np.float64))
        found.extend(posting[2] for posting in listed)
    return Postings(
        np.concatenate(ids) + offset if ids else np.zeros(0, np.int64),
        np.concatenate(weights) if weights else np.zeros(0),
        tuple(found) if values else None,
    )


def _block_ids(matcher: W3LeafMatcher) -> np.ndarray:
    """The document numbers of the matcher's current block, summed from their gaps by numpy."""
    if matcher._data is None:
        matcher._read_data()
    numbers = np.asarray(matcher._data[0], dtype=np.int64)
    return numbers if matcher._byteids else np.cumsum(numbers)


def _leaf_values(leaf: IndexReader, fieldname: str, text: bytes, docnums: list[int]) -> list[bytes]:
    """One segment's encoded positions of a term in each of `docnums` (sorted, each holding the term): only
    the blocks that hold one of them are read."""
    matcher = leaf.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):
        matcher = matcher.child
    if not isinstance(matcher, W3LeafMatcher):  # a short posting list inlined in the term index
        found = []
        for docnum in docnums:
            matcher.skip_to(docnum)
            found.append(matcher.value())
        return found
    wanted = np.array(docnums, dtype=np.int64)
    found, start = [], 0
    while matcher.is_active() and start < len(wanted):
        end = int(np.searchsorted(wanted, matcher._maxid, side="right"))
        if end > start:
            ids = _block_ids(matcher)
            matcher._read_values()
            found.extend(matcher._values[at] for at in np.searchsorted(ids, wanted[start:end]).tolist())
            start = end
        matcher._next_block()
    return found


def follows_within(positions: Sequence[Sequence[int]], slop: int) -> bool:
    """True when each word's list of positions has one 1 to `slop` places after one of the previous word's
    chain, as Whoosh's ordered SpanNear2 with mindist 1 matches a phrase.

    >>> follows_within([[3, 9], [10], [12]], slop=2)
    True
    >>> follows_within([[3, 9], [10], [12]], slop=1)
    False
    """
    reached = set(positions[0])
    for following in positions[1:]:
        reached = {at for at in following if any(at - step in reached for step in range(1, slop + 1))}
        if not reached:
            return False
    return True


class Ranker:
    """Masks and scores of queries over one opened index version; safe to share between threads."""

    def __init__(self, reader: IndexReader, weighting: object) -> None:
        if not isinstance(weighting, BM25F):
            raise TypeError("the ranking computes BM25F only")
        self.weighting = weighting
        self.size = reader.doc_count_all()
        self.live = np.zeros(self.size, dtype=bool)
        self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self._lengths: dict[str, np.ndarray] = {}
        self._cache: OrderedDict[tuple[str, bytes], Postings] = OrderedDict()
        self._cached = 0
        self._phrases: OrderedDict[tuple[str, tuple[str, ...], int], tuple[Mask, Mask]] = OrderedDict()
        self._lock = threading.Lock()

    def lengths(self, reader: IndexReader, fieldname: str) -> np.ndarray:
        """Every document's stored length of a field, as the scorer reads it."""
        with self._lock:
            found = self._lengths.get(fieldname)
        if found is None:  # each segment's own reader: the multi-segment one looks up the segment per call
            found = np.array(
                [
                    leaf.doc_field_length(docnum, fieldname, 1) or 0
                    for leaf, _offset in _leaves(reader)
                    for docnum in range(leaf.doc_count_all())
                ],
                np.float64,
            )
            with self._lock:
                self._lengths[fieldname] = found
        return found

    def postings(self, reader: IndexReader, fieldname: str, text: bytes, values: bool = False) -> Postings:
        """A term's postings over every segment, kept while the cache has room (popular words recur); with
        `values`, each posting's positions too (read once for a word both searched and in a phrase)."""
        key = (fieldname, text)
        with self._lock:
            found = self._cache.get(key)
            if found is not None and (found.values is not None or not values):
                self._cache.move_to_end(key)
                return found
        parts = [_leaf_postings(leaf, offset, fieldname, text, values) for leaf, offset in _leaves(reader)]
        found = Postings(
            np.concatenate([part.ids for part in parts]),
            np.concatenate([part.weights for part in parts]),
            tuple(value for part in parts for value in part.values or ()) if values else None,
        )
        with self._lock:
            replaced = self._cache.pop(key, None)
            self._cached += _cost(found) - (_cost(replaced) if replaced else 0)
            self._cache[key] = found
            while self._cached > CACHE_BUDGET and len(self._cache) > 1:
                self._cached -= _cost(self._cache.popitem(last=False)[1])
        return found

    def cached(self, fieldname: str, text: bytes) -> Postings | None:
        with self._lock:
            return self._cache.get((fieldname, text))

    def values_at(self, reader: IndexReader, fieldname: str, text: bytes, docnums: np.ndarray) -> list[bytes]:
        """The encoded positions of a term in each of `docnums` (in order, each holding the term), read by
        skipping the segments' posting blocks to them."""
        found: list[bytes] = []
        wanted = docnums.tolist()
        for leaf, offset in _leaves(reader):
            end = offset + leaf.doc_count_all()
            here = [docnum - offset for docnum in wanted if offset <= docnum < end]
            if not here:
                continue
            found.extend(_leaf_values(leaf, fieldname, text, here))
        return found

    def frequent_terms(self, reader: IndexReader, fieldnames: Sequence[str]) -> list[tuple[str, bytes]]:
        """The terms in at least WARM_MIN_DOCS documents, the most frequent first, as many as fill half the
        cache (the rest is for what searches then ask)."""
        counted: Counter[tuple[str, bytes]] = Counter()
        for leaf, _offset in _leaves(reader):
            for fieldname in fieldnames:
                for text, info in leaf.iter_field(fieldname):
                    counted[fieldname, text] += info.doc_frequency()
        chosen, total = [], 0
        for term, frequency in counted.most_common():
            if frequency < WARM_MIN_DOCS or total + frequency > CACHE_BUDGET // 2:
                break
            chosen.append(term)
            total += frequency
        return chosen

    def phrase_matches(
        self,
        phrase: tuple[str, tuple[str, ...], int],
        holding: Mask,
        in_order: Callable[[np.ndarray], list[int]],
    ) -> Mask:
        """The documents of `holding` (which hold every word of the phrase) where `in_order` finds its words
        in order; each document's answer is kept with the phrase, so the facet counts, the ranking and the
        next query with the phrase (an acronym's long form) decode its positions once."""
        with self._lock:
            checked, found = self._phrases.get(phrase) or (
                np.zeros(self.size, bool),
                np.zeros(self.size, bool),
            )
        todo = holding & ~checked
        if todo.any():
            found = found.copy()
            found[in_order(np.flatnonzero(todo))] = True
            checked = checked | todo
            with self._lock:
                self._phrases[phrase] = (checked, found)
                self._phrases.move_to_end(phrase)
                while len(self._phrases) > CACHED_PHRASES:
                    self._phrases.popitem(last=False)
        return found & holding

    def matches(self, searcher: Searcher, query: Query) -> Mask:
        """The live documents `query` matches (as Whoosh's docs_for_query finds them)."""
        return _Evaluation(self, searcher, scoring=False).mask(query, self.live)

    def top(
        self,
        searcher: Searcher,
        query: Query,
        limit: int,
        within: Mask | None = None,
        group_of: np.ndarray | None = None,
    ) -> list[tuple[int, float]]:
        """The `limit` best (document, score) `query` matches among `within`, as `best` orders them; raises
        Unscorable.

        The optional part of a query (AndMaybe: its words close together) only adds to a score, and at most
        what it would add were its phrases mere conjunctions of their words; positions are read only for
        the documents that bound could lift to the `limit`-th score without it.
        """
        scope = self.live if within is None else self.live & within
        evaluation = _Evaluation(self, searcher, scoring=True)
        if not isinstance(query, AndMaybe):
            mask, scores = evaluation.evaluate(query, scope)
            return best(mask & scope, scores, limit, group_of)
        mask, scores = evaluation.evaluate(query.a, scope)
        mask &= scope
        ranked = best(mask, scores, limit, group_of)
        threshold = ranked[-1][1] if len(ranked) == limit else -np.inf
        bound = _Evaluation(self, searcher, scoring=True, phrases_as_words=True).evaluate(query.b, mask)
        liftable = mask & (scores + np.where(bound[0], bound[1], 0.0) >= threshold - SLACK * abs(threshold))
        maybe, extra = evaluation.evaluate(query.b, liftable)
        return best(mask, scores + np.where(maybe & liftable, extra, 0.0), limit, group_of)


def _cost(postings: Postings) -> int:
    """A cached entry's share of CACHE_BUDGET: positions weigh about as much as two postings."""
    return len(postings) * (1 if postings.values is None else 3)


def _leaves(reader: IndexReader) -> list[tuple[IndexReader, int]]:
    return list(reader.leaf_readers())


def best(
    mask: Mask, scores: Scores, limit: int, group_of: np.ndarray | None = None
) -> list[tuple[int, float]]:
    """The `limit` best (document number, score) of the mask: highest score first, the lower document number
    first among equal scores (as Whoosh's top-N collector orders them); with `group_of`, only the best of
    each group (a story's copies: as Whoosh's collapsing collector keeps one per key, a negative key for
    none)."""
    docnums = np.flatnonzero(mask)
    if not len(docnums) or limit <= 0:
        return []
    found = scores[docnums]
    order = np.lexsort((docnums, -found))
    docnums, found = docnums[order], found[order]
    if group_of is not None:
        groups = group_of[docnums]
        _, first = np.unique(groups, return_index=True)
        keep = np.zeros(len(docnums), dtype=bool)
        keep[first] = True
        keep |= groups < 0
        docnums, found = docnums[keep], found[keep]
    return list(zip(docnums[:limit].tolist(), found[:limit].tolist(), strict=True))


class _Evaluation:
    """One query's evaluation: each node's mask (and with `scoring`, scores), exact within the documents
    `within` that can still match (outside them a mask may say anything)."""

    def __init__(
        self, ranker: Ranker, searcher: Searcher, scoring: bool, phrases_as_words: bool = False
    ) -> None:
        self.ranker = ranker
        self.searcher = searcher
        self.reader = searcher.reader()
        self.scoring = scoring
        self.phrases_as_words = phrases_as_words  # an upper bound of their scores, no positions read

    def empty(self) -> tuple[Mask, Scores]:
        return np.zeros(self.ranker.size, dtype=bool), np.zeros(self.ranker.size)

    def mask(self, node: Query, within: Mask) -> Mask:
        return self.evaluate(node, within)[0] & within

    def evaluate(self, node: Query, within: Mask) -> tuple[Mask, Scores]:
        if node is NullQuery:
            return self.empty()
        if isinstance(node, Term) and self._computed(node):
            return self.term(node.fieldname, node.text, node.boost)
        if isinstance(node, Phrase) and self._computed(node):
            return self.phrase(node, within)
        if isinstance(node, Or) and not node.minmatch and not node.scale:
            return self._boosted(self.union(_without_redundant(node, self.scoring), within), node.boost)
        if isinstance(node, BetterOf):
            return self._boosted(self.better(node.subqueries, within), node.boost)
        if isinstance(node, DisjunctionMax) and not self.scoring:
            return self.union(node.subqueries, within)
        if isinstance(node, And):
            return self._boosted(self.intersection(node.subqueries, within), node.boost)
        if isinstance(node, AndMaybe):
            mask, scores = self.evaluate(node.a, within)
            if not self.scoring:
                return mask, scores
            maybe, extra = self.evaluate(node.b, within & mask)
            return mask, scores + np.where(maybe, extra, 0.0)
        if isinstance(node, AndNot):
            mask, scores = self.evaluate(node.a, within)
            return mask & ~self.evaluate(node.b, within & mask)[0], scores
        if self.scoring:
            raise Unscorable(type(node).__name__)
        mask = np.zeros(self.ranker.size, dtype=bool)
        mask[np.fromiter(self.searcher.docs_for_query(node), dtype=np.int64)] = True
        return mask, np.zeros(self.ranker.size)

    def _computed(self, node: Term | Phrase) -> bool:
        """Whether the node is computed here: scores need a BM25F-scored field (an outlet's name is not),
        matches any field, and a phrase the field's positions."""
        schema = self.searcher.schema
        if node.fieldname not in schema:
            return False
        field = schema[node.fieldname]
        if self.scoring and not field.scorable:
            return False
        return not isinstance(node, Phrase) or (len(node.words) > 1 and field.format.supports("positions"))

    @staticmethod
    def _boosted(found: tuple[Mask, Scores], boost: float) -> tuple[Mask, Scores]:
        return found if boost == 1.0 else (found[0], found[1] * boost)

    def term(self, fieldname: str, text: str | bytes, boost: float = 1.0) -> tuple[Mask, Scores]:
        mask, scores = self.empty()
        postings = self._postings(fieldname, text)
        if postings is None or not len(postings):
            return mask, scores
        mask[postings.ids] = True
        if self.scoring:
            scores[postings.ids] = self._bm25f(fieldname, text, postings) * boost
        return mask, scores

    def _postings(self, fieldname: str, text: str | bytes, values: bool = False) -> Postings | None:
        try:
            encoded = self.searcher.schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        return self.ranker.postings(self.reader, fieldname, encoded, values)

    def _bm25f(self, fieldname: str, text: str | bytes, postings: Postings) -> np.ndarray:
        """Whoosh's BM25FScorer._score for each posting, the same operations in the same order."""
        weighting = self.ranker.weighting
        b = weighting._field_B.get(fieldname, weighting.B)
        k1 = weighting.K1
        encoded = self.searcher.schema[fieldname].to_bytes(text)
        idf = log(self.searcher.doc_count_all() / (self.reader.doc_frequency(fieldname, encoded) + 1)) + 1
        average = self.searcher.avg_field_length(fieldname) or 1
        length = self.ranker.lengths(self.reader, fieldname)[postings.ids]
        tf = postings.weights
        return idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * length / average)))

    def union(self, children: Sequence[Query], within: Mask) -> tuple[Mask, Scores]:
        mask, scores = self.empty()
        for child in children:
            found, extra = self.evaluate(child, within)
            mask |= found
            if self.scoring:
                scores += np.where(found, extra, 0.0)
        return mask, scores

    def better(self, children: Sequence[Query], within: Mask) -> tuple[Mask, Scores]:
        """search/acronyms.py's BetterOf: the best score of the alternatives a document matches."""
        mask, scores = self.empty()
        scores[:] = -np.inf
        for child in children:
            found, extra = self.evaluate(child, within)
            mask |= found
            scores = np.where(found, np.maximum(scores, extra), scores)
        return mask, np.where(mask, scores, 0.0)

    def intersection(self, children: Sequence[Query], within: Mask) -> tuple[Mask, Scores]:
        """Phrases last, so their positions are read only for documents the other words matched."""
        mask, scores = within.copy(), np.zeros(self.ranker.size)
        for child in sorted(children, key=_has_phrase):
            found, extra = self.evaluate(child, mask)
            mask &= found
            if self.scoring:
                scores += extra
        return mask, scores

    def phrase(self, node: Phrase, within: Mask) -> tuple[Mask, Scores]:
        mask, scores = self.empty()
        found = [self._postings(node.fieldname, word) for word in node.words]
        every = [postings for postings in found if postings is not None and len(postings)]
        if len(every) < len(found):
            return mask, scores
        holding = within.copy()
        for postings in every:
            present = np.zeros(self.ranker.size, dtype=bool)
            present[postings.ids] = True
            holding &= present
        if self.phrases_as_words:
            return holding, self._phrase_scores(node, every)
        decode = self.searcher.schema[node.fieldname].format.decode_positions

        def in_order(docnums: np.ndarray) -> list[int]:
            values = [self._values(node.fieldname, word, docnums) for word in node.words]
            return [
                docnum
                for row, docnum in enumerate(docnums.tolist())
                if follows_within([decode(found[row]) for found in values], node.slop)
            ]

        mask = self.ranker.phrase_matches((node.fieldname, tuple(node.words), node.slop), holding, in_order)
        return mask, self._phrase_scores(node, every) if self.scoring and mask.any() else scores

    def _values(self, fieldname: str, word: str, docnums: np.ndarray) -> Sequence[bytes]:
        """The encoded positions of a word in each of `docnums` (which all hold it): from its postings read
        whole when many are asked, else by skipping to each one's block (a page's few candidates for the
        proximity of two common words)."""
        encoded = self.searcher.schema[fieldname].to_bytes(word)
        postings = self.ranker.cached(fieldname, encoded)
        if postings is None or postings.values is None:
            if len(docnums) * SPARSE_SHARE < len(postings or ()):
                return self.ranker.values_at(self.reader, fieldname, encoded, docnums)
            postings = self.ranker.postings(self.reader, fieldname, encoded, values=True)
        values = postings.values or ()
        return [values[at] for at in np.searchsorted(postings.ids, docnums).tolist()]

    def _phrase_scores(self, node: Phrase, every: list[Postings]) -> Scores:
        """Whoosh's phrase score: its words' scores summed, times its boost."""
        scores = np.zeros(self.ranker.size)
        for word, postings in zip(node.words, every, strict=True):
            scores[postings.ids] += self._bm25f(node.fieldname, word, postings)
        return scores * node.boost


def _has_phrase(node: Query) -> bool:
    return isinstance(node, Phrase) or any(_has_phrase(child) for child in node.children())


def _without_redundant(node: Or, scoring: bool) -> list[Query]:
    """The children of an Or; for matching alone, without each surface term whose stem is a sibling: the
    index stores the stem at every position where it stores the surface form (search/analysis.py), so the
    surface term matches no document the stem does not."""
    if scoring:
        return list(node.subqueries)
    terms = {(child.fieldname, child.text) for child in node.subqueries if isinstance(child, Term)}

    def redundant(child: Query) -> bool:
        if not isinstance(child, Term) or not isinstance(child.text, str):
            return False
        analysed = analyse_word(child.text)
        return (
            type(analysed) is tuple
            and analysed[0] != child.text
            and child.text in analysed
            and (child.fieldname, analysed[0]) in terms
        )

    return [child for child in node.subqueries if not redundant(child)]
