"""What a search asks for and what it answers: the contract between the query path and its callers.

`SearchRequest.from_params` validates what a user sent (a web form, a JSON API call) and raises
`InvalidRequest` with a message for a person; `SearchResponse.to_json` is the JSON API's answer, and the
page renders the same object.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from search import facets
from search.acronyms import Expansion

SORTS = {"relevance": "relevansi", "newest": "terbaru", "oldest": "terlama"}
DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100
MAX_PAGE = 1000
MAX_QUERY_CHARS = 500


_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]+")


def clean_query(text: str) -> str:
    """`text` without control characters (a NUL, a tab, a newline), each run becoming one space: a NUL
    pasted between two words must not join them into one odd token, nor reach the page."""
    return _CONTROL_CHARACTERS.sub(" ", text).strip()


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


_SWITCH = {
    "1": True,
    "true": True,
    "ya": True,
    "on": True,
    "0": False,
    "false": False,
    "tidak": False,
    "off": False,
}


def _switch(params: Mapping[str, str], name: str) -> bool | None:
    """A yes/no parameter: "1"/"true"/"ya"/"on", "0"/"false"/"tidak"/"off", or None when absent."""
    raw = (params.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw not in _SWITCH:
        raise InvalidRequest(f"Parameter '{name}' harus 1 atau 0, bukan {raw[:40]!r}.")
    return _SWITCH[raw]


def _values(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Every value given for `name` ("source=A&source=B"), stripped, without blanks or repeats."""
    raw = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    return tuple(dict.fromkeys(value.strip() for value in raw if value and value.strip()))


@dataclass(frozen=True)
class SearchRequest:
    """What to search for and how to show it. `date` is the date facet's drill-down: "2019", "2019-09",
    "2019-09-10" or "none" (undated); `date_from`/`date_to` are an inclusive range of days; `source` and
    `category` hold the chosen outlets and categories (any of them matches), categories as facets.category_key
    spells them. An empty `q` browses: every article, newest first unless another sort is asked for.
    `collapse` shows one article per story (None: as the server is set up); `cluster` lists one story's
    articles (search/duplicates.py), never collapsed. `acronyms` turns the acronym expansion
    (search/acronyms.py) on or off; None leaves it to the server."""

    q: str = ""
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    date_from: date | None = None
    date_to: date | None = None
    source: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    date: str | None = None
    sort: str = "relevance"
    collapse: bool | None = None
    cluster: str | None = None
    acronyms: bool | None = None
    as_typed: bool = False  # no automatic spelling correction: the "Telusuri <as typed> saja" link

    @classmethod
    def from_params(cls, params: Mapping[str, str]) -> SearchRequest:
        q = clean_query(params.get("q") or "")
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
            q=q,
            page=_positive_int(params, "page", 1, MAX_PAGE),
            per_page=_positive_int(params, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
            date_from=date_from,
            date_to=date_to,
            source=_values(params, "source"),
            category=tuple(
                dict.fromkeys(facets.category_key(value) for value in _values(params, "category"))
            ),
            date=drill,
            sort=sort,
            collapse=_switch(params, "collapse"),
            cluster=(params.get("cluster") or "").strip()[:MAX_QUERY_CHARS] or None,
            acronyms=_switch(params, "acronyms"),
            as_typed=bool(_switch(params, "as_typed")),
        )

    def term_choices(self) -> dict[str, tuple[str, ...]]:
        """The chosen values of each term facet (facets.TERM_FACETS)."""
        return {"source": self.source, "category": self.category}

    def to_params(self) -> list[tuple[str, str]]:
        """The parameters that differ from the defaults, in the names `from_params` reads."""
        values = [
            ("q", self.q),
            ("date", self.date),
            *(("source", value) for value in self.source),
            *(("category", value) for value in self.category),
            ("from", self.date_from.isoformat() if self.date_from else None),
            ("to", self.date_to.isoformat() if self.date_to else None),
            ("sort", None if self.sort == "relevance" else self.sort),
            ("collapse", None if self.collapse is None else str(int(self.collapse))),
            ("cluster", self.cluster),
            ("acronyms", None if self.acronyms is None else str(int(self.acronyms))),
            ("per_page", None if self.per_page == DEFAULT_PER_PAGE else str(self.per_page)),
            ("page", None if self.page == 1 else str(self.page)),
            ("as_typed", "1" if self.as_typed else None),
        ]
        return [(name, value) for name, value in values if value]

    def query_string(self, **changes) -> str:
        """The "?q=..." of this request with `changes`; any change but the page goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        return "?" + urlencode(replace(self, **changes).to_params())


def web_url(url: str | None) -> str | None:
    """The URL when it is a web address: a "javascript:" URL in the data must never become a link."""
    return url if url and url.lower().startswith(("http://", "https://")) else None


@dataclass
class Hit:
    """One result: `title` is plain text; `title_html` and `snippet` are escaped HTML, matches in <mark>.
    `similar` counts the other articles of its story (`cluster`), `similar_sources` their outlets."""

    id: str
    title: str
    url: str | None
    source: str | None
    published: str | None
    day: str
    snippet: str
    title_html: str
    score: float | None
    cluster: str | None = None
    similar: int = 0
    similar_sources: list[str] = field(default_factory=list)

    @property
    def web_url(self) -> str | None:
        return web_url(self.url)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "title_html": self.title_html,
            "url": self.url,
            "source": self.source,
            "published": self.published,
            "snippet": self.snippet,
            "score": self.score,
            "cluster": self.cluster,
            "similar": self.similar,
            "similar_sources": self.similar_sources,
        }


@dataclass
class SearchResponse:
    """`total` counts matching articles and `stories` their distinct stories; with `collapsed`, a page
    shows one article per story and pages run over stories. Facets always count articles."""

    request: SearchRequest
    total: int = 0
    stories: int = 0
    collapsed: bool = False
    results: list[Hit] = field(default_factory=list)
    facets: dict[str, list[dict]] = field(
        default_factory=lambda: {"date": [], **{name: [] for name in facets.TERM_FACETS}}
    )
    date_trail: list[dict] = field(default_factory=list)
    date_ranges: list[dict] = field(default_factory=list)
    suggestion: dict | None = None  # did you mean: {"q", "url"}, when the evidence is weak
    correction: dict | None = None  # applied at once: {"q", "as_typed_url"}, when the evidence is strong
    query_used: str | None = None  # the query whose results are shown, when it is not the one typed
    note: str | None = None
    acronyms: list[Expansion] = field(default_factory=list)  # the expansions the query was searched with
    took_ms: float = 0.0

    @property
    def shown_total(self) -> int:
        """What the pages run over: stories when collapsed, else articles."""
        return self.stories if self.collapsed else self.total

    @property
    def page_count(self) -> int:
        return -(-self.shown_total // self.request.per_page)

    def to_json(self) -> dict:
        return {
            "query": self.request.q,
            "query_used": self.query_used or self.request.q,
            "total": self.total,
            "stories": self.stories,
            "collapsed": self.collapsed,
            "facets_count": "articles",
            "page": self.request.page,
            "per_page": self.request.per_page,
            "results": [hit.to_json() for hit in self.results],
            "facets": self.facets,
            "date_trail": self.date_trail,
            "date_ranges": self.date_ranges,
            "suggestion": self.suggestion,
            "correction": self.correction,
            "acronyms": [expansion.to_json() for expansion in self.acronyms],
            "note": self.note,
            "took_ms": self.took_ms,
        }
