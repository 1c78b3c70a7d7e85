"""CPU of the Whoosh engine's typo lookups, Whoosh's own term automaton against search/whoosh_vocabulary.py,
over the same uncached queries in one process. Run by hand:

    .venv/bin/python bench/bench_typos.py --index var/index

The queries: the first 261 of bench_load.py's pool (seed 12) and the 39 of eval_misspelt.jsonl. Each pass
opens the index afresh (no remembered variants, and the word list is read within the pass, on its first
lookup); passes alternate between the two lookups after a warm-up pass, and every pass must give the same
answers. CPU time (time.process_time), not wall time: the figure that compares on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench_load import query_pool  # noqa: E402

from search.backend import open_location  # noqa: E402
from search.query import SearchService  # noqa: E402
from search.request import SearchRequest  # noqa: E402
from search.whoosh_backend import WhooshBackend  # noqa: E402

NEW = WhooshBackend.words_near


def automaton(self: WhooshBackend, word: str, maxdist: int, prefix: int) -> set[str]:
    """The lookup before search/whoosh_vocabulary.py: each segment's `terms_within`."""
    with self._searcher() as searcher:
        return {
            candidate
            for leaf, _offset in searcher.reader().leaf_readers()
            for candidate in leaf.terms_within(self._spelled, word, maxdist, prefix=prefix)
        }


def one_pass(index: str, queries: list[str], lookup) -> tuple[float, list[float], list]:
    """CPU seconds of the searches, of each lookup, and the answers."""
    spent: list[float] = []

    def timed(self, *args):
        start = time.process_time()
        try:
            return lookup(self, *args)
        finally:
            spent.append(time.process_time() - start)

    WhooshBackend.words_near = timed  # type: ignore[method-assign]
    service = SearchService(open_location(index), answer_cache_size=0)
    service.engine()
    answers = []
    start = time.process_time()
    for text in queries:
        found = service.search(SearchRequest(q=text))
        answers.append(
            (
                found.total,
                [hit.id for hit in found.results],
                found.correction,
                found.suggestion,
                found.query_used,
            )
        )
    total = time.process_time() - start
    service.engine().close()
    return total, spent, answers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=str(REPO / "var" / "index"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    misspelt = [json.loads(line)["query"] for line in (REPO / "bench" / "eval_misspelt.jsonl").open()]
    queries = query_pool(args.index, 2000, 12)[0][: 300 - len(misspelt)] + misspelt
    _total, _spent, expected = one_pass(args.index, queries, NEW)  # warm-up: stems, page cache
    for _round in range(args.rounds):
        for name, lookup in (("automaton", automaton), ("word list", NEW)):
            total, spent, answers = one_pass(args.index, queries, lookup)
            assert answers == expected, f"{name}: other answers"
            rest = sorted(spent[1:])
            print(
                f"{name:>9}: {1000 * total / len(queries):5.1f} ms CPU a query; {len(spent)} lookups, "
                f"{1000 * sum(spent):6.1f} ms in all, first {1000 * spent[0]:5.1f} ms, then mean "
                f"{1000 * sum(rest) / len(rest):6.3f} ms, median {1000 * rest[len(rest) // 2]:6.3f} ms"
            )
    print(f"same answers in every pass ({len(queries)} queries)")


if __name__ == "__main__":
    main()
