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
import os
import resource
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

from bench_build import children_of  # noqa: E402
from bench_latency import (  # noqa: E402
    WARM_UP_QUERIES,
    eval_queries,
    percentile,
    sequential_pass,
    start_server,
    timed_get,
    title_queries,
)

CLUSTER_VAR = REPO / "var" / "cluster"
SAMPLE_EVERY = 0.5  # seconds between two memory samples
MB = 2**20


# --- Processes and memory --------------------------------------------------------------------------------


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
    children = children_of()
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time one process has used so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def jvm_cpu(pids: dict[str, int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids.values())


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(command: list[str], watch: dict[str, int] | None = None) -> dict:
    """Run `command` from the repository; wall time, peak RSS of its process tree and, for the processes in
    `watch` (the JVMs), their RSS before, at peak and after. Exits with the child's output on a failure."""
    watch = watch or {}
    before = jvm_rss(watch)
    peak_tree = 0
    peak_watch = dict(before)
    jvm_cpu_before, cpu_before = jvm_cpu(watch), children_cpu()
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
    cpu = children_cpu() - cpu_before  # the indexer and its forked workers, once all were waited for
    jvms_cpu = jvm_cpu(watch) - jvm_cpu_before
    stop.set()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(
            f"{' '.join(command)} failed with status {child.returncode}:\n{out[-2000:]}{err[-4000:]}"
        )
    restarted = [name for name, pid in node_pids().items() if watch and watch.get(name) != pid]
    return {
        "wall_seconds": seconds,
        "cpu_seconds": cpu,
        "jvm_cpu_seconds": jvms_cpu,  # every request the nodes served meanwhile, other users' included
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
        "build_cpu_s": run["cpu_seconds"],
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
        "build_cpu_s": run["cpu_seconds"],
        "build_jvm_cpu_s": run["jvm_cpu_seconds"],
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
    pids = node_pids()
    try:
        for word in WARM_UP_QUERIES:
            timed_get(base, {"q": word})
        server_cpu, nodes_cpu = cpu_seconds(proc.pid), jvm_cpu(pids)
        walls, tooks, totals = sequential_pass(base, sequential)
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            answers = list(pool.map(lambda params: timed_get(base, params), concurrent))
        elapsed = time.perf_counter() - started
        server_rss = tree_rss(proc.pid)
        server_cpu = cpu_seconds(proc.pid) - server_cpu
        nodes_cpu = jvm_cpu(pids) - nodes_cpu
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
        "server_cpu_ms_per_request": server_cpu * 1000 / (len(sequential) + len(concurrent)),
        "jvm_cpu_ms_per_request": nodes_cpu * 1000 / (len(sequential) + len(concurrent)),
    }


# --- Report ------------------------------------------------------------------------------------------------


def mb(value: int) -> str:
    return f"{value / MB:,.1f} MB" if value < 100 * MB else f"{value / MB:,.0f} MB"


def jvm_line(row: dict, key: str) -> str:
    values = row[key]
    return " + ".join(f"{v / MB:.0f}" for v in values.values()) + f" = {sum(values.values()) / MB:,.0f} MB"


ROWS = (
    ("build, wall (indexer process)", lambda r: f"{r['build_wall_s']:.1f} s"),
    ("build, indexer's own figure", lambda r: f"{r['build_indexer_s']:.1f} s"),
    ("articles/s (wall)", lambda r: f"{r['articles'] / r['build_wall_s']:,.0f}"),
    ("build CPU, indexer process tree", lambda r: f"{r['build_cpu_s']:.0f} s"),
    ("build CPU, node JVMs (all users)", lambda r: f"{r['build_jvm_cpu_s']:.0f} s"),
    ("index size, primaries", lambda r: mb(r["size_primaries"])),
    ("index size, with replicas", lambda r: mb(r["size_total"])),
    ("peak RSS, indexer process tree", lambda r: mb(r["peak_indexer_rss"])),
    ("node JVMs RSS before build", lambda r: jvm_line(r, "jvm_before")),
    ("node JVMs RSS peak during build", lambda r: jvm_line(r, "jvm_peak")),
    ("node JVMs RSS after build", lambda r: jvm_line(r, "jvm_after")),
    ("nodes restarted (by others) during the build", lambda r: ", ".join(r["jvm_restarted"]) or "none"),
    ("node JVMs RSS after searches", lambda r: jvm_line(r, "jvm_after_search")),
    ("sequential p50 / p95 (end to end)", lambda r: f"{r['seq_p50']:.0f} / {r['seq_p95']:.0f} ms"),
    (
        "sequential p50 / p95 (server took_ms)",
        lambda r: f"{r['seq_took_p50']:.0f} / {r['seq_took_p95']:.0f} ms",
    ),
    ("4 clients p50 / p95", lambda r: f"{r['conc_p50']:.0f} / {r['conc_p95']:.0f} ms"),
    ("4 clients throughput", lambda r: f"{r['conc_rate']:.1f} req/s"),
    ("web server RSS after the passes", lambda r: mb(r["server_rss"])),
    ("web server CPU per request", lambda r: f"{r['server_cpu_ms_per_request']:.0f} ms"),
    (
        "node JVMs CPU per request (all users)",
        lambda r: f"{r['jvm_cpu_ms_per_request']:.0f} ms" if r["engine"] == "OpenSearch" else "-",
    ),
)


def cell(render, row: dict | None) -> str:
    if row is None:
        return "-"
    try:
        return render(row)
    except (KeyError, TypeError, ZeroDivisionError):
        return "-"


def table(corpus: str, rows: list[dict]) -> str:
    """One corpus: Whoosh and OpenSearch side by side (a run of one engine leaves the other column empty)."""
    by_engine = {row["engine"]: row for row in rows}
    whoosh, cluster = by_engine.get("Whoosh"), by_engine.get("OpenSearch")
    articles = (whoosh or cluster)["articles"]
    lines = [
        f"corpus: {corpus} ({articles:,} articles indexed)",
        "",
        "| figure | Whoosh | OpenSearch (3 nodes, 3 shards, 1 replica) |",
        "|---|---:|---:|",
    ]
    for name, render in ROWS:
        values = (cell(render, whoosh), cell(render, cluster))
        if values != ("-", "-"):
            lines.append(f"| {name} | {values[0]} | {values[1]} |")
    if whoosh and cluster and "totals" in whoosh and "totals" in cluster:
        same = sum(a == b for a, b in zip(whoosh["totals"], cluster["totals"], strict=True))
        lines += [
            "",
            f"sequential queries with the same total on both engines: {same} of {len(whoosh['totals'])}",
        ]
    return "\n".join(lines)


GROWTH = (
    ("build wall", lambda r: r["build_wall_s"], "{:.0f} s"),
    ("build CPU, indexer tree", lambda r: r["build_cpu_s"], "{:.0f} s"),
    ("build CPU, indexer tree + JVMs", lambda r: r["build_cpu_s"] + r.get("build_jvm_cpu_s", 0), "{:.0f} s"),
    ("index size, primaries", lambda r: r["size_primaries"] / MB, "{:.0f} MB"),
    ("index size, with replicas", lambda r: r["size_total"] / MB, "{:.0f} MB"),
    ("peak RSS, indexer tree", lambda r: r["peak_indexer_rss"] / MB, "{:.0f} MB"),
    ("node JVMs RSS after build", lambda r: sum(r["jvm_after"].values()) / MB, "{:.0f} MB"),
    ("sequential p50", lambda r: r["seq_p50"], "{:.0f} ms"),
    ("sequential p95", lambda r: r["seq_p95"], "{:.0f} ms"),
    ("4 clients p50", lambda r: r["conc_p50"], "{:.0f} ms"),
    ("4 clients p95", lambda r: r["conc_p95"], "{:.0f} ms"),
    ("web server RSS", lambda r: r["server_rss"] / MB, "{:.0f} MB"),
)


def growth(runs: list[dict]) -> str:
    """How each figure grows from the smallest corpus to the larger ones (x = ratio to the smallest)."""
    runs = sorted(runs, key=lambda run: run["rows"][0]["articles"])
    lines = [
        "| engine | figure | "
        + " | ".join(f"{run['rows'][0]['articles']:,} articles" for run in runs)
        + " |",
        "|---|---|" + "---:|" * len(runs),
    ]
    for engine in ("Whoosh", "OpenSearch"):
        rows = [next((row for row in run["rows"] if row["engine"] == engine), None) for run in runs]
        for name, value, form in GROWTH:
            cells, first = [], None
            for row in rows:
                try:
                    figure = value(row)
                except (KeyError, TypeError):
                    cells.append("-")
                    continue
                first = figure if first is None else first
                ratio = f" (x{figure / first:.1f})" if first and row is not rows[0] else ""
                cells.append(form.format(figure) + ratio)
            if any(c != "-" for c in cells):
                lines.append(f"| {engine} | {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(paths: list[Path]) -> None:
    """Tables from the JSON of earlier runs: runs of the same corpus are merged (one per engine)."""
    merged: dict[str, dict] = {}
    for path in paths:
        run = json.loads(path.read_text())
        into = merged.setdefault(run["corpus"], {"corpus": run["corpus"], "rows": []})
        into["rows"] += run["rows"]
    for run in merged.values():
        print(table(run["corpus"], run["rows"]) + "\n")
    if len(merged) > 1:
        print(growth(list(merged.values())))


def existing(engine: str, location: str) -> dict:
    """The figures of an index built earlier (--reuse): its articles and size."""
    stats = index_stats(location)
    row = {
        "engine": engine,
        "articles": stats["articles"],
        "size_primaries": stats["size_bytes"],
        "size_total": stats["size_bytes"],
    }
    if engine == "OpenSearch":
        base, alias = location.rsplit("/", 1)
        store = cluster_get(base, f"/{alias}/_stats/store")["_all"]
        row["size_primaries"] = store["primaries"]["store"]["size_in_bytes"]
        row["size_total"] = store["total"]["store"]["size_in_bytes"]
    return row


def wait_for_index(folder: str, log, patience: float = 3600) -> None:
    """Wait for the Whoosh index the queries come from, when another run is still building it."""
    from search.store import current_generation

    deadline = time.monotonic() + patience
    if current_generation(folder) is None:
        log(f"waiting for {folder} to be built")
    while current_generation(folder) is None:
        if time.monotonic() > deadline:
            raise SystemExit(
                f"no Whoosh index in {folder} after {patience:.0f} s: nothing to take queries from"
            )
        time.sleep(5)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", type=Path, nargs="?")
    parser.add_argument("--name", help="alias bench-NAME and workdir name (default: the corpus's file stem)")
    parser.add_argument("--cluster", default="http://127.0.0.1:9200", help="cluster base URL")
    parser.add_argument("--workdir", type=Path, help="where the Whoosh index goes (/tmp/bench-engines/NAME)")
    parser.add_argument("--engine", choices=("both", "whoosh", "opensearch"), default="both")
    parser.add_argument(
        "--titles", help="Whoosh index whose titles make the queries (default: the one built here)"
    )
    parser.add_argument("--queries", type=int, default=200, help="requests per pass (default 200)")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep both indexes (e.g. for eval_ranking)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="no builds: measure the indexes an earlier --keep run left (latency and size only)",
    )
    parser.add_argument(
        "--report", type=Path, nargs="+", metavar="JSON", help="only print the tables of earlier --json runs"
    )
    args = parser.parse_args()
    if args.report:
        report(args.report)
        return
    if args.corpus is None or not (args.corpus.is_file() or args.corpus.is_dir()):
        raise SystemExit(f"corpus not found: {args.corpus}")
    name = (args.name or args.corpus.stem).lower().replace("_", "-")
    alias = f"bench-{name}"
    base = args.cluster.rstrip("/")
    workdir = args.workdir or Path("/tmp/bench-engines") / name
    whoosh_dir = workdir / "whoosh"
    location = f"{base}/{alias}"
    titles = args.titles or str(whoosh_dir)
    if args.engine == "opensearch" and not args.titles:
        raise SystemExit("--engine opensearch needs --titles DIR: a Whoosh index to take query words from")

    def log(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    targets: list[tuple[dict, str]] = []
    try:
        if args.engine in ("both", "whoosh"):
            if args.reuse:
                whoosh = existing("Whoosh", str(whoosh_dir))
            else:
                log(f"Whoosh build into {whoosh_dir}")
                whoosh = build_whoosh(args.corpus, whoosh_dir)
                log(f"  {whoosh['build_wall_s']:.1f} s, {whoosh['build_cpu_s']:.0f} s CPU")
            targets.append((whoosh, str(whoosh_dir)))
        if args.engine in ("both", "opensearch"):
            if args.reuse:
                cluster = existing("OpenSearch", location)
            else:
                log(f"OpenSearch build into {location}")
                cluster = build_cluster(args.corpus, base, alias)
                log(f"  {cluster['build_wall_s']:.1f} s, {cluster['build_cpu_s']:.0f} s CPU")
            targets.append((cluster, location))

        log(f"queries from the titles of {titles}")
        wait_for_index(titles, log)
        sequential = eval_queries(30)
        sequential += title_queries(titles, args.queries - len(sequential), seed=1)
        concurrent = title_queries(titles, args.queries, seed=2)
        for row, where in targets:
            log(f"latency on {row['engine']}")
            row.update(latency(where, sequential, concurrent, args.clients))
            log(f"  p50 {row['seq_p50']:.0f} ms, 4 clients p50 {row['conc_p50']:.0f} ms")
            if row["engine"] == "OpenSearch":
                row["jvm_after_search"] = jvm_rss(node_pids())
    finally:
        if not args.keep:
            if args.engine != "whoosh":
                removed = remove_alias_indexes(base, alias)
                log(f"deleted {', '.join(removed) or 'no index'}")
            if args.engine != "opensearch":
                log(f"removing {workdir}")
                shutil.rmtree(workdir, ignore_errors=True)

    rows = [row for row, _ in targets]
    if args.json:
        args.json.write_text(json.dumps({"corpus": str(args.corpus), "rows": rows}, indent=2))
    print(table(str(args.corpus), rows))


if __name__ == "__main__":
    main()
