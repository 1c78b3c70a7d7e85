"""CPU of marking a results page's titles and snippets, and a check that the output equals Whoosh's own
highlight() (run by hand):

    .venv/bin/python bench/bench_snippets.py --index var/index [--queries 300] [--rounds 3]

Collects a realistic workload first: the first --queries distinct queries of bench_load.py's pool, each
searched once through a SearchService that caches no answers, recording every (title or body, highlight
terms) that search/query.py hands to search/snippets.py. Then it times only the highlighting of those pages,
as Whoosh's highlight() does it (the reference: ContextFragmenter, WholeFragmenter, BasicFragmentScorer,
MarkFormatter over the analyser's tokens) and as search/snippets.py does it, and fails unless every
title_html and snippet string is identical. Times are CPU milliseconds per page (time.process_time) for
    first   the first pass in this process: the stems loaded from the index's stem cache, as a server
            starts, but the raw-word cache empty
    warm    the best of --rounds further passes (every word of the pages already analysed)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_load import query_pool  # noqa: E402
from whoosh.highlight import highlight  # noqa: E402

from search import analysis, snippets  # noqa: E402
from search.backend import open_location  # noqa: E402
from search.query import SearchService  # noqa: E402
from search.request import SearchRequest  # noqa: E402

# One page: ("title" or "body", text, terms) per call, in the order the engine made them.
Page = list[tuple[str, str, frozenset[str]]]


def collect(index: str, count: int) -> list[Page]:
    """The highlighting calls of `count` distinct uncached searches."""
    queries = query_pool(index, 2000, 12)[0][:count]
    service = SearchService(open_location(index), answer_cache_size=0)
    pages: list[Page] = []
    calls: Page = []
    marked_snippet, marked_title = snippets.marked_snippet, snippets.marked_title

    def recording_snippet(body, terms, analyzer):
        calls.append(("body", body, terms))
        return marked_snippet(body, terms, analyzer)

    def recording_title(title, terms, analyzer):
        calls.append(("title", title, terms))
        return marked_title(title, terms, analyzer)

    snippets.marked_snippet, snippets.marked_title = recording_snippet, recording_title
    try:
        for query in queries:
            calls = []
            service.search(SearchRequest(q=query))
            pages.append(calls)
    finally:
        snippets.marked_snippet, snippets.marked_title = marked_snippet, marked_title
    return pages


def whoosh_title(title, terms, analyzer):
    marked = highlight(
        title, terms, analyzer, snippets._WHOLE, snippets._FORMATTER, top=1, minscore=0, mode="index"
    )
    return marked or snippets.escape(title, quote=True)


def whoosh_snippet(body, terms, analyzer):
    window = body[: snippets.BODY_WINDOW]
    marked = (
        highlight(
            window,
            terms,
            analyzer,
            snippets._CONTEXT,
            snippets._FORMATTER,
            top=snippets.MAX_FRAGMENTS,
            mode="index",
        )
        if terms
        else ""
    )
    return marked or snippets.escape(snippets.opening(body), quote=True)


def run(pages: list[Page], title, snippet, analyzer) -> tuple[float, list[str]]:
    out: list[str] = []
    start = time.process_time()
    for page in pages:
        for kind, text, terms in page:
            out.append((title if kind == "title" else snippet)(text, terms, analyzer))
    return time.process_time() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", default=str(REPO / "var" / "index"))
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    pages = collect(args.index, args.queries)
    analyzer = analysis.indonesian_analyzer()
    calls = sum(len(page) for page in pages)
    print(f"{len(pages)} pages, {calls} calls ({sum(k == 'body' for p in pages for k, _, _ in p)} bodies)")
    stems = analysis.cached_stems()
    ways = {
        "whoosh": (whoosh_title, whoosh_snippet),
        "snippets": (snippets.marked_title, snippets.marked_snippet),
    }
    results, first, warm = {}, {}, {}
    for name, (title, snippet) in ways.items():
        analysis.clear_caches()
        analysis._STEMS.update(stems)  # as a server starts: stems loaded, no raw word analysed yet
        first[name], results[name] = run(pages, title, snippet, analyzer)
    for _ in range(args.rounds):  # alternated, so that the machine's load weighs on both alike
        for name, (title, snippet) in ways.items():
            warm[name] = min(warm.get(name, float("inf")), run(pages, title, snippet, analyzer)[0])
    for name in ways:
        print(
            f"{name:9} first {first[name] * 1000 / len(pages):6.2f} ms/page"
            f"   warm {warm[name] * 1000 / len(pages):6.2f} ms/page"
        )
    differing = sum(a != b for a, b in zip(results["whoosh"], results["snippets"], strict=True))
    print(f"identical: {calls - differing} of {calls} strings")
    if differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
