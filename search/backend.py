"""The engine seam: what the query path needs from a search engine, and where an index lives.

Two engines implement it: Whoosh, an index folder on this machine (search/whoosh_backend.py), and an
OpenSearch cluster (search/opensearch/), chosen by the index location a user gives: a folder, or a URL
whose path names the alias ("http://127.0.0.1:9200/berita"). Everything above the seam (request
validation, query parsing and analysis, did-you-mean, snippets, facet items, the page and the JSON) is
shared: both engines receive the same parsed query, a tree of Whoosh query objects whose terms our
analyser produced, and answer with the same counts and stored fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from whoosh.fields import Schema
from whoosh.query import Query

from search.acronyms import Definitions
from search.facets import FacetCounts
from search.request import SearchRequest
from search.spelling import Vocabulary


@dataclass(frozen=True)
class StoredHit:
    """One ranked article: its stored fields (id, title, url, source, published_iso, day, body, cluster)
    and score."""

    fields: dict
    score: float | None


class SearchBackend(Vocabulary, Protocol):
    """One opened, immutable version of an index (a Whoosh generation, an OpenSearch physical index); as a
    Vocabulary it also serves did-you-mean."""

    schema: Schema  # the fields and analysers queries are parsed with

    def sources(self) -> list[str]:
        """Every outlet in the index, as spelt there."""
        ...

    def completions(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """Title words and two-word phrases (schema.title_words) that start with `prefix`, each with the
        number of articles whose title has it, the most frequent first."""
        ...

    def acronym_definitions(self) -> Definitions:
        """The acronym definitions mined from the articles when this version was written."""
        ...

    def newest_published(self) -> str | None:
        """The stored publication time of the newest dated article ("2019-09-30T23:10:00+07:00")."""
        ...

    def facet_counts(self, query: Query, request: SearchRequest) -> FacetCounts:
        """Date and outlet counts over every match of `query` under the request's filters and choices."""
        ...

    def hits(self, query: Query, request: SearchRequest, counts: FacetCounts) -> list[StoredHit]:
        """The request's page of matches, ranked or sorted as asked, only the best of each story (cluster)
        when `request.collapse`; `counts` came from facet_counts (their `stories` count the pages then)."""
        ...

    def cluster_members(self, clusters: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """(id, outlet) of every article of each story, whether it matches a query or not."""
        ...

    def stored(self, article_id: str) -> dict | None:
        """The stored fields of one article (as StoredHit.fields), None when the index has no such id."""
        ...

    def body_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """How many articles have each analysed term (a stem or a surface form) in their body."""
        ...

    def warm_up(self, wait: bool = False) -> None:
        """Start reading ahead what the first searches would read (Whoosh: the postings of the most frequent
        words), once; with `wait`, return when it is done. Nothing to do where the engine is a server."""
        ...

    def close(self) -> None: ...


class IndexLocation(Protocol):
    """Where an index lives: a server asks for the generation on every request and reopens on a change."""

    def generation(self) -> str | None:
        """The name of the version readers should use now (None: nothing built yet); cheap to call."""
        ...

    def open(self) -> tuple[str, SearchBackend]:
        """The current version's name and a backend over it; raises search.store.SearchIndexError."""
        ...

    def stats(self) -> dict:
        """Counts, dates, size and build history of the current version, as JSON-ready data."""
        ...


def is_cluster_url(location: str) -> bool:
    """True when `location` names an OpenSearch alias by URL rather than an index folder."""
    return location.lower().startswith(("http://", "https://"))


def open_location(location: str) -> IndexLocation:
    """The index at `location`: a folder (Whoosh) or an OpenSearch URL whose path is the alias."""
    if is_cluster_url(location):
        from search.opensearch.reading import ClusterLocation

        return ClusterLocation(location)
    from search.whoosh_backend import FolderLocation

    return FolderLocation(location)
