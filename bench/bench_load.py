"""Load on GET /api/search: N concurrent clients for S seconds over a realistic query mix. Run by hand:

    .venv/bin/python bench/bench_load.py --index var/index                     # workers 1 and 2, cache on/off
    .venv/bin/python bench/bench_load.py --index var/index --workers 0 --cache off   # the one-process server
    .venv/bin/python bench/bench_load.py --index var/index --sequential 300    # one client, nothing cached

For each server setup (--workers × --cache) it starts `python -m web` itself, warms it up, and reports
requests/s, p50, p95, p99 and errors (anything but a 200), and the CPU time the server's processes spent
per request (from /proc): on a machine shared with other work, wall times follow the machine's load, and
the CPU per request is the figure that compares across runs.

The mix: a pool of distinct queries of two or three content words from stored titles (a fixed seed, so
runs compare), asked with Zipf-like popularity (the query of rank r with weight 1/r), so popular ones
repeat and a long tail does not; about 10% of requests page, sort by date or choose an outlet or a year,
as readers do. The sequential pass asks distinct
queries one at a time from a server that caches no answers: the latency of a search nobody asked before.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from search.analysis import stopwords  # noqa: E402
from search.reader import open_current  # noqa: E402

POOL_SIZE = 2000
OTHER_SHARE = 0.10  # paging, date sort, an outlet or a year chosen
ZIPF_EXPONENT = 1.0


def query_pool(index_dir: str, size: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    """`size` distinct queries from random stored titles, and the outlets and years of the index."""
    rng = random.Random(seed)
    ignore = stopwords()
    with open_current(index_dir).searcher() as searcher:
        stored = list(searcher.all_stored_fields())
    titles = [fields.get("title", "") for fields in stored]
    outlets = sorted({fields["source"] for fields in stored if fields.get("source")})
    years = sorted({fields["published_iso"][:4] for fields in stored if fields.get("published_iso")})
    queries: dict[str, None] = {}
    while len(queries) < size:
        words = [w for w in re.findall(r"[^\W\d_]{3,}", rng.choice(titles).lower()) if w not in ignore]
        if len(words) < 2:
            continue
        start = rng.randrange(len(words) - 1)
        queries[" ".join(words[start : start + rng.choice((2, 2, 3))])] = None
    return list(queries), outlets, years


class Mix:
    """Draws request parameters: a query by Zipf-like popularity, sometimes with paging or a filter."""

    def __init__(self, queries: list[str], outlets: list[str], years: list[str]) -> None:
        self.queries = queries
        self.outlets = outlets
        self.years = years
        self.cumulative = list(
            itertools.accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, len(queries) + 1))
        )

    def draw(self, rng: random.Random) -> dict[str, str]:
        params = {"q": rng.choices(self.queries, cum_weights=self.cumulative)[0]}
        if rng.random() < OTHER_SHARE:
            kind = rng.choice(("page", "sort", "source", "date"))
            if kind == "page":
                params["page"] = str(rng.choice((2, 2, 3)))
            elif kind == "sort":
                params["sort"] = "newest"
            elif kind == "source":
                params["source"] = rng.choice(self.outlets)
            else:
                params["date"] = rng.choice(self.years)
        return params


def get(base: str, params: dict[str, str]) -> tuple[float, int]:
    """(milliseconds, HTTP status; 0 for a connection failure) of one request, body read."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"{base}/api/search?{urlencode(params)}", timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError:
        status = 0
    return (time.perf_counter() - started) * 1000, status


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


def start_server(index_dir: str, workers: int, cache: bool) -> tuple[subprocess.Popen, str]:
    command = [sys.executable, "-m", "web", "--index", index_dir, "--port", "0", "--workers", str(workers)]
    proc = subprocess.Popen(
        [*command, *([] if cache else ["--cache-size", "0"])],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # the access log
        text=True,
    )
    line = proc.stdout.readline()
    if "http://" not in line:
        proc.kill()
        raise SystemExit(f"the server did not start: {line}")
    base = line[line.index("http://") :].split()[0]
    for _ in range(4 * max(1, workers)):  # each worker opens the index; reach every one before measuring
        get(base, {"q": "indonesia"})
    return proc, base


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its children (gunicorn's workers), from /proc."""
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    total = 0.0
    for process in [pid, *map(int, children)]:
        fields = Path(f"/proc/{process}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def load(base: str, mix: Mix, clients: int, seconds: float, seed: int) -> dict:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        while time.perf_counter() < deadline:
            took, status = get(base, mix.draw(rng))
            with lock:
                latencies.append(took)
                statuses[status] += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "requests": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "errors": sum(count for status, count in statuses.items() if status != 200),
    }


def sequential(base: str, queries: list[str]) -> dict:
    walls, tooks = [], []
    for q in queries:
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/api/search?{urlencode({'q': q})}", timeout=60) as response:
            tooks.append(json.load(response)["took_ms"])
        walls.append((time.perf_counter() - started) * 1000)
    return {
        "requests": len(walls),
        "p50": percentile(walls, 0.50),
        "p95": percentile(walls, 0.95),
        "p99": percentile(walls, 0.99),
        "server_p50": percentile(tooks, 0.50),
        "server_p95": percentile(tooks, 0.95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--index", required=True, help="index folder: the queries' titles, and what is served"
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="0: the one-process server")
    parser.add_argument("--cache", choices=("on", "off"), nargs="+", default=["on", "off"])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--sequential", type=int, default=0, help="also N distinct queries one at a time")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args()

    queries, outlets, years = query_pool(args.index, POOL_SIZE, args.seed)
    mix = Mix(queries, outlets, years)
    print(f"{len(queries)} distinct queries, {len(outlets)} outlets, years {years[0]}-{years[-1]}")
    for workers, cache in itertools.product(args.workers, args.cache):
        proc, base = start_server(args.index, workers, cache == "on")
        try:
            cpu_before = cpu_seconds(proc.pid)
            result = load(base, mix, args.clients, args.seconds, args.seed)
            cpu_ms = (cpu_seconds(proc.pid) - cpu_before) * 1000 / max(1, result["requests"])
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        print(
            f"workers {workers} cache {cache:3}: {result['requests']:6} requests, "
            f"{result['per_second']:6.1f} req/s, p50 {result['p50']:6.1f} ms, p95 {result['p95']:6.1f} ms, "
            f"p99 {result['p99']:6.1f} ms, {result['errors']} errors, {cpu_ms:5.1f} CPU ms/request "
            f"({args.clients} clients, {args.seconds:.0f} s)",
            flush=True,
        )
    if args.sequential:
        proc, base = start_server(args.index, 1, cache=False)
        try:
            # The tail of the pool: distinct queries the warm-up and each other did not ask.
            result = sequential(base, queries[-args.sequential :])
        finally:
            proc.terminate()
            proc.wait(timeout=30)
        print(
            f"sequential, uncached: {result['requests']} requests, p50 {result['p50']:.1f} ms, "
            f"p95 {result['p95']:.1f} ms, p99 {result['p99']:.1f} ms "
            f"(server took_ms p50 {result['server_p50']:.1f}, p95 {result['server_p95']:.1f})"
        )


if __name__ == "__main__":
    main()
