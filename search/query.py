"""Ranked search over the index: parse, filter, sort, page, facet, snippet and suggest.

`SearchRequest.from_params` validates what a user sent (a web form, a JSON API call) and raises
`InvalidRequest` with a message for a person. `Engine` answers requests against one opened index;
`SearchService` follows an index directory and swaps in a new `Engine` when a rebuild publishes a new
generation, so a server keeps answering during and after a rebuild without a restart.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from whoosh import qparser
from whoosh.index import Index
from whoosh.query import And, NullQuery, Or, Prefix, Query, Term, TermRange
from whoosh.searching import Searcher

from search import facets, snippets
from search.analysis import load_stem_cache, stopwords
from search.reader import check_generation, open_current
from search.store import STEM_CACHE, current_generation

SORTS = {"relevance": "relevansi", "newest": "terbaru", "oldest": "terlama"}
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_QUERY_CHARS = 500
PARTIAL_NOTE = "Tidak ada artikel yang memuat semua kata; ditampilkan artikel yang memuat sebagian kata."
COMMON_WORDS_NOTE = (
    'Kata kunci hanya berisi kata umum (seperti "yang", "dan", "di") yang tidak diindeks; '
    "tambahkan kata yang lebih khusus."
)
FACET_CACHE_SIZE = 128
RARE_WORD_DOCS = 2  # a query word in at most this many articles (more in a big index) may be misspelt
SUGGEST_BELOW = 5  # look for a correction only when the query finds fewer articles than this
CORRECTION_CACHE_SIZE = 10_000
EARLIEST_DAY, LATEST_DAY = "0000-00-00", "9999-99-99"  # "none" (undated) sorts after both


class InvalidRequest(ValueError):
    """A parameter a person sent cannot be used; the message says which and why."""


def _positive_int(params: Mapping[str, str], name: str, default: int, maximum: int) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidRequest(f"Parameter '{name}' harus bilangan bulat positif, bukan {raw[:40]!r}.")
    if int(raw) > maximum:
        raise InvalidRequest(f"Parameter '{name}' paling besar {maximum}.")
    return int(raw)


def _day(params: Mapping[str, str], name: str) -> date | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidRequest(f"Parameter '{name}' harus tanggal TTTT-BB-HH, bukan {raw[:40]!r}.") from None


@dataclass(frozen=True)
class SearchRequest:
    """What to search for and how to show it. `date` is the date facet's drill-down: "2019", "2019-09",
    "2019-09-10" or "none" (undated); `date_from`/`date_to` are an inclusive range of days."""

    q: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    date_from: date | None = None
    date_to: date | None = None
    source: str | None = None
    category: str | None = None
    date: str | None = None
    sort: str = "relevance"

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchRequest:
        q = params.get("q") or ""
        if len(q) > MAX_QUERY_CHARS:
            raise InvalidRequest(f"Kata kunci terlalu panjang: paling banyak {MAX_QUERY_CHARS} karakter.")
        sort = (params.get("sort") or "relevance").strip()
        if sort not in SORTS:
            raise InvalidRequest(f"Parameter 'sort' harus salah satu dari: {', '.join(SORTS)}.")
        drill = (params.get("date") or "").strip() or None
        if drill and not facets.is_date_selection(drill):
            raise InvalidRequest("Parameter 'date' harus TTTT, TTTT-BB, TTTT-BB-HH atau 'none'.")
        date_from, date_to = _day(params, "from"), _day(params, "to")
        if date_from and date_to and date_from > date_to:
            raise InvalidRequest("Tanggal 'from' harus sebelum atau sama dengan tanggal 'to'.")
        return cls(
            q=q.strip(),
            page=_positive_int(params, "page", 1, MAX_PAGE),
            per_page=_positive_int(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
            date_from=date_from,
            date_to=date_to,
            source=(params.get("source") or "").strip() or None,
            category=(params.get("category") or "").strip() or None,
            date=drill,
            sort=sort,
        )

    def to_params(self) -> dict[str, str]:
        """The parameters that differ from the defaults, in the names `from_params` reads."""
        values = {
            "q": self.q,
            "date": self.date,
            "source": self.source,
            "category": self.category,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "sort": None if self.sort == "relevance" else self.sort,
            "per_page": None if self.per_page == DEFAULT_PER_PAGE else str(self.per_page),
            "page": None if self.page == 1 else str(self.page),
        }
        return {name: value for name, value in values.items() if value}

    def query_string(self, **changes) -> str:
        """The "?q=..." of this request with `changes`; any change but the page goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return "?" + urlencode(replace(self, **changes).to_params())


@dataclass
class Hit:
    id: str
    title: str
    url: str | None
    source: str | None
    published: str | None
    day: str
    snippet: str
    title_html: str
    score: float | None

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "source": self.source,
            "published": self.published,
            "snippet": self.snippet,
            "score": self.score,
        }


@dataclass
class SearchResponse:
    request: SearchRequest
    total: int = 0
    results: list[Hit] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(default_factory=lambda: {"date": [], "source": []})
    date_trail: list[dict] = field(default_factory=list)
    suggestion: dict | None = None
    note: str | None = None
    took_ms: float = 0.0

    @property
    def page_count(self) -> int:
        return -(-self.total // self.request.per_page)

    def to_json(self) -> dict:
        return {
            "query": self.request.q,
            "total": self.total,
            "page": self.request.page,
            "per_page": self.request.per_page,
            "results": [hit.to_json() for hit in self.results],
            "facets": self.facets,
            "date_trail": self.date_trail,
            "suggestion": self.suggestion,
            "note": self.note,
            "took_ms": self.took_ms,
        }


def _make_parser(schema, group) -> qparser.QueryParser:
    """Title and body, with "phrase", -exclude, OR/AND/NOT, title:/source: (and judul:/sumber:).

    Wildcards and ranges are off: they would run against stems and surprise a reader.
    """
    parser = qparser.MultifieldParser(["title", "body"], schema, group=group)
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.remove_plugin_class(qparser.RangePlugin)
    # + and - only at the start of a word: "anak-anak" and "covid-19" are words, not "anak NOT anak"
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<!\S)\+", minusexpr=r"(?<!\S)-"))
    parser.add_plugin(qparser.FieldAliasPlugin({"title": ["judul"], "source": ["sumber", "media"]}))
    return parser


_WORD = re.compile(r"(?<![\w:\-])([^\W\d_]{4,})(?![\w:])")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


def _plain_words(text: str) -> str:
    """The query as bare words, for when the syntax makes no sense to the parser."""
    return " ".join(re.findall(r"\w+", text))


def _nearest_frequent_word(reader, fieldname: str, word: str, seen: int) -> str | None:
    """The indexed word one edit from `word` (else two, for longer words) that is in at least three times
    as many articles; among those, a word that `word` misses one letter of comes first ("pemerintahn" is
    "pemerintahan" with a letter left out, the commonest slip in quick typing, not "pemerintah"), then
    the most frequent. Each segment's own reader walks its term automaton; Whoosh's multi-segment reader
    would compare every term sharing the first letter instead (~200 ms here). Candidates share the first
    two letters: typos there are rare, and the walk is then several times shorter."""
    for maxdist in (1, 2) if len(word) > 5 else (1,):
        near = {
            candidate
            for leaf, _offset in reader.leaf_readers()
            for candidate in leaf.terms_within(fieldname, word, maxdist, prefix=2)
        }
        near.discard(word)
        ranked = [
            (_misses_one_letter_of(word, candidate), frequency, candidate)
            for candidate in near
            if (frequency := reader.doc_frequency(fieldname, candidate)) >= 3 * (seen + 1)
        ]
        if ranked:
            return max(ranked)[2]
    return None


def _misses_one_letter_of(typed: str, candidate: str) -> bool:
    """True when `typed` is `candidate` with one letter left out."""
    letters = iter(candidate)
    return len(candidate) == len(typed) + 1 and all(letter in letters for letter in typed)


def _column_values(reader, fieldname: str, missing: str) -> list[str]:
    """The value of a sortable field for every document number ("" and None become `missing`)."""
    column = reader.column_reader(fieldname)
    return [column[docnum] or missing for docnum in range(reader.doc_count_all())]


class Engine:
    """Answers search requests against one opened index; safe to share between threads."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.schema = index.schema
        self._parsers = {
            "and": _make_parser(self.schema, qparser.AndGroup),
            "or": _make_parser(self.schema, qparser.OrGroup.factory(0.9)),
        }
        self._lock = threading.Lock()
        self._idle: list[Searcher] = []
        self._closed = False
        self._facet_cache: OrderedDict[tuple, facets.FacetCounts] = OrderedDict()
        self._corrections: dict[str, str | None] = {}
        with self._searcher() as searcher:
            reader = searcher.reader()
            self._sources = sorted(reader.field_terms("source"))
            # Each article's day and outlet, read once: counting facets over thousands of matches per
            # request then costs two list lookups per match instead of column-file reads.
            self._day_of = _column_values(reader, "day", facets.UNDATED)
            self._source_of = _column_values(reader, "source", "")

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

    def close(self) -> None:
        """Close idle searchers now and busy ones when they come back."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for searcher in idle:
            searcher.close()

    def parse(self, text: str, group: str = "and") -> Query:
        """The query for `text`: every word required ("and") or any word ("or"); never raises on syntax."""
        parser = self._parsers[group]
        try:
            query = parser.parse(text)
        except Exception:  # whoosh's parser can fail in many ways on odd input; plain words always work
            query = parser.parse(_plain_words(text))
        return query.accept(self._resolve_source)

    def _resolve_source(self, node: Query) -> Query:
        """source:kompas matches the outlet "Kompas.com": outlets are compared lowercased, by substring."""
        if isinstance(node, Term) and node.fieldname == "source":
            wanted = str(node.text).lower()
            found = [Term("source", name) for name in self._sources if wanted in name.lower()]
            if found:
                return found[0] if len(found) == 1 else Or(found)
        return node

    def source_name(self, value: str | None) -> str | None:
        """An outlet as the index spells it, whatever the case the user typed it in."""
        if not value:
            return None
        return next((name for name in self._sources if name.lower() == value.lower()), value)

    def _filters(self, request: SearchRequest, with_choices: bool) -> list[Query]:
        """Filters for the request; `with_choices` adds the facet choices (outlet, drill-down date)."""
        filters: list[Query] = []
        if request.category:
            filters.append(Term("category", request.category))
        if request.date_from or request.date_to:
            low = request.date_from.isoformat() if request.date_from else EARLIEST_DAY
            high = request.date_to.isoformat() if request.date_to else LATEST_DAY
            filters.append(TermRange("day", low, high))
        if with_choices:
            if request.source:
                filters.append(Term("source", request.source))
            if request.date == facets.UNDATED:
                filters.append(Term("day", facets.UNDATED))
            elif request.date:
                filters.append(Prefix("day", request.date))
        return filters

    def facet_counts(self, searcher: Searcher, query: Query, request: SearchRequest) -> facets.FacetCounts:
        """Date and outlet counts over all matches, cached per query and filters (paging reuses them)."""
        key = (
            repr(query),
            request.category,
            request.date_from,
            request.date_to,
            request.date,
            request.source,
        )
        with self._lock:
            cached = self._facet_cache.get(key)
            if cached is not None:
                self._facet_cache.move_to_end(key)
                return cached
        scope = And([query, *self._filters(request, with_choices=False)]).normalize()
        counts = facets.count_facets(
            searcher.docs_for_query(scope),
            self._day_of.__getitem__,
            self._source_of.__getitem__,
            request.date,
            request.source,
            keep_docs=bool(self._filters(request, with_choices=True)),
        )
        with self._lock:
            self._facet_cache[key] = counts
            while len(self._facet_cache) > FACET_CACHE_SIZE:
                self._facet_cache.popitem(last=False)
        return counts

    def search(self, request: SearchRequest) -> SearchResponse:
        started = time.perf_counter()
        request = replace(request, source=self.source_name(request.source))
        response = SearchResponse(request=request)
        if request.q:
            with self._searcher() as searcher:
                self._answer(searcher, request, response)
        response.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return response

    def _answer(self, searcher: Searcher, request: SearchRequest, response: SearchResponse) -> None:
        query = self.parse(request.q)
        if query is NullQuery:  # nothing left after stop words and operators: say so, suggest nothing
            response.note = COMMON_WORDS_NOTE
            return
        counts = self.facet_counts(searcher, query, request)
        strict_total = counts.total
        if counts.total == 0:
            loose = self.parse(request.q, "or")
            if loose != query:
                loose_counts = self.facet_counts(searcher, loose, request)
                if loose_counts.total:
                    query, counts, response.note = loose, loose_counts, PARTIAL_NOTE
        response.total = counts.total
        response.facets = {
            "date": facets.date_facet_items(counts, request.date, lambda v: request.query_string(date=v)),
            "source": facets.source_facet_items(
                counts, request.source, lambda v: request.query_string(source=v)
            ),
        }
        response.date_trail = facets.date_trail(request.date, lambda v: request.query_string(date=v))
        if counts.total > (request.page - 1) * request.per_page:
            response.results = self._page(searcher, query, request, counts.docs)
        if strict_total < SUGGEST_BELOW:
            response.suggestion = self._suggest(searcher, request, strict_total)

    def _page(
        self, searcher: Searcher, query: Query, request: SearchRequest, allowed: set[int] | None
    ) -> list[Hit]:
        """The requested page of hits; `allowed` holds the filtered matches (None: no filter)."""
        sort = {} if request.sort == "relevance" else {"sortedby": "published"}
        results = searcher.search(
            query,
            limit=request.page * request.per_page,
            filter=allowed,
            reverse=request.sort == "newest",
            **sort,
        )
        shown = results[(request.page - 1) * request.per_page : request.page * request.per_page]
        terms = snippets.highlight_terms(query)
        title_analyzer, body_analyzer = self.schema["title"].analyzer, self.schema["body"].analyzer
        hits = []
        for hit in shown:
            stored = hit.fields()
            hits.append(
                Hit(
                    id=stored.get("id", ""),
                    title=stored.get("title", ""),
                    url=stored.get("url"),
                    source=stored.get("source"),
                    published=stored.get("published_iso"),
                    day=stored.get("day") or facets.UNDATED,
                    snippet=snippets.marked_snippet(stored.get("body", ""), terms, body_analyzer),
                    title_html=snippets.marked_title(stored.get("title", ""), terms, title_analyzer),
                    score=round(hit.score, 4) if request.sort == "relevance" and hit.score else None,
                )
            )
        return hits

    def _correction(self, reader, fieldname: str, word: str, seen: int) -> str | None:
        """_nearest_frequent_word, remembered: the automaton walk costs ~10 ms per word and segment."""
        if word in self._corrections:
            return self._corrections.get(word)  # another thread may have just cleared it: then None
        best = _nearest_frequent_word(reader, fieldname, word, seen)
        if len(self._corrections) >= CORRECTION_CACHE_SIZE:
            self._corrections.clear()
        self._corrections[word] = best
        return best

    def _suggest(self, searcher: Searcher, request: SearchRequest, total: int) -> dict | None:
        """A corrected query when some word is rare in the index, a far more frequent word is one or two
        edits away, and the corrected query finds more articles with every word than `total`."""
        reader = searcher.reader()
        spelled = self.schema["body"].spelling_fieldname("body")  # where the unstemmed words are
        corrected = request.q
        rare = max(RARE_WORD_DOCS, reader.doc_count() // 5000)
        for match in _WORD.finditer(request.q):
            if match.group(1) in _OPERATORS:
                continue
            word = match.group(1).lower()
            if word in stopwords():  # never "correct" a function word into a rare one (yang -> yani)
                continue
            seen = reader.doc_frequency(spelled, word)
            if seen <= rare and (best := self._correction(reader, spelled, word, seen)):
                corrected = re.sub(rf"(?<!\w){re.escape(match.group(1))}(?!\w)", best, corrected, count=1)
        if corrected == request.q:
            return None
        better = replace(request, q=corrected)
        if self.facet_counts(searcher, self.parse(corrected), better).total <= total:
            return None
        return {"q": corrected, "url": better.query_string()}


class SearchService:
    """Follows an index directory: each call checks its generation and reopens when a rebuild changed it."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        """The engine for the current generation; raises search.store's IndexMissingError and friends."""
        generation = current_generation(self.index_dir)
        with self._lock:
            if self._engine is not None and generation == self._generation:
                return self._engine
            old = self._engine
            load_stem_cache(self.index_dir / STEM_CACHE)  # warm stems make highlighting several times faster
            self._engine = Engine(open_current(self.index_dir))
            self._generation = generation
        if old is not None:
            old.close()
        return self._engine

    def search(self, request: SearchRequest) -> SearchResponse:
        engine, generation = self.engine(), self._generation
        # Files damaged since the generation was opened: IndexMissingError (a 503) before Whoosh reads them;
        # reading a truncated memory-mapped segment would kill the server with SIGBUS.
        check_generation(self.index_dir, generation)
        return engine.search(request)
