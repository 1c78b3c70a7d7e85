"""CPU of ranking a page, Whoosh's collectors against search/whoosh_ranking.py, and a check that both give the
same pages (run by hand):

    .venv/bin/python bench/bench_ranking.py --index var/index [--queries 2000] [--limit 10]

The queries: bench_load.py's pool of title queries, then the evaluation queries (clean, misspelt, acronyms),
each parsed as the server parses it (acronyms expanded, typo tolerance on), each ranked with stories collapsed
and not. For every one it compares the `--limit` first (document, score) of both and fails on any difference
in order; it reports how many were compared, the largest score difference, and the CPU milliseconds per
ranking of each (time.process_time; the facet counts, which give the ranking its filter, are not counted;
whoosh_ranking reads postings through its cache, warmed up as a server's is).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_load import query_pool  # noqa: E402

from search.backend import open_location  # noqa: E402
from search.query import SearchService  # noqa: E402
from search.request import SearchRequest  # noqa: E402

EVALUATIONS = ("eval_queries", "eval_misspelt", "eval_acronyms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", required=True, help="a Whoosh index folder")
    parser.add_argument("--queries", type=int, default=2000, help="how many of the pool's queries")
    parser.add_argument("--limit", type=int, default=10, help="the ranked places compared")
    args = parser.parse_args()

    pool, _, _ = query_pool(args.index, max(args.queries, 1), 12)
    evaluated = [
        json.loads(line)["query"]
        for name in EVALUATIONS
        for line in (REPO / "bench" / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    engine = SearchService(open_location(args.index), answer_cache_size=0).engine()
    backend = engine.backend
    backend.warm_up(wait=True)  # as a server does before its first request
    compared = unscorable = 0
    largest = 0.0
    spent = {"whoosh": 0.0, "numpy": 0.0}
    for text in pool[: args.queries] + evaluated:
        query = engine.parse(text, acronyms=True)
        for collapse in (True, False):
            request = SearchRequest(q=text, collapse=collapse)
            allowed = engine.facet_counts(query, request).docs
            with backend._searcher() as searcher:
                started = time.process_time()
                ours = backend._ranked(searcher, query, request, allowed, args.limit)
                if ours is None:
                    unscorable += 1
                    continue
                spent["numpy"] += time.process_time() - started
                started = time.process_time()
                theirs = backend._collected(searcher, query, request, allowed, args.limit)
                spent["whoosh"] += time.process_time() - started
            compared += 1
            if [docnum for docnum, _ in ours] != [docnum for docnum, _ in theirs]:
                raise SystemExit(f"different pages for {text!r} (collapse {collapse}): {ours} vs {theirs}")
            largest = max([largest, *(abs(a[1] - b[1]) for a, b in zip(ours, theirs, strict=True))])
    print(
        f"{compared} rankings compared, 0 differ, {unscorable} left to Whoosh; largest score difference "
        f"{largest:.1e}; CPU per ranking: Whoosh's collectors {spent['whoosh'] * 1000 / compared:.1f} ms, "
        f"whoosh_ranking {spent['numpy'] * 1000 / compared:.1f} ms"
    )


if __name__ == "__main__":
    main()
