"""Speed of the extraction layer (run by hand).

    .venv/bin/python bench/bench_extract.py [--data DIR] [--runs N]

Reports:
    jsonl   `iter_articles` over click-id/corpus.jsonl: records/s and total seconds (JSON parsing, field
            mapping, body repair, date parsing), best of --runs
    dates   `record_datetime` alone over the corpus's date + time fields
    html    `extract_html` per saved page under html/: mean and slowest page, best of --runs
    dateparser  one dateparser.parse call per corpus date + time, on the first 2,000 records, for the
            comparison made in search/dates.py
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from search.extract import extract_html  # noqa: E402
from search.sources import iter_articles, record_datetime  # noqa: E402


def best_of(runs: int, work) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        timings.append(time.perf_counter() - start)
    return min(timings)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    corpus = args.data / "click-id" / "corpus.jsonl"
    count = sum(1 for _ in iter_articles([corpus]))
    seconds = best_of(args.runs, lambda: sum(1 for _ in iter_articles([corpus])))
    print(f"jsonl   {count} articles in {seconds:.2f} s ({count / seconds:,.0f}/s)")

    records = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    fields = [(r.get("date"), r.get("time")) for r in records]
    seconds = best_of(args.runs, lambda: [record_datetime(d, t) for d, t in fields])
    each = seconds / len(fields) * 1e6
    print(f"dates   {len(fields)} date+time fields in {seconds * 1000:.0f} ms ({each:.1f} µs each)")

    pages = sorted((args.data / "html").rglob("*.html"))
    raw = [page.read_bytes() for page in pages]
    per_page = []
    for data in raw:
        per_page.append(best_of(args.runs, lambda data=data: extract_html(data)))
    mean = sum(per_page) / len(per_page)
    slowest = max(range(len(pages)), key=per_page.__getitem__)
    print(
        f"html    {len(pages)} pages, mean {mean * 1000:.0f} ms/page, "
        f"slowest {per_page[slowest] * 1000:.0f} ms "
        f"({pages[slowest].relative_to(args.data)}, {len(raw[slowest]) / 1024:.0f} KB)"
    )

    try:
        import dateparser
    except ImportError:
        return
    sample = [f"{d} {t or ''}".strip() for d, t in fields[:2000] if d]
    dateparser.parse(sample[0], languages=["id"])  # warm-up
    seconds = best_of(1, lambda: [dateparser.parse(s, languages=["id"]) for s in sample])
    print(
        f"dateparser {len(sample)} strings in {seconds:.2f} s ({seconds / len(sample) * 1000:.2f} ms each, "
        f"{seconds / len(sample) * len(fields):.0f} s for the whole corpus)"
    )


if __name__ == "__main__":
    main()
