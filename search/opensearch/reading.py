"""What a server needs of a cluster: follow the alias, search one physical index, report statistics."""

from __future__ import annotations

import re
from collections.abc import Iterable

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError
from whoosh.query import Query

from search import facets
from search.acronyms import Definitions, decode, trusted
from search.backend import StoredHit
from search.opensearch.cluster import ACRONYMS_META, TERMS_FIELD, ClusterAddress, answering
from search.opensearch.dsl import compile_query, date_choice, filters, term_choices
from search.opensearch.layout import check_meta, physical_index, read_meta
from search.request import SearchRequest
from search.schema import make_schema
from search.store import IndexMissingError

MAX_BUCKETS = 10_000  # outlets or days a facet can list: far above any real archive's
STORED_FIELDS = ["id", "title", "url", "source", "published_iso", "day", "body", "cluster"]
MAX_CLUSTER_MEMBERS = 1000  # articles listed per story: far above the largest cluster of copies
# Distinct stories counted exactly up to this many (OpenSearch's cardinality is approximate above it).
EXACT_STORIES = 40_000
GRANULARITY_FIELD = {facets.YEAR: "year", facets.MONTH: "month", facets.DAY: "day"}
NEAR_WORDS = 50  # candidates the term suggester returns per word
MAX_REMEMBERED_WORDS = 100_000


class ClusterLocation:
    """An alias on an OpenSearch cluster, written by search/opensearch/writing.py."""

    def __init__(self, location: str) -> None:
        self.address = ClusterAddress.parse(location)
        self.client = self.address.connect()

    def generation(self) -> str | None:
        """The physical index the alias points to: one small request per call."""
        with answering(self.address):
            return physical_index(self.client, self.address.alias)

    def open(self) -> tuple[str, ClusterBackend]:
        name = self.generation()
        if name is None:
            raise IndexMissingError(
                f"no search index at {self.address}: build one with "
                f"`python indexer.py build --index {self.address} PATH...`"
            )
        with answering(self.address):
            meta = check_meta(self.client, self.address, name)
            return name, ClusterBackend(self.client, self.address, name, decode(meta.get(ACRONYMS_META)))

    def stats(self) -> dict:
        return self.open()[1].stats()


class ClusterBackend:
    """Answers for one physical index; the client is thread-safe, so one backend serves every thread."""

    def __init__(
        self, client: OpenSearch, address: ClusterAddress, index: str, acronyms: Definitions | None = None
    ) -> None:
        self.client = client
        self._acronyms = acronyms or {}
        self.address = address
        self.index = index
        self.schema = make_schema()
        self._frequencies: dict[str, int] = {}
        with answering(address):
            self._doc_count = int(client.count(index=index)["count"])
        outlets = {"size": 0, "aggs": {"o": {"terms": {"field": "source", "size": MAX_BUCKETS}}}}
        self._sources = sorted(_buckets(self._search(outlets)["aggregations"]["o"]))
        newest = {
            "size": 1,
            "_source": ["published_iso"],
            "query": {"exists": {"field": "published"}},
            "sort": [{"published": "desc"}],
        }
        hits = self._search(newest)["hits"]["hits"]
        self._newest = hits[0]["_source"].get("published_iso") if hits else None

    def _search(self, body: dict, ranked: bool = False) -> dict:
        """`ranked`: score with the whole index's term statistics, not each shard's own (a shard holding
        more of a word's articles would rank them lower), so both engines rank alike."""
        params = {"search_type": "dfs_query_then_fetch"} if ranked else {}
        with answering(self.address):
            try:
                return self.client.search(index=self.index, body=body, params=params)
            except NotFoundError:  # a rebuild removed this index between our reads: the next request reopens
                raise IndexMissingError(f"the index {self.index} behind {self.address} is gone") from None

    def warm_up(self, wait: bool = False) -> None:
        """Nothing to read ahead: the cluster keeps its own caches."""

    def close(self) -> None:
        """Nothing to release: the client's connections are shared by the location."""

    def sources(self) -> list[str]:
        return self._sources

    def newest_published(self) -> str | None:
        return self._newest

    def acronym_definitions(self) -> Definitions:
        return self._acronyms

    def completions(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        """A terms aggregation over the articles that have such a title word, keeping only those words."""
        body = {
            "size": 0,
            "query": {"prefix": {"title_words": prefix}},
            "aggs": {
                "w": {
                    "terms": {
                        "field": "title_words",
                        "include": f"{re.escape(prefix)}.*",
                        "size": limit,
                        "order": [{"_count": "desc"}, {"_key": "asc"}],
                    }
                }
            },
        }
        return list(_buckets(self._search(body)["aggregations"]["w"]).items())

    def doc_count(self) -> int:
        return self._doc_count

    def word_frequencies(self, words: Iterable[str]) -> dict[str, int]:
        """Exact document frequencies, one multi-search for the words not asked before."""
        wanted = sorted(set(words) - self._frequencies.keys())
        if wanted:
            lines: list[dict] = []
            for word in wanted:
                query = {"term": {TERMS_FIELD["body"]: word}}
                lines += [{}, {"size": 0, "track_total_hits": True, "query": query}]
            with answering(self.address):
                answers = self.client.msearch(index=self.index, body=lines)["responses"]
            if len(self._frequencies) > MAX_REMEMBERED_WORDS:
                self._frequencies.clear()
            for word, answer in zip(wanted, answers, strict=True):
                self._frequencies[word] = answer["hits"]["total"]["value"] if "hits" in answer else 0
        return {word: self._frequencies.get(word, 0) for word in words}

    def words_near(self, word: str, maxdist: int, prefix: int) -> set[str]:
        """The term suggester over the body's lexicon (stems and surface forms)."""
        suggest = {
            "text": word,
            "term": {
                "field": TERMS_FIELD["body"],
                "suggest_mode": "always",
                "max_edits": maxdist,
                "prefix_length": prefix,
                "min_word_length": 1,
                "size": NEAR_WORDS,
                "max_term_freq": 0.99,  # a share of the articles (1.0 would mean one article a shard)
            },
        }
        answer = self._search({"size": 0, "suggest": {"near": suggest}})
        near = set()
        for entry in answer["suggest"]["near"]:
            for option in entry["options"]:
                near.add(option["text"])
        return near

    def facet_counts(self, query: Query, request: SearchRequest) -> facets.FacetCounts:
        """One request: each facet's aggregation filters by every choice but its own."""
        scope, granularity = facets.date_scope(request.date)
        chosen_date = date_choice(request.date)
        terms = {
            name: {
                "filter": {"bool": {"filter": [chosen_date, *term_choices(request, leaving_out=name)]}},
                "aggs": {"b": {"terms": {"field": name, "size": MAX_BUCKETS}}},
            }
            for name in facets.TERM_FACETS
        }
        body = {
            "size": 0,
            "track_total_hits": False,
            "query": {"bool": {"must": [compile_query(query, self.schema)], "filter": filters(request)}},
            "aggs": {
                "dates": {
                    "filter": {"bool": {"filter": [*term_choices(request), date_choice(scope or None)]}},
                    "aggs": {"b": {"terms": {"field": GRANULARITY_FIELD[granularity], "size": MAX_BUCKETS}}},
                },
                **terms,
                "total": {
                    "filter": {"bool": {"filter": [chosen_date, *term_choices(request)]}},
                    "aggs": {
                        "stories": {"cardinality": {"field": "cluster", "precision_threshold": EXACT_STORIES}}
                    },
                },
            },
        }
        aggs = self._search(body)["aggregations"]
        return facets.FacetCounts(
            date=_buckets(aggs["dates"]["b"]),
            terms={
                name: {key: count for key, count in _buckets(aggs[name]["b"]).items() if key}
                for name in facets.TERM_FACETS
            },
            total=aggs["total"]["doc_count"],
            stories=aggs["total"]["stories"]["value"],
        )

    def hits(self, query: Query, request: SearchRequest, counts: facets.FacetCounts) -> list[StoredHit]:
        choices = [date_choice(request.date), *term_choices(request)]
        body: dict = {
            "from": (request.page - 1) * request.per_page,
            "size": request.per_page,
            "_source": STORED_FIELDS,
            "query": {
                "bool": {"must": [compile_query(query, self.schema)], "filter": filters(request) + choices}
            },
        }
        if request.sort != "relevance":
            order = "desc" if request.sort == "newest" else "asc"
            body["sort"] = [{"published": {"order": order, "missing": "_last"}}, {"id": "asc"}]
        if request.collapse:
            body["collapse"] = {"field": "cluster"}
        answer = self._search(body, ranked=request.sort == "relevance")
        return [StoredHit(hit["_source"], hit.get("_score")) for hit in answer["hits"]["hits"]]

    def cluster_members(self, clusters: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        wanted = list(clusters)
        members: dict[str, list[tuple[str, str]]] = {cluster: [] for cluster in wanted}
        if wanted:
            body = {
                "size": MAX_CLUSTER_MEMBERS,
                "_source": ["id", "source", "cluster"],
                "query": {"terms": {"cluster": wanted}},
                "sort": [{"id": "asc"}],
            }
            for hit in self._search(body)["hits"]["hits"]:
                found = hit["_source"]
                members[found["cluster"]].append((found["id"], found.get("source", "")))
        return members

    def stored(self, article_id: str) -> dict | None:
        body = {"size": 1, "_source": STORED_FIELDS, "query": {"term": {"id": article_id}}}
        hits = self._search(body)["hits"]["hits"]
        return hits[0]["_source"] if hits else None

    def body_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        """The body's terms field holds stems and surface forms alike: the vocabulary's counts serve."""
        return self.word_frequencies(terms)

    def stats(self) -> dict:
        """The same report as the Whoosh engine's index_stats, read from the cluster."""
        body = {
            "size": 0,
            "track_total_hits": True,
            "aggs": {
                **{
                    f"per_{name}": {"terms": {"field": name, "size": MAX_BUCKETS, "missing": "none"}}
                    for name in facets.TERM_FACETS
                },
                "undated": {"filter": {"term": {"day": facets.UNDATED}}},
                **{
                    end: {
                        "top_hits": {"size": 1, "sort": [{"published": order}], "_source": ["published_iso"]}
                    }
                    for end, order in (("first", "asc"), ("last", "desc"))
                },
            },
        }
        answer = self._search(body)
        aggs = answer["aggregations"]
        with answering(self.address):
            meta = read_meta(self.client, self.index)
            store = self.client.indices.stats(index=self.index, metric="store")
        return {
            "index": str(self.address),
            "generation": self.index,
            "articles": answer["hits"]["total"]["value"],
            "per_source": _buckets(aggs["per_source"]),
            "per_category": _buckets(aggs["per_category"]),
            "without_date": aggs["undated"]["doc_count"],
            **{
                f"{end}_published": next(
                    (hit["_source"].get("published_iso") for hit in aggs[end]["hits"]["hits"]), None
                )
                for end in ("first", "last")
            },
            "size_bytes": store["_all"]["primaries"]["store"]["size_in_bytes"],
            "acronyms_mined": len(trusted(decode(meta.get(ACRONYMS_META)))),
            "schema_version": meta.get("schema_version"),
            "analyzer_version": meta.get("analyzer_version"),
            "last_build": meta.get("last_build"),
            "last_update": meta.get("last_update"),
        }


def _buckets(terms: dict) -> dict[str, int]:
    return {bucket["key"]: bucket["doc_count"] for bucket in terms["buckets"]}
