"""The Whoosh engine behind the seam: an index folder on this machine (see search/store.py for its layout)."""

from __future__ import annotations

import heapq
import threading
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from whoosh.collectors import CollapseCollector, Collector, FilterCollector, SortingCollector, TopCollector
from whoosh.index import Index
from whoosh.query import And, Every, Or, Prefix, Query, Term, TermRange
from whoosh.searching import Searcher
from whoosh.sorting import FieldFacet, FunctionFacet, MultiFacet

from search import facets
from search.acronyms import Definitions, read_table_file
from search.analysis import load_stem_cache
from search.backend import StoredHit
from search.reader import check_generation, index_stats, open_generation
from search.request import SearchRequest
from search.store import STEM_CACHE, current_generation, generation_dir
from search.whoosh_ranking import Ranker, Unscorable
from search.whoosh_vocabulary import SpelledWords

EARLIEST_DAY, LATEST_DAY = "0000-00-00", "9999-99-99"  # "none" (undated) sorts after both


class FolderLocation:
    """An index folder written by search/indexing.py."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        self._build_info: dict[str, dict] = {}  # the current generation's, read once

    def generation(self) -> str | None:
        """The current generation's name, after checking its files: one damaged since it was opened must
        answer IndexMissingError (a 503) before Whoosh reads it, since reading a truncated memory-mapped
        segment would kill the server with SIGBUS."""
        name = current_generation(self.index_dir)
        if name is not None:
            known = self._build_info.get(name)
            self._build_info = {name: check_generation(self.index_dir, name, known)}
        return name

    def open(self) -> tuple[str, WhooshBackend]:
        load_stem_cache(self.index_dir / STEM_CACHE)  # warm stems make highlighting several times faster
        name, index = open_generation(self.index_dir)
        return name, WhooshBackend(index, read_table_file(generation_dir(self.index_dir, name)))

    def stats(self) -> dict:
        return index_stats(self.index_dir)


def _column_values(reader, fieldname: str, missing: str) -> list[str]:
    """The value of a sortable field for every document number ("" and None become `missing`)."""
    column = reader.column_reader(fieldname)
    return [column[docnum] or missing for docnum in range(reader.doc_count_all())]


def _story_numbers(cluster_of: list[str]) -> np.ndarray:
    """A number for each document's story (cluster of copies; an article without copies is a story of its
    own), -1 where no cluster was stored, which Whoosh's collapsing also leaves alone."""
    numbers: dict[str, int] = {}
    return np.array([numbers.setdefault(name, len(numbers)) if name else -1 for name in cluster_of], np.int64)


def _newest_published(searcher: Searcher, day_of: list[str]) -> str | None:
    reader = searcher.reader()
    published = reader.column_reader("published", translate=True) if reader.doc_count() else None
    if published is None:
        return None
    dated = [(published[doc], doc) for doc in reader.all_doc_ids() if day_of[doc] != facets.UNDATED]
    return reader.stored_fields(max(dated)[1]).get("published_iso") if dated else None


class WhooshBackend:
    """Answers for one opened generation; safe to share between threads."""

    def __init__(self, index: Index, acronyms: Definitions | None = None) -> None:
        self.index = index
        self._acronyms = acronyms or {}
        self._lock = threading.Lock()
        self._idle: list[Searcher] = []
        self._closed = False
        self._warming: threading.Thread | None = None
        self._title_lock = threading.Lock()
        self._title_table: tuple[list[str], list[int]] | None = None
        with self._searcher() as searcher:
            self.schema = searcher.schema
            reader = searcher.reader()
            self._sources = sorted(name for name in reader.field_terms("source") if name)
            self._doc_count = reader.doc_count()
            # Each article's day, outlet and category, read once: counting facets over thousands of matches
            # per request then costs a list lookup per facet and match instead of column-file reads.
            self._day_of = _column_values(reader, "day", facets.UNDATED)
            self._term_of = {
                name: _column_values(reader, name, "").__getitem__ for name in facets.TERM_FACETS
            }
            self._newest = _newest_published(searcher, self._day_of)
            self._cluster_of = _column_values(reader, "cluster", "")
            self._ranker = Ranker(reader, searcher.weighting)
        self._story_of = _story_numbers(self._cluster_of)
        self._stories: dict[str, list[int]] | None = None
        self._spelled = self.schema["body"].spelling_fieldname("body")  # where the unstemmed words are
        self._spelled_words = SpelledWords(self._read_spelled_words)

    @contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        """A pooled searcher: opening one reads the table of contents and every segment, so reuse them."""
        with self._lock:
            searcher = self._idle.pop() if self._idle else None
        if searcher is None:
            searcher = self.index.searcher()
        try:
            yield searcher
        finally:
            with self._lock:
                if self._closed:
                    searcher.close()
                else:
                    self._idle.append(searcher)

    def warm_up(self, wait: bool = False) -> None:
        """Read, in a thread, what the first searches of a new index version would otherwise pay for: the
        words typo tolerance looks through, each story's members, every article's title and body lengths,
        and the postings of the most frequent title and body words (a common word's postings take
        milliseconds to read from Whoosh's pickled blocks)."""
        with self._lock:
            if self._warming is None:
                self._warming = threading.Thread(target=self._warm, name="warm-up", daemon=True)
                self._warming.start()
            warming = self._warming
        if wait:
            warming.join()

    def _warm(self) -> None:
        self._spelled_words.sorted_words()  # the words typo tolerance looks through
        with self._searcher() as searcher:
            self._story_table()
            for fieldname in ("title", "body"):
                self._ranker.lengths(searcher.reader(), fieldname)
            for fieldname, text in self._ranker.frequent_terms(searcher.reader(), ("title", "body")):
                if self._closed:
                    return
                self._ranker.postings(searcher.reader(), fieldname, text)

    def close(self) -> None:
        """Close idle searchers now and busy ones when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()

    def sources(self) -> list[str]:
        return self._sources

    def newest_published(self) -> str | None:
        return self._newest

    def acronym_definitions(self) -> Definitions:
        return self._acronyms

    def completions(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """A binary search in the sorted table of title words; the top `limit` of its range by frequency."""
        words, counts = self._title_words()
        start, end = bisect_left(words, prefix), bisect_left(words, prefix + "\U0010ffff")
        best = heapq.nsmallest(limit, range(start, end), key=lambda at: (-counts[at], words[at]))
        return [(words[at], counts[at]) for at in best]

    def _title_words(self) -> tuple[list[str], list[int]]:
        """Every title word and phrase with its article count, sorted, read on the first completion: a
        lookup per term as a reader types would take hundreds of milliseconds on a short prefix. Each
        segment is read on its own (Whoosh's multi-segment reader merges terms several times slower)."""
        with self._title_lock:
            if self._title_table is None:
                counted: Counter[str] = Counter()
                with self._searcher() as searcher:
                    for leaf, _offset in searcher.reader().leaf_readers():
                        for word, info in leaf.iter_field("title_words"):
                            counted[word.decode("utf-8")] += info.doc_frequency()
                words = sorted(counted)
                self._title_table = (words, [counted[word] for word in words])
            return self._title_table

    def doc_count(self) -> int:
        return self._doc_count

    def word_frequencies(self, words: Iterable[str]) -> dict[str, int]:
        with self._searcher() as searcher:
            reader = searcher.reader()
            return {word: reader.doc_frequency(self._spelled, word) for word in words}

    def words_near(self, word: str, maxdist: int, prefix: int) -> set[str]:
        """What each segment's `terms_within` finds (search/whoosh_vocabulary.py), fifty times faster."""
        return self._spelled_words.near(word, maxdist, prefix)

    def _read_spelled_words(self) -> list[str]:
        """Every segment's words of the spelled field, as each segment's `terms_within` walks them."""
        with self._searcher() as searcher:
            return [
                word.decode("utf-8")
                for leaf, _offset in searcher.reader().leaf_readers()
                for word in leaf.lexicon(self._spelled)
            ]

    def facet_counts(self, query: Query, request: SearchRequest) -> facets.FacetCounts:
        # Whoosh normalises an And holding Every() to Every(), dropping the filters: browse by the filters.
        given = (query, *_filters(request, with_choices=False))
        parts = [part for part in given if not isinstance(part, Every)]
        scope = And(parts).normalize() if parts else query
        with self._searcher() as searcher:
            return facets.count_facets(
                np.flatnonzero(self._ranker.matches(searcher, scope)).tolist(),
                self._day_of.__getitem__,
                self._term_of,
                request.date,
                request.term_choices(),
                keep_docs=bool(_filters(request, with_choices=True)),
                cluster_of=self._cluster_of.__getitem__,
            )

    def hits(self, query: Query, request: SearchRequest, counts: facets.FacetCounts) -> list[StoredHit]:
        """`counts.docs` holds the filtered matches (None: no filter), a ready filter for the ranking."""
        limit = request.page * request.per_page
        with self._searcher() as searcher:
            found = self._ranked(searcher, query, request, counts.docs, limit)
            if found is None:
                found = self._collected(searcher, query, request, counts.docs, limit)
            shown = found[(request.page - 1) * request.per_page : limit]
            return [StoredHit(searcher.reader().stored_fields(docnum), score) for docnum, score in shown]

    def _ranked(
        self,
        searcher: Searcher,
        query: Query,
        request: SearchRequest,
        allowed: AbstractSet[int] | None,
        limit: int,
    ) -> list[tuple[int, float]] | None:
        """The first `limit` (document, score) by relevance, computed by search/whoosh_ranking.py; None when
        only Whoosh's collectors give the page: a date order, or a query whose scores only they compute."""
        if request.sort != "relevance":
            return None
        within = None
        if allowed is not None:
            within = np.zeros(self._ranker.size, dtype=bool)
            within[np.fromiter(allowed, dtype=np.int64, count=len(allowed))] = True
        try:
            return self._ranker.top(
                searcher, query, limit, within, self._story_of if request.collapse else None
            )
        except Unscorable:
            return None

    def _collected(
        self,
        searcher: Searcher,
        query: Query,
        request: SearchRequest,
        allowed: AbstractSet[int] | None,
        limit: int,
    ) -> list[tuple[int, float]]:
        """The same through Whoosh's collectors, for the date orders and the queries only Whoosh scores."""
        order: Collector
        if request.sort == "relevance":
            order = exact_top(limit)
        else:
            order = SortingCollector(self._by_date(request.sort == "newest"), limit=limit)
        if request.collapse:
            order = CollapseCollector(order, FieldFacet("cluster"), limit=1)
        collector = order if allowed is None else FilterCollector(order, allow=allowed)
        searcher.search_with_collector(query, collector)
        return [(hit.docnum, hit.score) for hit in collector.results()[:limit]]

    def cluster_members(self, clusters: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        stories = self._story_table()
        with self._searcher() as searcher:
            stored = searcher.reader().stored_fields
            return {
                cluster: [
                    (stored(docnum)["id"], self._term_of["source"](docnum))
                    for docnum in stories.get(cluster, ())
                ]
                for cluster in clusters
            }

    def _story_table(self) -> dict[str, list[int]]:
        """Each story's live documents, made once (the warm-up makes it): a query per story cost more."""
        with self._lock:
            if self._stories is None:
                stories: defaultdict[str, list[int]] = defaultdict(list)
                for docnum in np.flatnonzero(self._ranker.live).tolist():
                    stories[self._cluster_of[docnum]].append(docnum)
                self._stories = dict(stories)
            return self._stories

    def stored(self, article_id: str) -> dict | None:
        with self._searcher() as searcher:
            return searcher.document(id=article_id)

    def body_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        with self._searcher() as searcher:
            reader = searcher.reader()
            return {term: reader.doc_frequency("body", term) for term in terms}

    def _by_date(self, newest_first: bool) -> MultiFacet:
        """Publication order, undated articles last either way (as OpenSearch's "missing": "_last")."""
        undated_last = FunctionFacet(lambda _searcher, docnum: self._day_of[docnum] == facets.UNDATED)
        return MultiFacet([undated_last, FieldFacet("published", reverse=newest_first)])


def exact_top(limit: int) -> TopCollector:
    """The `limit` best-scored matches, every match scored.

    As its heap fills, Whoosh's top-N collector replaces the query's matchers with pruned ones, passing each
    branch of a union the threshold minus the other branch's bound; the pruned union then drops documents
    that belong in the top N. On click-id that changed the top 10 of 6 of the 30 evaluation queries (one
    kept only half of its true top 10), so the ranking neither replaces matchers nor skips blocks.
    """
    return TopCollector(limit, usequality=False, replace=0)


def _filters(request: SearchRequest, with_choices: bool) -> list[Query]:
    """Filters for the request; `with_choices` adds the facet choices (outlets, categories, drill-down
    date)."""
    filters: list[Query] = []
    if request.cluster:
        filters.append(Term("cluster", request.cluster))
    if request.date_from or request.date_to:
        low = request.date_from.isoformat() if request.date_from else EARLIEST_DAY
        high = request.date_to.isoformat() if request.date_to else LATEST_DAY
        filters.append(TermRange("day", low, high))
    if with_choices:
        for name, values in request.term_choices().items():
            if values:
                filters.append(Or([Term(name, value) for value in values]))
        if request.date == facets.UNDATED:
            filters.append(Term("day", facets.UNDATED))
        elif request.date:
            filters.append(Prefix("day", request.date))
    return filters
