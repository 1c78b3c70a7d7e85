"""Builds and updates on a cluster, the OpenSearch way.

A build writes a new physical index (no replicas and no refreshes while loading, bulk requests sized for
throughput), checks that every article arrived, then moves the alias to it in one atomic `_aliases` request:
searches never see a half-built index. A build that dies leaves the alias where it was; its index is removed
by the next build. An update writes into the index the alias points to, replacing an article already there
by id or by normalised URL, as the Whoosh engine does. One writer at a time: the lock is an index that only
one process can create.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from itertools import islice
from pathlib import Path

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import NotFoundError, RequestError

from search.acronym_mining import AcronymMiner
from search.acronyms import decode, encode
from search.analysis import indonesian_analyzer
from search.article import Article, normalise_url
from search.duplicates import SHARED_KEYS, Indexed, Story, StoryClusters
from search.opensearch.cluster import ACRONYMS_META, TERMS_FIELD, ClusterAddress, answering
from search.opensearch.layout import (
    check_meta,
    expected_meta,
    generation_prefix,
    physical_index,
    previous_alias,
    read_meta,
)
from search.runs import WRITER_WAIT_SECONDS, BuildReport, OnSkip, Progress, articles_of_run, require_articles
from search.schema import article_document
from search.store import IndexBusyError, SearchIndexError

PRIMARY_SHARDS = 3
BULK_ARTICLES = 500  # articles per bulk request (about 2 MB of analysed text)
BULK_BYTES = 50 * 2**20
BULK_TIMEOUT = 120  # seconds for one bulk request on a busy cluster
GREEN_TIMEOUT = 120  # seconds to wait for the replicas of a new index before readers move to it
LOCK_HEARTBEAT = 10.0  # seconds between the lock holder's signs of life
LOCK_STALE = 120.0  # a lock whose holder gave no sign of life for this long belongs to a dead writer
PUBLISHED_FORMAT = "%Y-%m-%dT%H:%M:%S"  # the wall-clock time, as the Whoosh index sorts it


def analysed(text: str) -> str:
    """Our analyser's output as text the index's own analyser splits back: positions apart by spaces, the
    terms of one position joined by "|".

    "Kebakaran hutan di Bekasi" -> "bakar|kebakaran hutan bekas|bekasi"
    """
    positions: list[list[str]] = []
    last = None
    for token in indonesian_analyzer()(text, positions=True, mode="index"):
        if token.pos == last:
            positions[-1].append(token.text)
        else:
            positions.append([token.text])
            last = token.pos
    return " ".join("|".join(terms) for terms in positions)


# Whoosh's BM25F as a scripted similarity, so that both engines rank alike: its idf (log(N / (n + 1)) + 1,
# which keeps common words worth something where Lucene's BM25 idf falls to zero), a field boost that
# multiplies the term frequency (title tf x 2) rather than the score, and a field length that counts every
# token, surface forms included (no discounted overlaps).
WHOOSH_BM25F = {
    "type": "scripted",
    "discount_overlaps": False,
    "weight_script": {
        "source": "return Math.log((double) field.docCount / (term.docFreq + 1.0)) + 1.0;",
    },
    "script": {
        "source": (
            "double tf = doc.freq * query.boost;"
            " double average = field.sumTotalTermFreq / (double) field.docCount;"
            " double norm = 1.2 * (0.25 + 0.75 * doc.length / average);"
            " return weight * tf * 2.2 / (tf + norm);"
        ),
    },
}


def index_body(shards: int) -> dict:
    """Settings and mapping of a new physical index, loading-friendly (no replica, no refresh)."""
    analysed_text = {
        "type": "text",
        "analyzer": "positions",
        "search_analyzer": "whitespace",
        "similarity": "whoosh_bm25f",
    }
    keyword = {"type": "keyword"}
    stored_only = {"type": "keyword", "index": False, "doc_values": False}
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": 0,
            "refresh_interval": "-1",
            "max_result_window": 100_100,  # the deepest page a request may ask for (page 1000 of 100)
            "similarity": {"whoosh_bm25f": WHOOSH_BM25F},
            "analysis": {
                "filter": {
                    "split_positions": {
                        "type": "pattern_capture",
                        "preserve_original": False,
                        "patterns": ["([^|]+)"],
                    }
                },
                "analyzer": {
                    "positions": {"type": "custom", "tokenizer": "whitespace", "filter": ["split_positions"]}
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": expected_meta(),
            "_source": {"excludes": [*TERMS_FIELD.values(), "near_keys"]},
            "properties": {
                "id": keyword,
                "url": stored_only,
                "url_key": keyword,
                "source": keyword,
                "category": keyword,
                "title": stored_only,
                "body": stored_only,
                TERMS_FIELD["title"]: analysed_text,
                TERMS_FIELD["body"]: analysed_text,
                "published": {"type": "date", "format": "yyyy-MM-dd'T'HH:mm:ss"},
                "published_iso": stored_only,
                "year": keyword,
                "month": keyword,
                "day": keyword,
                "title_words": keyword,
                "cluster": keyword,
                "near_keys": {"type": "keyword", "doc_values": False},
            },
        },
    }


def document(article: Article, story: Story) -> dict:
    """The same fields the Whoosh index gets, plus the analysed title and body."""
    doc = article_document(article, story.cluster, story.near_keys)
    for facet in ("source", "category"):  # no value: no term, as for the other absent fields
        if not doc[facet]:
            del doc[facet]
    if "published" in doc:
        doc["published"] = doc["published"].strftime(PUBLISHED_FORMAT)
    for field, terms_field in TERMS_FIELD.items():
        doc[terms_field] = analysed(doc[field])
    doc["title_words"] = doc["title_words"].split(",") if doc["title_words"] else []
    doc["near_keys"] = story.near_keys
    return doc


def build_index(
    location: str,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    wait: float = WRITER_WAIT_SECONDS,
) -> BuildReport:
    """Index every article under `paths` into a new physical index and move the alias to it."""
    address = ClusterAddress.parse(location)
    client = address.connect()
    with answering(address), writer_lock(client, address, wait):
        return _build(client, address, paths, progress, on_skip)


def update_index(
    location: str,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    wait: float = WRITER_WAIT_SECONDS,
) -> BuildReport:
    """Add the articles under `paths` to the index behind the alias; an article already there (same id or
    same normalised URL) is replaced. Without an index yet, this is a build."""
    address = ClusterAddress.parse(location)
    client = address.connect()
    with answering(address), writer_lock(client, address, wait):
        current = physical_index(client, address.alias)
        if current is None:
            return _build(client, address, paths, progress, on_skip)
        meta = check_meta(client, address, current)
        report, started = BuildReport(kind="update", generation=current), time.monotonic()
        before = _count(client, current)
        removed = 0
        miner = AcronymMiner(decode(meta.get(ACRONYMS_META)))
        articles = miner.reading(articles_of_run(paths, report, on_skip))
        stories = StoryClusters(partial(_indexed_copies, client, current))
        while chunk := list(islice(articles, BULK_ARTICLES)):
            removed += _replace(client, current, chunk, stories, report)
            if progress:
                progress(len(chunk))
        require_articles(report, f"at {address}")
        client.indices.refresh(index=current)
        _check_count(client, address, current, before - removed + report.indexed)
        _record(client, current, {**meta, ACRONYMS_META: encode(miner.definitions)}, report, started)
        return report


def _build(
    client: OpenSearch,
    address: ClusterAddress,
    paths: Iterable[str | Path],
    progress: Progress | None,
    on_skip: OnSkip | None,
) -> BuildReport:
    report, started = BuildReport(kind="build"), time.monotonic()
    _remove_leftovers(client, address.alias)
    name = f"{generation_prefix(address.alias)}{datetime.now(UTC):%Y%m%dt%H%M%S%f}"
    client.indices.create(index=name, body=index_body(PRIMARY_SHARDS))
    report.generation = name
    miner = AcronymMiner()
    try:
        articles = miner.reading(articles_of_run(paths, report, on_skip))
        actions = _index_actions(articles, StoryClusters(), name, progress)
        for _ok, _item in helpers.streaming_bulk(
            client,
            actions,
            chunk_size=BULK_ARTICLES,
            max_chunk_bytes=50 * 2**20,
            request_timeout=BULK_TIMEOUT,
        ):
            report.indexed += 1
        require_articles(report, f"at {address}")
        replicas = min(1, _data_nodes(client) - 1)
        client.indices.put_settings(
            index=name, body={"index": {"refresh_interval": "1s", "number_of_replicas": replicas}}
        )
        client.indices.refresh(index=name)
        client.cluster.health(
            index=name,
            params={"wait_for_status": "green", "timeout": f"{GREEN_TIMEOUT}s"},
            request_timeout=GREEN_TIMEOUT + 10,
        )
        _check_count(client, address, name, report.indexed)
        _record(client, name, {**expected_meta(), ACRONYMS_META: encode(miner.definitions)}, report, started)
    except BaseException:
        with contextlib.suppress(Exception):
            client.indices.delete(index=name)
        raise
    _switch_alias(client, address.alias, name)
    return report


def _index_actions(
    articles: Iterable[Article], stories: StoryClusters, index: str, progress: Progress | None
) -> Iterator[dict]:
    for article in articles:
        yield _index_action(article, stories.assign(article.id, article.body), index)
        if progress:
            progress(1)


def _index_action(article: Article, story: Story, index: str) -> dict:
    return {"_op_type": "index", "_index": index, "_id": article.id, "_source": document(article, story)}


def _indexed_copies(client: OpenSearch, index: str, keys: list[str]) -> list[Indexed]:
    """The articles of `index` that share SHARED_KEYS band keys with a new one."""
    terms = [{"term": {"near_keys": key}} for key in keys]
    query = {
        "query": {"bool": {"should": terms, "minimum_should_match": SHARED_KEYS}},
        "_source": ["cluster", "body"],
    }
    return [
        Indexed(hit["_source"]["cluster"], hit["_source"].get("body", ""))
        for hit in helpers.scan(client, index=index, query=query)
    ]


def _replace(
    client: OpenSearch, index: str, chunk: list[Article], stories: StoryClusters, report: BuildReport
) -> int:
    """Write `chunk` into `index`, deleting the earlier versions of its articles; returns how many
    documents were deleted (an article written again under its own id replaces itself)."""
    keys = {article.id: normalise_url(article.url) if article.url else None for article in chunk}
    query = {
        "bool": {
            "should": [
                {"terms": {"id": list(keys)}},
                {"terms": {"url_key": [key for key in keys.values() if key]}},
            ]
        }
    }
    found = helpers.scan(client, index=index, query={"query": query, "_source": ["id", "url_key"]})
    old_by_id: dict[str, str] = {}
    old_by_url: dict[str, list[str]] = {}
    for hit in found:
        old_by_id[hit["_source"]["id"]] = hit["_id"]
        if hit["_source"].get("url_key"):
            old_by_url.setdefault(hit["_source"]["url_key"], []).append(hit["_id"])
    actions: list[dict] = []
    deleted: set[str] = set()
    for article in chunk:
        old = {old_by_id[article.id]} if article.id in old_by_id else set()
        old.update(old_by_url.get(keys[article.id] or "", []))
        report.replaced += bool(old)
        for doc_id in old - {article.id} - deleted:
            actions.append({"_op_type": "delete", "_index": index, "_id": doc_id})
            deleted.add(doc_id)
        actions.append(_index_action(article, stories.assign(article.id, article.body), index))
        report.indexed += 1
    helpers.bulk(client, actions, request_timeout=BULK_TIMEOUT)
    return len(deleted) + sum(article.id in old_by_id for article in chunk)


def _count(client: OpenSearch, index: str) -> int:
    return int(client.count(index=index)["count"])


def _check_count(client: OpenSearch, address: ClusterAddress, index: str, expected: int) -> None:
    written = _count(client, index)
    if written != expected:
        raise SearchIndexError(
            f"the cluster holds {written} articles where {expected} were expected in {index}: "
            f"the alias {address.alias} was left as it was"
        )


def _record(client: OpenSearch, index: str, meta: dict, report: BuildReport, started: float) -> None:
    """Record how the index was made in its metadata, as build.json does for the Whoosh engine."""
    report.seconds = time.monotonic() - started
    meta = {
        **meta,
        f"last_{report.kind}": {
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            **report.to_dict(),
        },
    }
    client.indices.put_mapping(index=index, body={"_meta": meta})


def _data_nodes(client: OpenSearch) -> int:
    return int(client.cluster.health()["number_of_data_nodes"])


def _switch_alias(client: OpenSearch, alias: str, new: str) -> None:
    """Move `alias` to `new` and `<alias>-previous` to the index it left, in one atomic request; then drop
    the indexes that neither alias names any more."""
    current = physical_index(client, alias)
    older = physical_index(client, previous_alias(alias))
    actions: list[dict] = [{"add": {"index": new, "alias": alias}}]
    if current:
        actions += [
            {"remove": {"index": current, "alias": alias}},
            {"add": {"index": current, "alias": previous_alias(alias)}},
        ]
        if older:
            actions.append({"remove": {"index": older, "alias": previous_alias(alias)}})
    client.indices.update_aliases(body={"actions": actions})
    _remove_leftovers(client, alias)


def _remove_leftovers(client: OpenSearch, alias: str) -> None:
    """Delete the physical indexes no alias names: replaced long ago, or left by a build that died."""
    try:
        indexes = client.indices.get_alias(index=f"{generation_prefix(alias)}*")
    except NotFoundError:
        return
    for name, entry in indexes.items():
        if not entry.get("aliases"):
            with contextlib.suppress(NotFoundError):
                client.indices.delete(index=name)


def lock_name(alias: str) -> str:
    return f"{alias}-writer-lock"


@contextlib.contextmanager
def writer_lock(client: OpenSearch, address: ClusterAddress, wait: float) -> Iterator[None]:
    """Hold the alias's writer lock for a build or update; wait up to `wait` seconds for another writer.

    The lock is an index only one process can create. Its holder refreshes a heartbeat in the index's
    metadata; a lock whose holder is gone (a dead process on this host, or no heartbeat for LOCK_STALE
    seconds) is taken over. Raises IndexBusyError naming the holder when the wait runs out.
    """
    name = lock_name(address.alias)
    holder = {"host": socket.gethostname(), "pid": os.getpid()}
    deadline = time.monotonic() + max(wait, 0.0)
    while not _try_lock(client, name, holder):
        other = _lock_holder(client, name)
        if other is not None and _is_stale(other):
            with contextlib.suppress(NotFoundError):
                client.indices.delete(index=name)
            continue
        if time.monotonic() >= deadline:
            who = f"pid {other.get('pid')} on {other.get('host')}" if other else "unknown"
            raise IndexBusyError(
                f"another indexer ({who}) is writing to {address}; "
                f"wait for it to finish or pass a longer --wait (waited {wait:g} s)"
            )
        time.sleep(0.2)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(client, name, holder, stop), daemon=True)
    beat.start()
    try:
        yield
    finally:
        stop.set()
        beat.join()
        with contextlib.suppress(Exception):
            client.indices.delete(index=name)


def _try_lock(client: OpenSearch, name: str, holder: dict) -> bool:
    body = {
        "settings": {"number_of_shards": 1, "number_of_replicas": 0},
        "mappings": {"_meta": {**holder, "heartbeat": time.time()}},
    }
    try:
        client.indices.create(index=name, body=body)
    except RequestError as error:
        if error.error == "resource_already_exists_exception":
            return False
        raise
    return True


def _lock_holder(client: OpenSearch, name: str) -> dict | None:
    try:
        return read_meta(client, name)
    except NotFoundError:
        return None


def _is_stale(holder: dict) -> bool:
    if time.time() - float(holder.get("heartbeat", 0)) > LOCK_STALE:
        return True
    if holder.get("host") != socket.gethostname():
        return False
    try:
        os.kill(int(holder.get("pid", 0)), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, ValueError):
        return False
    return False


def _heartbeat(client: OpenSearch, name: str, holder: dict, stop: threading.Event) -> None:
    while not stop.wait(LOCK_HEARTBEAT):
        with contextlib.suppress(Exception):
            client.indices.put_mapping(index=name, body={"_meta": {**holder, "heartbeat": time.time()}})
