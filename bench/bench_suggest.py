"""Latency of completions per keystroke (GET /api/suggest through the Flask app). Run by hand:

    .venv/bin/python bench/bench_suggest.py --index var/index [--titles 300]

Keystrokes are what a reader types: the first two words of titles stored in the index (a fixed seed), one
letter at a time from the second letter on. Each prefix is asked once and the engine's completion cache is
cleared before each, so every figure is a cold lookup; the answer's p50, p95 and max are printed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from search.reader import open_current  # noqa: E402
from web import create_app  # noqa: E402


def keystrokes(index_dir: str, titles: int) -> list[str]:
    with open_current(index_dir).searcher() as searcher:
        stored = [fields["title"] for fields in searcher.all_stored_fields()]
    typed: list[str] = []
    for title in random.Random(13).sample(stored, min(titles, len(stored))):
        text = " ".join(title.lower().split()[:2])
        typed += [text[:end] for end in range(2, len(text) + 1) if not text[:end].endswith(" ")]
    return typed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True)
    parser.add_argument("--titles", type=int, default=300)
    args = parser.parse_args()
    app = create_app({"INDEX": args.index})
    client = app.test_client()
    engine = app.extensions["search"].engine()
    client.get("/api/suggest?q=ke")  # open the index and warm the searcher pool
    seconds = []
    for text in keystrokes(args.index, args.titles):
        engine._completion_cache.clear()
        started = time.perf_counter()
        answer = client.get("/api/suggest?" + urlencode({"q": text}))
        seconds.append(time.perf_counter() - started)
        assert answer.status_code == 200
    ms = sorted(1000 * s for s in seconds)
    print(
        f"{len(ms)} keystrokes: p50 {statistics.median(ms):.1f} ms, "
        f"p95 {ms[int(0.95 * (len(ms) - 1))]:.1f} ms, max {ms[-1]:.1f} ms"
    )


if __name__ == "__main__":
    main()
