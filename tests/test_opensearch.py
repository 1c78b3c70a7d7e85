"""The OpenSearch engine on the real 3-node cluster that `make cluster` starts (and `.ci/run` in CI): the same
updates as Whoosh, answers equal to Whoosh's, an alias swap under concurrent searches, a killed node, a killed
build, a second writer, and a cluster that is down."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from helpers import (
    ARTICLES,
    CLUSTER_URL,
    ENGINE_NAMES,
    ENGINES,
    REPO,
    SAMPLE_CORPUS,
    UPDATE,
    IndexLocations,
    run_indexer,
    serving,
    write_synthetic_corpus,
)
from opensearchpy import OpenSearch

from search.backend import open_location
from search.opensearch.cluster import ClusterAddress
from search.opensearch.layout import physical_index
from search.opensearch.writing import lock_name, writer_lock
from search.query import SearchService
from search.request import SearchRequest
from search.writing import build_index, update_index

WEB_FIXTURES = REPO / "tests" / "fixtures" / "web" / "articles.jsonl"
CLUSTER_SCRIPT = REPO / "cluster" / "cluster.py"
EVAL_QUERIES = REPO / "bench" / "eval_queries.jsonl"
MEAN_TOP_TEN_OVERLAP = 0.85  # the same BM25F; lengths and phrase scores differ a little (measured: 0.94)
PARITY_QUERIES = (
    "kebakaran hutan", "banjir", "pemerintah", "timnas indonesia", "bekasi", '"kebakaran hutan"',
    "hutan -riau", "title:terbakar", "kerja sama", "harga beras", "sekolah", "polisi", "asap",
    "jakarta OR bekasi",
)  # fmt: skip


def client() -> OpenSearch:
    return OpenSearch(hosts=[CLUSTER_URL])


def answer(service: SearchService, **params: str) -> dict:
    return service.search(SearchRequest.from_params(params)).to_json()


# --- the same writes as on Whoosh


@pytest.mark.parametrize("engine", ENGINES)
def test_update_replaces_by_id_and_url_and_adds_new_articles(engine, index_locations: IndexLocations):
    location = index_locations.new(engine)
    build_index(location, [ARTICLES])
    report = update_index(location, [UPDATE])
    assert (report.kind, report.indexed, report.replaced) == ("update", 2, 1)
    stats = open_location(location).stats()
    assert stats["articles"] == 6
    assert stats["last_update"]["replaced"] == 1 and stats["last_build"]["indexed"] == 5
    service = SearchService(open_location(location))
    assert answer(service, q="cabai rawit turun")["total"] == 1
    assert answer(service, q='"naik dua kali lipat"')["total"] == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_recrawled_url_replaces_the_old_article_whatever_its_id(
    engine, index_locations: IndexLocations, tmp_path: Path
):
    location = index_locations.new(engine)
    build_index(location, [ARTICLES])
    recrawl = tmp_path / "recrawl.jsonl"
    record = {"id": "feed-7781", "url": "HTTPS://www.warta.example/olahraga/timnas-menang/#komentar"}
    record |= {"title": "Timnas Menang Tipis atas Malaysia (diperbarui)", "body": "Skor akhir 1-0."}
    recrawl.write_text(json.dumps(record) + "\n", encoding="utf-8")

    report = update_index(location, [recrawl])

    assert (report.indexed, report.replaced) == (1, 1)
    assert open_location(location).stats()["articles"] == 5
    hits = answer(SearchService(open_location(location)), q="timnas menang")["results"]
    assert [hit["id"] for hit in hits] == ["feed-7781"]


@pytest.mark.opensearch
def test_stats_are_the_same_on_both_engines(index_locations: IndexLocations):
    reports = {}
    for engine in ENGINE_NAMES:
        location = index_locations.new(engine)
        build_index(location, [ARTICLES])
        update_index(location, [UPDATE])
        reports[engine] = open_location(location).stats()
    same = ("articles", "per_source", "without_date", "first_published", "last_published", "schema_version")
    assert {key: reports["whoosh"][key] for key in same} == {key: reports["opensearch"][key] for key in same}
    assert reports["opensearch"]["size_bytes"] > 0


# --- the cluster's own behaviour


@pytest.mark.opensearch
def test_the_index_has_three_shards_one_replica_and_records_its_versions(index_locations: IndexLocations):
    location = index_locations.new("opensearch")
    build_index(location, [ARTICLES])
    alias = ClusterAddress.parse(location).alias
    index = physical_index(client(), alias)
    settings = client().indices.get_settings(index=index)[index]["settings"]["index"]
    assert (settings["number_of_shards"], settings["number_of_replicas"]) == ("3", "1")
    meta = client().indices.get_mapping(index=index)[index]["mappings"]["_meta"]
    assert {"schema_version", "analyzer_version", "engine_version", "last_build"} <= set(meta)
    assert client().cluster.health(index=index)["status"] == "green"


@pytest.mark.opensearch
def test_both_engines_give_the_same_answers(index_locations: IndexLocations):
    services = {}
    for engine in ENGINE_NAMES:
        location = index_locations.new(engine)
        build_index(location, [WEB_FIXTURES, SAMPLE_CORPUS])
        services[engine] = SearchService(open_location(location))
    for q in PARITY_QUERIES:
        for params in ({"q": q}, {"q": q, "date": "2019"}, {"q": q, "sort": "newest"}):
            whoosh, cluster = (answer(services[engine], **params) for engine in ENGINE_NAMES)
            assert (cluster["total"], cluster["facets"]) == (whoosh["total"], whoosh["facets"]), params
            top_whoosh = {hit["id"]: hit["snippet"] for hit in whoosh["results"]}
            top_cluster = {hit["id"]: hit["snippet"] for hit in cluster["results"]}
            shared = top_whoosh.keys() & top_cluster.keys()
            assert len(shared) >= 0.8 * len(top_whoosh), params
            assert {key: top_cluster[key] for key in shared} == {key: top_whoosh[key] for key in shared}


@pytest.mark.opensearch
def test_searches_never_fail_or_come_back_empty_while_the_alias_is_swapped(
    index_locations: IndexLocations, tmp_path: Path
):
    location = index_locations.new("opensearch")
    build_index(location, [WEB_FIXTURES])
    expected = answer(SearchService(open_location(location)), q="kebakaran")["total"]
    failures: list[str] = []
    seen = [0]
    stop = threading.Event()

    def search_until_stopped(base: str) -> None:
        while not stop.is_set():
            try:
                with urllib.request.urlopen(f"{base}/api/search?q=kebakaran", timeout=30) as response:
                    found = json.load(response)
                if found["total"] != expected or not found["results"]:
                    failures.append(f"total {found['total']}, {len(found['results'])} results")
                seen[0] += 1
            except (OSError, ValueError) as error:
                failures.append(repr(error))

    with serving(location) as base:
        readers = [threading.Thread(target=search_until_stopped, args=(base,)) for _ in range(8)]
        for reader in readers:
            reader.start()
        try:
            for _ in range(2):
                done = run_indexer("build", "--index", location, str(WEB_FIXTURES))
                assert done.returncode == 0, done.stderr
        finally:
            stop.set()
            for reader in readers:
                reader.join()
    assert failures == []
    assert seen[0] > 16


@pytest.mark.opensearch
def test_a_second_writer_waits_then_gets_the_busy_status(index_locations: IndexLocations):
    location = index_locations.new("opensearch")
    address = ClusterAddress.parse(location)
    with writer_lock(address.connect(), address, wait=0):
        done = run_indexer("build", "--index", location, "--wait", "1", str(ARTICLES))
    assert done.returncode == 75, done.stderr
    assert "another indexer" in done.stderr and "Traceback" not in done.stderr
    assert not client().indices.exists(index=lock_name(address.alias))


@pytest.mark.opensearch
def test_a_killed_build_leaves_the_alias_and_the_next_build_cleans_up(
    index_locations: IndexLocations, tmp_path: Path
):
    location = index_locations.new("opensearch")
    build_index(location, [ARTICLES])
    alias = ClusterAddress.parse(location).alias
    before = physical_index(client(), alias)
    big = write_synthetic_corpus(tmp_path / "big.jsonl", 6000)
    killed = subprocess.Popen(
        [sys.executable, "indexer.py", "build", "--index", location, str(big)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while len(client().indices.get(index=f"{alias}-g*")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1)  # some bulk requests in
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)

    assert physical_index(client(), alias) == before
    assert answer(SearchService(open_location(location)), q="harga")["total"] > 0
    done = run_indexer("build", "--index", location, "--wait", "5", str(ARTICLES))
    assert done.returncode == 0, done.stderr  # the dead writer's lock is taken over
    left = set(client().indices.get(index=f"{alias}-g*"))
    assert left == {physical_index(client(), alias), before}  # the half-built index is gone


def node_pid(node: str) -> int:
    return int((REPO / "var" / "cluster" / f"{node}.pid").read_text().split()[0])


@pytest.mark.opensearch
def test_a_killed_node_loses_no_search_and_no_article(index_locations: IndexLocations, tmp_path: Path):
    location = index_locations.new("opensearch")
    alias = ClusterAddress.parse(location).alias
    every_node = f"http://127.0.0.1:9200,127.0.0.1:9201,127.0.0.1:9202/{alias}"
    build_index(every_node, [write_synthetic_corpus(tmp_path / "first.jsonl", 300, seed=3)])
    service = SearchService(open_location(every_node))
    expected = {q: answer(service, q=q)["total"] for q in ("harga", "laporan", "banjir")}

    os.kill(node_pid("node-2"), signal.SIGKILL)
    try:
        for _ in range(20):
            assert {q: answer(service, q=q)["total"] for q in expected} == expected
        more = write_synthetic_corpus(tmp_path / "more.jsonl", 100, seed=4)
        more.write_text(more.read_text().replace("sintetis.example/", "sintetis.example/baru-"))
        assert update_index(every_node, [more]).indexed == 100
    finally:
        restarted = subprocess.run(
            [sys.executable, str(CLUSTER_SCRIPT), "start", "node-2"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    client().cluster.health(params={"wait_for_status": "green", "timeout": "120s"}, request_timeout=130)
    assert open_location(every_node).stats()["articles"] == 400


# --- a cluster that does not answer


def test_a_cluster_that_is_down_gets_a_clear_message_and_status(tmp_path: Path):
    location = "http://127.0.0.1:9/berita"  # the discard port: nothing listens there
    done = run_indexer("stats", "--index", location)
    assert done.returncode == 69
    assert "does not answer" in done.stderr and "Traceback" not in done.stderr
    with serving(location) as base:
        for path in ("/api/search?", "/search?"):
            try:
                urllib.request.urlopen(base + path + urlencode({"q": "banjir"}), timeout=60)
                raise AssertionError("a cluster that is down must not answer 200")
            except urllib.error.HTTPError as error:
                assert error.code == 503
                assert "tidak dapat dihubungi" in error.read().decode()


@pytest.mark.slow
@pytest.mark.opensearch
def test_the_evaluation_queries_agree_on_both_engines_over_click_id(
    shared_data: Path, index_locations: IndexLocations
):
    """bench/eval_queries.jsonl over the real corpus: equal totals and facets, top tens that share stories,
    and on each engine a first page that is the head of a deeper ranking (Whoosh's pruning top-N dropped
    some)."""
    corpus = shared_data / "click-id" / "corpus.jsonl"
    services = {}
    for engine in ENGINE_NAMES:
        location = index_locations.new(engine)
        build_index(location, [corpus])
        services[engine] = SearchService(open_location(location))
    queries = [json.loads(line)["query"] for line in EVAL_QUERIES.read_text(encoding="utf-8").splitlines()]
    overlaps = []
    for q in queries:
        whoosh, cluster = (answer(services[engine], q=q) for engine in ENGINE_NAMES)
        for engine, found in zip(ENGINE_NAMES, (whoosh, cluster), strict=True):
            deeper = answer(services[engine], q=q, per_page="50")["results"][: len(found["results"])]
            assert [hit["id"] for hit in found["results"]] == [hit["id"] for hit in deeper], (engine, q)
        assert (cluster["total"], cluster["facets"]) == (whoosh["total"], whoosh["facets"]), q
        top_whoosh, top_cluster = (
            {hit["cluster"] or hit["id"] for hit in found["results"]} for found in (whoosh, cluster)
        )
        overlaps.append(len(top_whoosh & top_cluster) / max(1, len(top_whoosh)))
    print(f"top-10 overlap per query: {sorted(round(share, 1) for share in overlaps)}")
    assert sum(overlaps) / len(overlaps) >= MEAN_TOP_TEN_OVERLAP
    assert min(overlaps) >= 0.5  # measured: 0.7
