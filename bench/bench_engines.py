"""The two engines side by side on one corpus: build, size, memory and search latency (run by hand).

    .venv/bin/python bench/bench_engines.py CORPUS [--name click] [--cluster http://127.0.0.1:9200]
                                            [--workdir /tmp/bench-engines/NAME] [--keep] [--json OUT]

For CORPUS (anything `indexer.py build` reads) this
1. builds a Whoosh index in WORKDIR/whoosh with `indexer.py build --index DIR CORPUS` (a child process);
2. builds the same articles on the cluster, `indexer.py build --index CLUSTER/bench-NAME CORPUS`;
3. starts `python -m web --index LOCATION --port 0` on each in turn and measures GET /api/search: one set of
   queries sent one after another, then another set from 4 concurrent clients (bench/bench_latency.py's
   queries: evaluation queries plus words from stored titles, taken from the Whoosh index for both engines,
   so both answer exactly the same requests);
4. prints a markdown table, and writes every figure as JSON with --json.

Build time is the wall time of the indexer process (start-up included) and the indexer's own figure. Peak
memory is the RSS of the indexer's process tree (the process and its children, summed), sampled from /proc
every 0.5 s. For OpenSearch the nodes' JVMs (pids in var/cluster/node-N.pid) do the indexing work too: their
RSS is read before and after the build, and sampled for the peak during it. Index size: Whoosh's size on disk
(`indexer.py stats`); OpenSearch's primaries store size and the total with replicas (GET INDEX/_stats/store),
after the build waited for green.

Figures come from a shared 2-core machine: compare the engines within one run, not across runs. The alias
bench-NAME and its physical indexes are deleted at the end, and WORKDIR too, unless --keep.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_latency import (  # noqa: E402
    WARM_UP_QUERIES,
    eval_queries,
    percentile,
    start_server,
    timed_get,
    title_queries,
)

CLUSTER_VAR = REPO / "var" / "cluster"
SAMPLE_EVERY = 0.5  # seconds between two memory samples
MB = 2**20


# --- Processes and memory --------------------------------------------------------------------------------


def _children_of() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    return children


def rss(pid: int) -> int:
    """Resident memory of one process in bytes (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss(root: int) -> int:
    """The RSS of a process and all its descendants, summed (pages shared after a fork count once each)."""
    children = _children_of()
    total, pending = 0, [root]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        total += rss(pid)
    return total


def node_pids() -> dict[str, int]:
    """The cluster's node JVMs by name, from var/cluster/node-N.pid."""
    pids = {}
    for path in sorted(CLUSTER_VAR.glob("node-*.pid")):
        try:
            pids[path.stem] = int(path.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return pids


def jvm_rss(pids: dict[str, int]) -> dict[str, int]:
    return {name: rss(pid) for name, pid in pids.items()}


def run_measured(command: list[str], watch: dict[str, int] | None = None) -> dict:
    """Run `command` from the repository; wall time, peak RSS of its process tree and, for the processes in
    `watch` (the JVMs), their RSS before, at peak and after. Exits with the child's output on a failure."""
    watch = watch or {}
    before = jvm_rss(watch)
    peak_tree = 0
    peak_watch = dict(before)
    started = time.monotonic()
    child = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not stop.is_set():
            peak_tree = max(peak_tree, tree_rss(child.pid))
            for name, value in jvm_rss(watch).items():
                peak_watch[name] = max(peak_watch[name], value)
            stop.wait(SAMPLE_EVERY)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = child.communicate()
    seconds = time.monotonic() - started
    stop.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed with status {child.returncode}:\n{out[-2000:]}{err[-4000:]}"
        )
    restarted = [name for name, pid in node_pids().items() if watch and watch.get(name) != pid]
    return {
        "wall_seconds": seconds,
        "peak_tree_rss": peak_tree,
        "jvm_before": before,
        "jvm_peak": peak_watch,
        "jvm_after": jvm_rss(watch),
        "jvm_restarted": restarted,  # a node whose pid changed: its before/after compare two processes
        "stdout": out,
    }


# --- Builds ------------------------------------------------------------------------------------------------


def indexer(*args: str) -> list[str]:
    return [sys.executable, str(REPO / "indexer.py"), *args]


def index_stats(location: str) -> dict:
    out = subprocess.run(indexer("stats", "--index", location), cwd=REPO, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"indexer.py stats --index {location} failed: {out.stderr.strip()}")
    return json.loads(out.stdout)


def summary_seconds(stdout: str) -> tuple[int, float]:
    """(articles, seconds) from the indexer's summary line "build: indexed N articles ... in S s ..."."""
    line = next(line for line in stdout.splitlines() if line.startswith("build: indexed"))
    articles = int(line.split()[2])
    seconds = float(line.split(" in ", 1)[1].split()[0])
    return articles, seconds


def cluster_get(base: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base}{path}", timeout=60) as response:
        return json.load(response)


def cluster_delete(base: str, index: str) -> None:
    request = urllib.request.Request(f"{base}/{index}", method="DELETE")
    try:
        with urllib.request.urlopen(request, timeout=60):
            pass
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise


def remove_alias_indexes(base: str, alias: str) -> list[str]:
    """Delete every physical index the product's layout uses for `alias` (bench-* only)."""
    if not alias.startswith("bench-"):
        raise SystemExit(f"refusing to delete indexes of {alias}: only bench-* aliases are ours")
    names = set()
    for pattern in (f"{alias}-g*", f"{alias}-writer-lock"):
        try:
            names.update(cluster_get(base, f"/{pattern}/_alias"))
        except urllib.error.HTTPError as error:
            if error.code != 404:
                raise
    for name in sorted(names):
        cluster_delete(base, name)
    return sorted(names)


def build_whoosh(corpus: Path, folder: Path) -> dict:
    shutil.rmtree(folder, ignore_errors=True)
    run = run_measured(indexer("build", "--index", str(folder), str(corpus)))
    articles, seconds = summary_seconds(run["stdout"])
    stats = index_stats(str(folder))
    return {
        "engine": "Whoosh",
        "articles": articles,
        "build_wall_s": run["wall_seconds"],
        "build_indexer_s": seconds,
        "size_primaries": stats["size_bytes"],
        "size_total": stats["size_bytes"],
        "peak_indexer_rss": run["peak_tree_rss"],
    }


def build_cluster(corpus: Path, base: str, alias: str) -> dict:
    location = f"{base}/{alias}"
    pids = node_pids()
    run = run_measured(indexer("build", "--index", location, str(corpus)), watch=pids)
    articles, seconds = summary_seconds(run["stdout"])
    stats = index_stats(location)
    store = cluster_get(base, f"/{alias}/_stats/store")["_all"]
    health = cluster_get(base, f"/_cluster/health/{alias}")
    return {
        "engine": "OpenSearch",
        "articles": articles,
        "build_wall_s": run["wall_seconds"],
        "build_indexer_s": seconds,
        "size_primaries": store["primaries"]["store"]["size_in_bytes"],
        "size_total": store["total"]["store"]["size_in_bytes"],
        "stats_size_bytes": stats["size_bytes"],
        "peak_indexer_rss": run["peak_tree_rss"],
        "jvm_before": run["jvm_before"],
        "jvm_peak": run["jvm_peak"],
        "jvm_after": run["jvm_after"],
        "jvm_restarted": run["jvm_restarted"],
        "generation": stats["generation"],
        "health": health["status"],
        "shards": f"{health['active_primary_shards']} primaries, {health['active_shards']} in all",
    }


# --- Latency -----------------------------------------------------------------------------------------------


def latency(location: str, sequential: list[dict], concurrent: list[dict], clients: int) -> dict:
    """bench_latency's passes against `python -m web --index location`; the server's RSS at the end."""
    proc, base = start_server(location)
    try:
        for word in WARM_UP_QUERIES:
            timed_get(base, {"q": word})
        walls, tooks, totals = [], [], []
        for params in sequential:
            wall, took, total = timed_get(base, params)
            walls.append(wall)
            tooks.append(took)
            totals.append(total)
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            answers = list(pool.map(lambda params: timed_get(base, params), concurrent))
        elapsed = time.perf_counter() - started
        server_rss = tree_rss(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    concurrent_walls = [wall for wall, _, _ in answers]
    return {
        "seq_p50": statistics.median(walls),
        "seq_p95": percentile(walls, 0.95),
        "seq_took_p50": statistics.median(tooks),
        "seq_took_p95": percentile(tooks, 0.95),
        "conc_p50": statistics.median(concurrent_walls),
        "conc_p95": percentile(concurrent_walls, 0.95),
        "conc_rate": len(concurrent) / elapsed,
        "totals": totals,
        "server_rss": server_rss,
    }


# --- Report ------------------------------------------------------------------------------------------------


def mb(value: int) -> str:
    return f"{value / MB:,.1f} MB" if value < 100 * MB else f"{value / MB:,.0f} MB"


def jvm_line(row: dict, key: str) -> str:
    values = row[key]
    return " + ".join(f"{v / MB:.0f}" for v in values.values()) + f" = {sum(values.values()) / MB:,.0f} MB"


def table(corpus: Path, rows: list[dict]) -> str:
    whoosh, cluster = rows
    lines = [
        f"corpus: {corpus} ({whoosh['articles']:,} articles indexed)",
        "",
        "| figure | Whoosh | OpenSearch (3 nodes, 3 shards, 1 replica) |",
        "|---|---:|---:|",
    ]

    def add(name: str, render) -> None:
        lines.append(f"| {name} | {render(whoosh)} | {render(cluster)} |")

    add("build, wall (indexer process)", lambda r: f"{r['build_wall_s']:.1f} s")
    add("build, indexer's own figure", lambda r: f"{r['build_indexer_s']:.1f} s")
    add("articles/s (wall)", lambda r: f"{r['articles'] / r['build_wall_s']:,.0f}")
    add("index size, primaries", lambda r: mb(r["size_primaries"]))
    add("index size, with replicas", lambda r: mb(r["size_total"]))
    add("peak RSS, indexer process tree", lambda r: mb(r["peak_indexer_rss"]))
    lines.append(f"| node JVMs RSS before build | - | {jvm_line(cluster, 'jvm_before')} |")
    lines.append(f"| node JVMs RSS peak during build | - | {jvm_line(cluster, 'jvm_peak')} |")
    lines.append(f"| node JVMs RSS after build | - | {jvm_line(cluster, 'jvm_after')} |")
    if cluster.get("jvm_restarted"):
        lines.append(f"| nodes restarted (by others) during the build | - | {cluster['jvm_restarted']} |")
    if "jvm_after_search" in cluster:
        lines.append(f"| node JVMs RSS after searches | - | {jvm_line(cluster, 'jvm_after_search')} |")
    add("sequential p50 / p95 (end to end)", lambda r: f"{r['seq_p50']:.0f} / {r['seq_p95']:.0f} ms")
    add(
        "sequential p50 / p95 (server took_ms)",
        lambda r: f"{r['seq_took_p50']:.0f} / {r['seq_took_p95']:.0f} ms",
    )
    add("4 clients p50 / p95", lambda r: f"{r['conc_p50']:.0f} / {r['conc_p95']:.0f} ms")
    add("4 clients throughput", lambda r: f"{r['conc_rate']:.1f} req/s")
    add("web server RSS after the passes", lambda r: mb(r["server_rss"]))
    same = sum(a == b for a, b in zip(whoosh["totals"], cluster["totals"], strict=True))
    lines.append("")
    lines.append(f"sequential queries with the same total on both engines: {same} of {len(whoosh['totals'])}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--name", help="alias bench-NAME and workdir name (default: the corpus's file stem)")
    parser.add_argument("--cluster", default="http://127.0.0.1:9200", help="cluster base URL")
    parser.add_argument("--workdir", type=Path, help="where the Whoosh index goes (/tmp/bench-engines/NAME)")
    parser.add_argument("--queries", type=int, default=200, help="requests per pass (default 200)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep both indexes (e.g. for eval_ranking)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()

    if not args.corpus.is_file() and not args.corpus.is_dir():
        raise SystemExit(f"corpus not found: {args.corpus}")
    name = (args.name or args.corpus.stem).lower().replace("_", "-")
    alias = f"bench-{name}"
    base = args.cluster.rstrip("/")
    workdir = args.workdir or Path("/tmp/bench-engines") / name
    whoosh_dir = workdir / "whoosh"
    location = f"{base}/{alias}"

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    try:
        log(f"Whoosh build into {whoosh_dir}")
        whoosh = build_whoosh(args.corpus, whoosh_dir)
        log(f"  {whoosh['build_wall_s']:.1f} s; OpenSearch build into {location}")
        cluster = build_cluster(args.corpus, base, alias)
        log(f"  {cluster['build_wall_s']:.1f} s; queries from the Whoosh index's titles")

        sequential = eval_queries(30)
        sequential += title_queries(str(whoosh_dir), args.queries - len(sequential), seed=1)
        concurrent = title_queries(str(whoosh_dir), args.queries, seed=2)
        for row, where in ((whoosh, str(whoosh_dir)), (cluster, location)):
            log(f"latency on {row['engine']}")
            row.update(latency(where, sequential, concurrent, args.clients))
        cluster["jvm_after_search"] = jvm_rss(node_pids())
    finally:
        if not args.keep:
            removed = remove_alias_indexes(base, alias)
            log(f"deleted {', '.join(removed) or 'no index'}; removing {workdir}")
            shutil.rmtree(workdir, ignore_errors=True)

    rows = [whoosh, cluster]
    if args.json:
        args.json.write_text(json.dumps({"corpus": str(args.corpus), "rows": rows}, indent=2))
    print(table(args.corpus, rows))


if __name__ == "__main__":
    main()
