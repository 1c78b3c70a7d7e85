"""Time a full build of a corpus, next to a plain Whoosh build of the same articles (run by hand).

    .venv/bin/python bench/bench_build.py [--corpus FILE] [--runs N] [--limitmb MB]

Each configuration runs in a fresh child process, so every figure starts cold and the peak memory is that
configuration's own: peak RSS and PSS are sums over the child and its worker processes, sampled from /proc
every 100 ms, as is the disk space of the index folder (the peak over the input size is
search.indexing.INDEX_BYTES_PER_INPUT_BYTE, the free space a build asks for). Configurations:
    project  `search.indexing.build_index`: Indonesian analyser, the project's writer settings, build
             metadata, generation switch. Run twice when --runs 2 (the second run starts with whatever the
             first left on disk, e.g. a stem cache).
    plain    the same articles and fields with Whoosh's StandardAnalyzer (no stemming, no stop list beyond
             Whoosh's English one) and the same writer settings: the cost of Whoosh alone.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WIDTHS = (8, 8, 6, 8, 6, 9, 9, 8, 9)
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "click-id" / "corpus.jsonl"


def children_of() -> dict[int, list[int]]:
    """Every process's children, read from /proc: parent pid -> child pids."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    return children


def tree_memory(root_pid: int) -> tuple[int, int]:
    """(RSS, PSS) in bytes of a process and all its descendants, read from /proc. The RSS sum counts pages
    that forked workers share with their parent once per process; PSS divides them among the sharers."""
    children = children_of()
    rss = pss = 0
    pending = [root_pid]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except OSError:
            continue
        for line in rollup:
            name, _, value = line.partition(":")
            if name in ("Rss", "Pss"):
                kilobytes = int(value.split()[0]) * 1024
                rss, pss = (rss + kilobytes, pss) if name == "Rss" else (rss, pss + kilobytes)
    return rss, pss


def disk_used(folder: Path) -> int:
    """Bytes allocated on disk to the files under `folder` (files may vanish while we walk)."""
    used = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                used += os.lstat(os.path.join(root, name)).st_blocks * 512
    return used


def run_measured(args: list[str], index_dir: Path) -> dict:
    """Run this script as a child with `args`; return its JSON result plus the peak memory and the CPU time
    of its process tree (the CPU time is the steadier figure when other programs share the cores), and the
    peak disk space of `index_dir`."""
    cpu_before = os.times()
    child = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True, cwd=REPO)
    peak_rss = peak_pss = peak_disk = 0

    def sample() -> None:
        nonlocal peak_rss, peak_pss, peak_disk
        while child.poll() is None:
            rss, pss = tree_memory(child.pid)
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            peak_disk = max(peak_disk, disk_used(index_dir))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    output, _ = child.communicate()
    sampler.join()
    if child.returncode != 0:
        raise SystemExit(f"benchmark child {args} failed with status {child.returncode}")
    cpu_after = os.times()
    cpu = sum(
        getattr(cpu_after, part) - getattr(cpu_before, part) for part in ("children_user", "children_system")
    )
    return {
        **json.loads(output),
        "peak_rss_mb": round(peak_rss / 2**20),
        "peak_pss_mb": round(peak_pss / 2**20),
        "peak_disk_mb": round(peak_disk / 2**20),
        "cpu_seconds": cpu,
    }


def build_project(corpus: Path, index_dir: Path) -> dict:
    from search.indexing import build_index
    from search.store import current_generation, generation_dir, generation_size

    report = build_index(index_dir, [corpus])
    size = generation_size(generation_dir(index_dir, current_generation(index_dir)))
    return {"articles": report.indexed, "seconds": report.seconds, "index_mb": round(size / 2**20, 1)}


def build_plain(corpus: Path, index_dir: Path) -> dict:
    from whoosh import index as whoosh_index
    from whoosh.analysis import StandardAnalyzer

    from search.indexing import BUILD_WRITER_OPTIONS
    from search.schema import article_document, make_schema
    from search.sources import iter_articles
    from search.store import generation_size

    started = time.monotonic()
    index_dir.mkdir(parents=True)
    ix = whoosh_index.create_in(str(index_dir), make_schema(StandardAnalyzer()))
    writer = ix.writer(**BUILD_WRITER_OPTIONS)
    count = 0
    for article in iter_articles([corpus]):
        writer.add_document(**article_document(article))
        count += 1
    writer.commit()
    seconds = time.monotonic() - started
    return {"articles": count, "seconds": seconds, "index_mb": round(generation_size(index_dir) / 2**20, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=2, help="project builds in a row (default 2)")
    parser.add_argument(
        "--limitmb", type=int, help="the writer's memory pool per process instead of the default"
    )
    parser.add_argument("--child", choices=["project", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--index", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    sys.path.insert(0, str(REPO))

    if options.child:
        if options.limitmb:
            from search.indexing import BUILD_WRITER_OPTIONS

            BUILD_WRITER_OPTIONS["limitmb"] = options.limitmb
        build = build_project if options.child == "project" else build_plain
        print(json.dumps(build(options.corpus, options.index)))
        return

    if not options.corpus.is_file():
        raise SystemExit(f"corpus not found: {options.corpus}")
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:

        def child(kind: str) -> dict:
            index_dir = Path(scratch) / kind
            args = ["--child", kind, "--corpus", str(options.corpus), "--index", str(index_dir)]
            limit = ["--limitmb", str(options.limitmb)] if options.limitmb else []
            return run_measured(args + limit, index_dir)

        rows = [(f"project, build {run}", child("project")) for run in range(1, options.runs + 1)]
        rows.append(("plain Whoosh (StandardAnalyzer)", child("plain")))

    plain_seconds = rows[-1][1]["seconds"]
    from search.indexing import BUILD_WRITER_OPTIONS

    writer = dict(BUILD_WRITER_OPTIONS, limitmb=options.limitmb or BUILD_WRITER_OPTIONS["limitmb"])
    print(f"corpus: {options.corpus}; writer settings: {writer}")
    columns = (
        "articles",
        "seconds",
        "art/s",
        "x plain",
        "CPU s",
        "peak RSS",
        "peak PSS",
        "index",
        "peak disk",
    )
    print(
        f"{'configuration':34} "
        + " ".join(f"{name:>{width}}" for name, width in zip(columns, WIDTHS, strict=True))
    )
    for name, row in rows:
        print(
            f"{name:34} {row['articles']:>8} {row['seconds']:>8.1f} {row['articles'] / row['seconds']:>6.0f} "
            f"{row['seconds'] / plain_seconds:>8.2f} {row['cpu_seconds']:>6.0f} "
            f"{row['peak_rss_mb']:>6} MB {row['peak_pss_mb']:>6} MB {row['index_mb']:>5} MB "
            f"{row['peak_disk_mb']:>6} MB"
        )
    input_mb = options.corpus.stat().st_size / 2**20
    ratio = rows[0][1]["peak_disk_mb"] / input_mb
    print(f"input {input_mb:.1f} MB; peak disk / input of the first build: {ratio:.1f}")


if __name__ == "__main__":
    main()
