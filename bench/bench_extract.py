"""Speed of the extraction layer (run by hand).

    .venv/bin/python bench/bench_extract.py [--data DIR] [--runs N]

Reports:
    jsonl   `iter_articles` over click-id/corpus.jsonl: records/s and total seconds (JSON parsing, field
            mapping, body repair, date parsing), best of --runs
    dates   `record_datetime` alone over the corpus's date + time fields
    html    `extract_html` per saved page under html/: pages/s, mean and slowest page, best of --runs;
            how many pages got a category and an author
    gold    per-field hits over html/gold.jsonl (title, date to the minute, body first and last paragraph,
            outlet, no boilerplate leak), scored by tests/test_extract.py's `score_gold`, and its misses
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

sys.path.insert(0, str(REPO / "tests"))

from test_extract import score_gold  # noqa: E402

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
    parser.add_argument("--html-only", action="store_true", help="only the html and gold reports")
    args = parser.parse_args()
    report_html(args.data, args.runs)
    if not args.html_only:
        report_corpus(args.data, args.runs)


def report_html(data: Path, runs: int) -> None:
    pages = sorted((data / "html").rglob("*.html"))
    raw = [page.read_bytes() for page in pages]
    per_page = []
    for page_bytes in raw:
        per_page.append(best_of(runs, lambda page_bytes=page_bytes: extract_html(page_bytes)))
    total = sum(per_page)
    slowest = max(range(len(pages)), key=per_page.__getitem__)
    print(
        f"html    {len(pages)} pages, {len(pages) / total:.1f} pages/s, mean {total / len(pages) * 1000:.0f} "
        f"ms/page, slowest {per_page[slowest] * 1000:.0f} ms "
        f"({pages[slowest].relative_to(data)}, {len(raw[slowest]) / 1024:.0f} KB)"
    )
    articles = [extract_html(page_bytes) for page_bytes in raw]
    with_category = sum(1 for article in articles if article.category)
    with_author = sum(1 for article in articles if article.author)
    print(f"        category on {with_category}/{len(pages)} pages, author on {with_author}/{len(pages)}")

    hits, count, misses = score_gold(data / "html")
    print("gold    " + ", ".join(f"{field} {hit}/{count}" for field, hit in hits.items()))
    for miss in misses:
        print("        miss:", miss)


def report_corpus(data: Path, runs: int) -> None:
    corpus = data / "click-id" / "corpus.jsonl"
    count = sum(1 for _ in iter_articles([corpus]))
    seconds = best_of(runs, lambda: sum(1 for _ in iter_articles([corpus])))
    print(f"jsonl   {count} articles in {seconds:.2f} s ({count / seconds:,.0f}/s)")

    records = [json.loads(line) for line in corpus.open(encoding="utf-8")]
    fields = [(r.get("date"), r.get("time")) for r in records]
    seconds = best_of(runs, lambda: [record_datetime(d, t) for d, t in fields])
    each = seconds / len(fields) * 1e6
    print(f"dates   {len(fields)} date+time fields in {seconds * 1000:.0f} ms ({each:.1f} µs each)")

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
