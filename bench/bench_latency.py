"""End-to-end latency of GET /api/search over HTTP, and throughput with concurrent clients. Run by hand:

    .venv/bin/python bench/bench_latency.py --index var/index            # starts `python -m web` itself
    .venv/bin/python bench/bench_latency.py --url http://127.0.0.1:5000  # or measures a running server
    .venv/bin/python bench/bench_latency.py --index var/index --spelling  # clean against misspelt queries

Queries are what a reader types: two or three content words taken from the titles stored in the index
(a fixed seed, so runs compare), plus the evaluation queries of bench/eval_queries.jsonl; a share of them
sort by date, ask for page 2, or drill into a month, as people do. The sequential pass uses one set of
queries and the concurrent pass another, so the facet cache does not flatter the second.

--spelling instead times the evaluation's clean queries (bench/eval_queries.jsonl) and their misspelt
versions (bench/eval_misspelt.jsonl), each set on a server of its own started for it (a misspelt query
corrected into a clean one would otherwise find its answer cached): typo tolerance and correction cost
extra lookups, and a misspelt query should stay within twice the time of a clean one. On a machine shared
with other work, wall times swing with the load: the CPU milliseconds of each search, measured in this
process on an engine of its own per set, compare better.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from search.analysis import stopwords  # noqa: E402
from search.backend import open_location  # noqa: E402
from search.query import Engine  # noqa: E402
from search.reader import open_current  # noqa: E402
from search.request import SearchRequest  # noqa: E402

WARM_UP_QUERIES = ("berita", "indonesia", "jakarta", "presiden", "harga")


def title_queries(index_dir: str, count: int, seed: int) -> list[dict]:
    """`count` parameter sets built from random stored titles: 2-3 lowercase content words each."""
    rng = random.Random(seed)
    ignore = stopwords()
    with open_current(index_dir).searcher() as searcher:
        titles = [fields.get("title", "") for fields in searcher.all_stored_fields()]
    queries = []
    while len(queries) < count:
        words = [w for w in re.findall(r"[^\W\d_]{3,}", rng.choice(titles).lower()) if w not in ignore]
        if len(words) < 2:
            continue
        start = rng.randrange(len(words) - 1)
        params = {"q": " ".join(words[start : start + rng.choice((2, 2, 3))])}
        roll = rng.random()
        if roll < 0.15:
            params["sort"] = "newest"
        elif roll < 0.25:
            params["page"] = "2"
        elif roll < 0.30:
            params["date"] = "2019-09"
        queries.append(params)
    return queries


def eval_queries(count: int, name: str = "eval_queries.jsonl") -> list[dict]:
    path = REPO / "bench" / name
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [{"q": entry["query"]} for entry in lines[:count]]


def timed_get(base: str, params: dict) -> tuple[float, float, int]:
    """(wall milliseconds, server took_ms, total) for one request; raises on anything but a 200."""
    started = time.perf_counter()
    with urllib.request.urlopen(f"{base}/api/search?{urlencode(params)}", timeout=30) as response:
        answer = json.load(response)
    return (time.perf_counter() - started) * 1000, answer["took_ms"], answer["total"]


def sequential_pass(base: str, queries: list[dict]) -> tuple[list[float], list[float], list[int]]:
    """Each query once, one after another: (wall milliseconds, server took_ms, total) per query."""
    walls, tooks, totals = [], [], []
    for params in queries:
        wall, took, total = timed_get(base, params)
        walls.append(wall)
        tooks.append(took)
        totals.append(total)
    return walls, tooks, totals


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def start_server(index_dir: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "web", "--index", index_dir, "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    seen = []
    for line in proc.stdout:  # gunicorn logs its start before the "Serving on http://..." line
        if line.startswith("Serving on http://"):
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # drain the request log
            return proc, line.split()[2]
        seen.append(line)
    proc.kill()
    raise SystemExit(f"the server did not start: {''.join(seen)}")


def spelling_passes(index_dir: str) -> None:
    """p50/p95 of the clean and the misspelt evaluation queries, each set on a fresh server."""
    for label, name in (("clean", "eval_queries.jsonl"), ("misspelt", "eval_misspelt.jsonl")):
        queries = eval_queries(1000, name)
        proc, base = start_server(index_dir)
        try:
            for word in WARM_UP_QUERIES:
                timed_get(base, {"q": word})
            walls, tooks, _ = sequential_pass(base, queries)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        cpu = searching_cpu(index_dir, queries)
        print(f"{len(queries)} {label} queries, one request each")
        print(f"  end to end  p50 {statistics.median(walls):6.1f} ms   p95 {percentile(walls, 0.95):6.1f} ms")
        print(f"  server      p50 {statistics.median(tooks):6.1f} ms   p95 {percentile(tooks, 0.95):6.1f} ms")
        print(f"  search CPU  p50 {statistics.median(cpu):6.1f} ms   p95 {percentile(cpu, 0.95):6.1f} ms")


def searching_cpu(index_dir: str, queries: list[dict]) -> list[float]:
    """CPU milliseconds of each query's search, in this process, on a fresh engine without answer cache."""
    _, backend = open_location(index_dir).open()
    engine = Engine(backend, answer_cache_size=0)
    try:
        for word in WARM_UP_QUERIES:
            engine.search(SearchRequest(q=word))
        spent = []
        for params in queries:
            started = time.process_time()
            engine.search(SearchRequest(q=params["q"]))
            spent.append((time.process_time() - started) * 1000)
        return spent
    finally:
        engine.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--index", required=True, help="index folder (titles for queries; server if no --url)"
    )
    parser.add_argument("--url", help="base URL of a running server")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--spelling", action="store_true", help="time the clean and the misspelt evaluation queries instead"
    )
    args = parser.parse_args()
    if args.spelling:
        spelling_passes(args.index)
        return

    sequential = eval_queries(30)
    sequential += title_queries(args.index, args.queries - len(sequential), seed=1)
    concurrent = title_queries(args.index, args.queries, seed=2)

    proc, base = (None, args.url.rstrip("/")) if args.url else start_server(args.index)
    try:
        for word in WARM_UP_QUERIES:
            timed_get(base, {"q": word})

        walls, tooks, totals = sequential_pass(base, sequential)

        started = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            concurrent_walls = [wall for wall, _, _ in pool.map(lambda p: timed_get(base, p), concurrent)]
        elapsed = time.perf_counter() - started
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)

    print(f"{len(walls)} sequential requests, one per query")
    print(f"  end to end  p50 {statistics.median(walls):6.1f} ms   p95 {percentile(walls, 0.95):6.1f} ms")
    print(f"  server      p50 {statistics.median(tooks):6.1f} ms   p95 {percentile(tooks, 0.95):6.1f} ms")
    print(f"  matches per query: median {statistics.median(totals):.0f}, max {max(totals)}")
    rate = len(concurrent) / elapsed
    print(f"{len(concurrent)} requests from {args.clients} concurrent clients: {rate:.1f} req/s")
    print(
        f"  end to end  p50 {statistics.median(concurrent_walls):6.1f} ms"
        f"   p95 {percentile(concurrent_walls, 0.95):6.1f} ms"
    )


if __name__ == "__main__":
    main()
