"""Ranked search over any engine: parse, filter, sort, page, facet, snippet and suggest.

`Engine` answers `SearchRequest`s with `SearchResponse`s (search/request.py) over one opened version of an
index, through the engine seam (search/backend.py); `SearchService` follows an index location and swaps in
a new `Engine` when a rebuild publishes a new version, so a server keeps answering during and after a
rebuild without a restart. Each `Engine` remembers its latest answers: an index version never changes, so
an answer stays true until the next version, whose new `Engine` starts with none.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import replace
from functools import partial

from whoosh import qparser
from whoosh.analysis import Analyzer
from whoosh.fields import Schema
from whoosh.query import AndMaybe, Every, NullQuery, Or, Phrase, Query, Term

from search import facets, snippets
from search.acronyms import AcronymTable, either_form
from search.backend import IndexLocation, SearchBackend, StoredHit
from search.request import Hit, SearchRequest, SearchResponse
from search.shared_answers import SharedAnswers
from search.spelling import Corrector, is_strong_correction
from search.typos import TolerancePlugin, Variants

PARTIAL_NOTE = "Tidak ada artikel yang memuat semua kata; ditampilkan artikel yang memuat sebagian kata."
COMMON_WORDS_NOTE = (
    'Kata kunci hanya berisi kata umum (seperti "yang", "dan", "di") yang tidak diindeks; '
    "tambahkan kata yang lebih khusus."
)
NO_WORDS_NOTE = (
    "Kata kunci tidak berisi kata yang bisa dicari, hanya tanda baca atau operator; "
    "ketik kata yang dicari, misalnya: banjir."
)
EXCLUSIONS_ONLY_NOTE = (
    "Kata kunci hanya berisi pengecualian (-kata atau NOT kata); tambahkan kata yang dicari, "
    "misalnya: banjir -jakarta."
)
FACET_CACHE_SIZE = 128
ANSWER_CACHE_SIZE = 1024  # answers kept per index version (a page of ten hits is about 10 kB)
COMPLETIONS = 8  # suggestions offered as a reader types
COMPLETION_CACHE_SIZE = 4096
MIN_COMPLETION_PREFIX = 2  # letters typed before completions are looked up
SUGGEST_BELOW = 5  # propose a correction the evidence does not carry only when the query finds fewer
# Proximity: the words of a plain query found within NEAR_SLOP positions of each other, in order, in the
# title or the body, add NEAR_BOOST times their scores there (bench/eval_ranking.py measured the values).
NEAR_SLOP = 4
NEAR_BOOST = 0.05
_PLAIN_WORD = r"(?!(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b)\w[\w-]*"
_PLAIN_WORDS = re.compile(rf"\s*{_PLAIN_WORD}(?:\s+{_PLAIN_WORD})+\s*")


def _make_parser(schema, group, tolerance: TolerancePlugin | None) -> qparser.QueryParser:
    """Title and body, with "phrase", -exclude, OR/AND/NOT, title:/source: (and judul:/sumber:), and with
    `tolerance` the frequent near spellings of uncommon words (search/typos.py).

    Wildcards and ranges are off: they would run against stems and surprise a reader.
    """
    parser = qparser.MultifieldParser(["title", "body"], schema, group=group)
    parser.remove_plugin_class(qparser.WildcardPlugin)
    parser.remove_plugin_class(qparser.RangePlugin)
    # + and - only at the start of a word: "anak-anak" and "covid-19" are words, not "anak NOT anak"
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<!\S)\+", minusexpr=r"(?<!\S)-"))
    parser.add_plugin(qparser.FieldAliasPlugin({"title": ["judul"], "source": ["sumber", "media"]}))
    if tolerance is not None:
        parser.add_plugin(tolerance)
    return parser


def _analyzer(schema: Schema, fieldname: str) -> Analyzer:
    analyzer = schema[fieldname].analyzer
    if analyzer is None:
        raise ValueError(f"the {fieldname} field must be analysed text")
    return analyzer


_LEADING_OPERATORS = re.compile(r"^(?:(?:AND|OR|ANDNOT|ANDMAYBE)(?:\s+|$))+")
_TRAILING_OPERATORS = re.compile(r"(?:(?:^|\s+)(?:AND|OR|NOT|ANDNOT|ANDMAYBE))+$")
_EXCLUSION = re.compile(r'(?:(?<!\S)-|\bNOT\s+)(?:"[^"]*"?|\S+)')


# Compounds written closed and open in the news ("sepakbola" and "sepak bola"): a query in either spelling
# searches both.
COMPOUNDS = {
    "sepakbola": "sepak bola",
    "bulutangkis": "bulu tangkis",
    "kerjasama": "kerja sama",
    "tanggungjawab": "tanggung jawab",
    "tandatangan": "tanda tangan",
    "orangtua": "orang tua",
    "olahraga": "olah raga",
}
_COMPOUND = re.compile(
    r'"([^"]*)"|\b('
    + "|".join(
        alternative
        for closed, open_ in COMPOUNDS.items()
        for alternative in (re.escape(closed), r"\s+".join(map(re.escape, open_.split())))
    )
    + r")\b",
    re.IGNORECASE,
)


def both_compound_spellings(text: str) -> str:
    """Each compound of COMPOUNDS, closed or open, unquoted or quoted alone, as "either spelling":
    'sepak bola piala' -> '(sepakbola OR "sepak bola") piala'."""

    def either(match: re.Match[str]) -> str:
        written = match.group(1) if match.group(1) is not None else match.group(2)
        closed = re.sub(r"\s+", "", written).lower()
        if closed not in COMPOUNDS:
            return match.group(0)  # a quoted phrase that is not one of the compounds
        return f'({closed} OR "{COMPOUNDS[closed]}")'

    return _COMPOUND.sub(either, text)


def drop_dangling_operators(text: str) -> str:
    """Without an AND/OR at the start or an AND/OR/NOT at the end, which join nothing: the parser would
    search them as the words "and", "or", "not" (English text has them). A leading NOT is an exclusion."""
    return _TRAILING_OPERATORS.sub("", _LEADING_OPERATORS.sub("", text.strip())).strip()


def unsearchable_note(text: str) -> str | None:
    """Why `text` (dangling operators dropped) can find nothing, when it is its form that says so: no
    letter or digit at all ("*", "((((", ":"), or only exclusions ("-banjir", "NOT hutan")."""
    if not re.search(r"\w", text):
        return NO_WORDS_NOTE
    if not re.search(r"\w", drop_dangling_operators(_EXCLUSION.sub(" ", text))):
        return EXCLUSIONS_ONLY_NOTE
    return None


def _toggle(request: SearchRequest, name: str, values: tuple[str, ...]) -> str:
    """The query string of `request` with the facet `name` set to `values`."""
    return request.query_string(**{name: values})


def _as_typed(query: Query) -> bool:
    """True when no term of a parsed query carries a boost: typo tolerance (search/typos.py) adds variants
    with TOLERANT_BOOST, so without one the query is what parsing without tolerance gives."""
    return not any(isinstance(leaf, Term) and leaf.boost != 1.0 for leaf in query.leaves())


def _plain_words(text: str) -> str:
    """The query as bare words, for when the syntax makes no sense to the parser."""
    return " ".join(re.findall(r"\w+", text))


class Engine:
    """Answers search requests over one opened index version; safe to share between threads.

    Popular queries come again and again: the last `answer_cache_size` answers are kept (0 keeps none).
    A page shows one article per story unless the request or `collapse` (the default) says otherwise.
    """

    def __init__(
        self,
        backend: SearchBackend,
        generation: str | None = None,
        answer_cache_size: int = ANSWER_CACHE_SIZE,
        collapse: bool = True,
        expand_acronyms: bool = True,
        shared: SharedAnswers | None = None,
    ) -> None:
        self.backend = backend
        # Other processes' answers (search/shared_answers.py), when this one keeps answers at all.
        self.shared = shared if answer_cache_size else None
        self.collapse = collapse
        self.expand_acronyms = expand_acronyms  # for requests that do not say (SearchRequest.acronyms)
        self.acronyms = AcronymTable(backend.acronym_definitions())
        self.generation = generation  # the name of the index version this engine answers from
        self.schema = backend.schema
        self._analyzers = {name: _analyzer(self.schema, name) for name in ("title", "body")}
        variants = Variants(backend)
        self._parsers = {
            (group, tolerant): _make_parser(
                self.schema, grouping, TolerancePlugin(variants) if tolerant else None
            )
            for group, grouping in (("and", qparser.AndGroup), ("or", qparser.OrGroup.factory(0.9)))
            for tolerant in (True, False)
        }
        self._sources = backend.sources()
        self._corrector = Corrector(variants)
        self._lock = threading.Lock()
        self._facet_cache: OrderedDict[tuple, facets.FacetCounts] = OrderedDict()
        self._answer_cache_size = answer_cache_size
        self._answers: OrderedDict[SearchRequest, SearchResponse] = OrderedDict()
        self._completion_cache: dict[str, list[str]] = {}

    def close(self) -> None:
        self.backend.close()

    def analyzer(self, fieldname: str) -> Analyzer:
        """The analyser of the title or body field, as the index applied it."""
        return self._analyzers[fieldname]

    def parse(self, text: str, group: str = "and", acronyms: bool = False, tolerant: bool = True) -> Query:
        """The query for `text`: every word required ("and") or any word ("or"), with `acronyms` each
        acronym or long form also as the other (search/acronyms.py), uncommon words also matching their
        frequent near spellings unless not `tolerant`; never raises on syntax."""
        parser = self._parsers[group, tolerant]
        text = typed = drop_dangling_operators(text)
        text, expansions = self.acronyms.expand(text) if acronyms else (text, [])
        text = both_compound_spellings(text)
        try:
            query = parser.parse(text)
        except Exception:  # whoosh's parser can fail in many ways on odd input; plain words always work
            query = parser.parse(_plain_words(text))
        if expansions:
            query = either_form(query, expansions, self._stems)
        return self._rank_near_words_higher(query.accept(self._resolve_source), typed)

    def _stems(self, text: str) -> list[str]:
        """The words of `text` as a parsed phrase holds them (stems, no stop words)."""
        return [token.text for token in self._analyzers["body"](text, mode="query")]

    def _rank_near_words_higher(self, query: Query, typed: str) -> Query:
        """`query`, its matches that have the words of a plain query (`typed`: two words or more, no
        syntax) close together ranked higher: an optional sloppy phrase of their stems, title and body."""
        if not _PLAIN_WORDS.fullmatch(typed) or query is NullQuery:
            return query
        stems = self._stems(typed)
        if len(stems) < 2:
            return query
        near = [Phrase(field, stems, slop=NEAR_SLOP, boost=NEAR_BOOST) for field in ("title", "body")]
        return AndMaybe(query, Or(near))

    def _resolve_source(self, node: Query) -> Query:
        """source:kompas matches the outlet "Kompas.com": outlets are compared lowercased, by substring."""
        if isinstance(node, Term) and node.fieldname == "source":
            wanted = str(node.text).lower()
            found = [Term("source", name) for name in self._sources if wanted in name.lower()]
            if found:
                return found[0] if len(found) == 1 else Or(found)
        return node

    def source_name(self, value: str) -> str:
        """An outlet as the index spells it, whatever the case the user typed it in."""
        return next((name for name in self._sources if name.lower() == value.lower()), value)

    def facet_counts(self, query: Query, request: SearchRequest) -> facets.FacetCounts:
        """Date and outlet counts over all matches, cached per query and filters (paging reuses them)."""
        key = (
            repr(query),
            request.date_from,
            request.date_to,
            request.date,
            request.cluster,
            *request.term_choices().values(),
        )
        with self._lock:
            cached = self._facet_cache.get(key)
            if cached is not None:
                self._facet_cache.move_to_end(key)
                return cached
        counts = self.backend.facet_counts(query, request)
        with self._lock:
            self._facet_cache[key] = counts
            while len(self._facet_cache) > FACET_CACHE_SIZE:
                self._facet_cache.popitem(last=False)
        return counts

    def complete(self, text: str) -> list[str]:
        """Queries that complete what a reader is typing, from the index's titles: the last two words as
        the start of a title phrase ("kebakaran hu" -> "kebakaran hutan"), then the last word as the start
        of a title word ("keba" -> "kebakaran"), the words before kept as typed."""
        words = re.findall(r"[\w-]+", text.lower())
        if not words or len(words[-1]) < MIN_COMPLETION_PREFIX:
            return []
        key = " ".join(words)
        cached = self._completion_cache.get(key)
        if cached is not None:
            return cached
        found: list[str] = []
        if len(words) >= 2:
            head = " ".join(words[:-2])
            found += [
                f"{head} {phrase}".strip()
                for phrase, _ in self.backend.completions(" ".join(words[-2:]), COMPLETIONS)
            ]
        head = " ".join(words[:-1])
        found += [f"{head} {word}".strip() for word, _ in self.backend.completions(words[-1], COMPLETIONS)]
        completions = list(dict.fromkeys(found))[:COMPLETIONS]
        if len(self._completion_cache) >= COMPLETION_CACHE_SIZE:
            self._completion_cache.clear()
        self._completion_cache[key] = completions
        return completions

    def search(self, request: SearchRequest) -> SearchResponse:
        """The answer to `request`; without a query, the newest articles (browsing by the facets alone)."""
        started = time.perf_counter()
        request = replace(request, source=tuple(dict.fromkeys(map(self.source_name, request.source))))
        response = self._remembered(request)
        if response is None and self.shared is not None:
            response = self.shared.get(self.generation, request)
            if response is not None:
                self._remember(request, response)
        if response is None:
            response = self._answer(request) if request.q else self._browse(request)
            self._remember(request, response)
            if self.shared is not None:
                self.shared.put(self.generation, request, response)
        # A copy, so each caller sees its own took_ms while the cached answer stays as it was.
        return replace(response, took_ms=round((time.perf_counter() - started) * 1000, 2))

    def _browse(self, request: SearchRequest) -> SearchResponse:
        """No query: every article, newest first unless another order was asked for."""
        browsing = request if request.sort != "relevance" else replace(request, sort="newest")
        return self._answer_with(Every(), browsing, SearchResponse(request=browsing))

    def _remembered(self, request: SearchRequest) -> SearchResponse | None:
        with self._lock:
            response = self._answers.get(request)
            if response is not None:
                self._answers.move_to_end(request)
            return response

    def _remember(self, request: SearchRequest, response: SearchResponse) -> None:
        if not self._answer_cache_size:
            return
        with self._lock:
            self._answers[request] = response
            while len(self._answers) > self._answer_cache_size:
                self._answers.popitem(last=False)

    def _answer(self, request: SearchRequest) -> SearchResponse:
        response = SearchResponse(request=request)
        response.note = unsearchable_note(drop_dangling_operators(request.q))
        if response.note:
            return response
        acronyms = self._acronyms_on(request)
        widened = self.parse(request.q, acronyms=acronyms)
        as_typed = widened if _as_typed(widened) else self.parse(request.q, acronyms=acronyms, tolerant=False)
        if as_typed is NullQuery:  # nothing left after stop words and operators: say so, suggest nothing
            response.note = COMMON_WORDS_NOTE
            return response
        text = request.q
        typed_total = self.facet_counts(as_typed, request).total
        corrected = None if request.as_typed else self._correction(request, typed_total)
        if corrected is not None:
            if corrected[1]:
                text = response.query_used = corrected[0]
                response.correction = {"q": text, "as_typed_url": request.query_string(as_typed=True)}
            elif typed_total < SUGGEST_BELOW:
                response.suggestion = {
                    "q": corrected[0],
                    "url": replace(request, q=corrected[0]).query_string(),
                }
        if acronyms:
            response.acronyms = self.acronyms.expand(drop_dangling_operators(text))[1]
        query = widened if text == request.q else self.parse(text, acronyms=acronyms)
        return self._answer_with(query, request, response, text)

    def _answer_with(
        self, query: Query, request: SearchRequest, response: SearchResponse, text: str = ""
    ) -> SearchResponse:
        """The page of `query` (parsed from `text`; with nothing found, any of its words) under `request`."""
        counts = self.facet_counts(query, request)
        if counts.total == 0 and text:
            loose = self.parse(text, "or", self._acronyms_on(request))
            if loose != query:
                loose_counts = self.facet_counts(loose, request)
                if loose_counts.total:
                    query, counts, response.note = loose, loose_counts, PARTIAL_NOTE
        response.total, response.stories = counts.total, counts.stories
        collapse = self.collapse if request.collapse is None else request.collapse
        response.collapsed = collapse and not request.cluster
        response.facets = {
            "date": facets.date_facet_items(counts, request.date, lambda v: request.query_string(date=v)),
            **{
                name: facets.term_facet_items(
                    counts.terms[name],
                    chosen,
                    partial(_toggle, request, name),
                    facets.TERM_LABELS[name],
                )
                for name, chosen in request.term_choices().items()
            },
        }
        response.date_trail = facets.date_trail(request.date, lambda v: request.query_string(date=v))
        response.date_ranges = facets.quick_date_ranges(
            self.backend.newest_published(),
            (request.date_from, request.date_to),
            lambda start, end: request.query_string(date_from=start, date_to=end),
        )
        if response.shown_total > (request.page - 1) * request.per_page:
            response.results = self.matching_hits(
                query, replace(request, collapse=response.collapsed), counts
            )
        return response

    def _acronyms_on(self, request: SearchRequest) -> bool:
        return self.expand_acronyms if request.acronyms is None else request.acronyms

    def matching_hits(
        self, query: Query, request: SearchRequest, counts: facets.FacetCounts | None = None
    ) -> list[Hit]:
        """The requested page, each hit's title and snippet with the query's words marked, and the other
        articles of its story counted with their outlets."""
        terms = snippets.highlight_terms(query)
        counts = counts or self.facet_counts(query, request)
        hits = [self._hit(stored, request, terms) for stored in self.backend.hits(query, request, counts)]
        members = self.backend.cluster_members({hit.cluster for hit in hits if hit.cluster})
        for hit in hits:
            others = [source for member, source in members.get(hit.cluster or "", []) if member != hit.id]
            hit.similar = len(others)
            hit.similar_sources = sorted({source for source in others if source})
        return hits

    def _hit(self, stored: StoredHit, request: SearchRequest, terms: frozenset[str]) -> Hit:
        fields = stored.fields
        return Hit(
            id=fields.get("id", ""),
            title=fields.get("title", ""),
            url=fields.get("url"),
            source=fields.get("source"),
            published=fields.get("published_iso"),
            day=fields.get("day") or facets.UNDATED,
            snippet=snippets.marked_snippet(fields.get("body", ""), terms, self._analyzers["body"]),
            title_html=snippets.marked_title(fields.get("title", ""), terms, self._analyzers["title"]),
            score=round(stored.score, 4) if request.sort == "relevance" and stored.score else None,
            cluster=fields.get("cluster"),
        )

    def _correction(self, request: SearchRequest, typed_total: int) -> tuple[str, bool] | None:
        """A corrected query when a far more frequent word is a slip away from some word (search/typos.py),
        and the corrected query finds more articles with every word than the `typed_total` of the query as
        typed; and whether the evidence is strong enough to show its results at once."""

        def found(text: str) -> int:
            return self.facet_counts(self.parse(text, tolerant=False), request).total

        corrected = self._corrector.correct(request.q, found)
        if corrected == request.q or (total := found(corrected)) <= typed_total:
            return None
        return corrected, is_strong_correction(typed_total, total) and not self._in_titles(
            request.q, corrected
        )

    def _in_titles(self, typed: str, corrected: str) -> bool:
        """True when a word the correction replaces heads an article as typed: a rare name readers look
        for ("Wiryanto" is not "Wiranto"), which headlines, checked more carefully than bodies, spell."""
        replaced = set(re.findall(r"\w+", typed.lower())) - set(re.findall(r"\w+", corrected.lower()))
        if not replaced:
            return False
        titled = Or([Term("title", word) for word in sorted(replaced)])
        return self.backend.facet_counts(titled, SearchRequest()).total > 0


class SearchService:
    """Follows an index location: each call checks its version and reopens when a rebuild changed it."""

    def __init__(
        self,
        location: IndexLocation,
        answer_cache_size: int = ANSWER_CACHE_SIZE,
        collapse: bool = True,
        expand_acronyms: bool = True,
        shared: SharedAnswers | None = None,
    ) -> None:
        self.location = location
        self.shared = shared
        self.answer_cache_size = answer_cache_size
        self.collapse = collapse
        self.expand_acronyms = expand_acronyms
        self._lock = threading.Lock()
        self._engine: Engine | None = None

    def engine(self) -> Engine:
        """The engine for the current version; raises search.store's SearchIndexError and its kinds."""
        generation = self.location.generation()
        with self._lock:
            if self._engine is not None and generation == self._engine.generation:
                return self._engine
            old = self._engine
            opened, backend = self.location.open()
            backend.warm_up()
            self._engine = Engine(
                backend,
                opened,
                self.answer_cache_size,
                collapse=self.collapse,
                expand_acronyms=self.expand_acronyms,
                shared=self.shared,
            )
        if old is not None:
            old.close()
        return self._engine

    def search(self, request: SearchRequest) -> SearchResponse:
        return self.engine().search(request)

    def complete(self, text: str) -> list[str]:
        return self.engine().complete(text)
