"""The set of documents a query matches on a Whoosh index, by set operations over each term's postings.

Facets count over every match, so every match has to be found. Whoosh finds them by stepping union and
intersection matchers one posting at a time in Python; profiled on the click-id index, that walk was the
largest single cost of an uncached search. Here each term's postings are read a block at a time into a
set, and the query's And/Or/AndNot/Not become C-level set operations; any other node (a phrase, a
range, a prefix) is left to Whoosh.

A query word becomes "stem OR surface" in each field (search/analysis.py), and the index stores the stem
at every position where it stores the surface form, so the surface term matches no document the stem
does not: it matters for ranking, not for matching, and its postings are not read here at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import accumulate

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query import And, AndMaybe, AndNot, DisjunctionMax, Not, NullQuery, Or, Query, Term
from whoosh.reading import IndexReader, TermNotFound
from whoosh.searching import Searcher

from search.analysis import analyse_word


def matching_docs(searcher: Searcher, query: Query) -> set[int]:
    """The (global) numbers of the live documents `query` matches; equal to Whoosh's docs_for_query."""
    if query is NullQuery:
        return set()
    if isinstance(query, Term):
        return _term_docs(searcher, query.fieldname, query.text)
    if isinstance(query, Or) and not query.minmatch:
        return set().union(*(matching_docs(searcher, child) for child in _without_surface_forms(query)))
    if isinstance(query, DisjunctionMax):  # either form of an acronym (search/acronyms.py)
        return set().union(*(matching_docs(searcher, child) for child in query.subqueries))
    if isinstance(query, AndMaybe):  # the optional part (words close together) ranks, never matches
        return matching_docs(searcher, query.a)
    if isinstance(query, And):
        found = [matching_docs(searcher, child) for child in query.subqueries]
        found.sort(key=len)
        return found[0].intersection(*found[1:]) if found else set()
    if isinstance(query, AndNot):
        return matching_docs(searcher, query.a) - matching_docs(searcher, query.b)
    if isinstance(query, Not):
        return set(searcher.reader().all_doc_ids()) - matching_docs(searcher, query.query)
    return set(searcher.docs_for_query(query))


def _without_surface_forms(query: Or) -> Iterable[Query]:
    """The children of a "stem OR surface" node, less each surface term whose stem is also a child."""
    terms = {(child.fieldname, child.text) for child in query.subqueries if isinstance(child, Term)}
    for child in query.subqueries:
        if isinstance(child, Term) and isinstance(child.text, str):
            analysed = analyse_word(child.text)
            if (
                type(analysed) is tuple
                and analysed[0] != child.text
                and child.text in analysed
                and (child.fieldname, analysed[0]) in terms
            ):
                continue
        yield child


def _term_docs(searcher: Searcher, fieldname: str, text: str | bytes) -> set[int]:
    docs: set[int] = set()
    for leaf, offset in searcher.reader().leaf_readers():
        docs |= _leaf_term_docs(leaf, offset, fieldname, text)
    return docs


def _leaf_term_docs(leaf: IndexReader, offset: int, fieldname: str, text: str | bytes) -> set[int]:
    """One segment's live documents containing the term, as global numbers. The pinned whoosh3 codec's
    matcher keeps a block of document-number gaps: summing them with `accumulate` (in C) instead of
    stepping the matcher posting by posting (in Python) is the whole gain."""
    try:
        matcher = leaf.postings(fieldname, text)
    except TermNotFound:
        return set()
    deleted: frozenset[int] = frozenset()
    if isinstance(matcher, FilterMatcher):  # the segment has deletions: filter once, at the end
        deleted, matcher = leaf.deleted_docs_set, matcher.child  # type: ignore[attr-defined]  # a SegmentReader
    docs: set[int] = set()
    if isinstance(matcher, W3LeafMatcher):
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            ids = matcher._data[0]
            docs.update(ids if matcher._byteids else accumulate(ids))
            matcher._next_block()
    else:
        docs.update(matcher.all_ids())
    docs -= deleted
    return set(map(offset.__add__, docs)) if offset else docs
