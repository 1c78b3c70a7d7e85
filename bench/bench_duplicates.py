"""Stories of copies (search/duplicates.py), measured on a built index:

    .venv/bin/python bench/bench_duplicates.py clusters --index DIR [--sample 50] [--seed 1]
        # how many stories have two or more articles, their sizes, and a random sample of them to read
        # (outlet, title, the body's start and each member's estimated similarity to the first)
    .venv/bin/python bench/bench_duplicates.py collapse --index DIR_OR_URL
        # over bench/eval_queries.jsonl: the top-10 places collapsing frees (copies a page no longer
        # shows) and nDCG@10 with and without collapsing

`clusters` reads a Whoosh folder; `collapse` searches any index location through the product's Engine.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from eval_ranking import DEPTH, load_queries, ndcg  # noqa: E402

from search.backend import open_location  # noqa: E402
from search.duplicates import signature  # noqa: E402
from search.query import SearchService  # noqa: E402
from search.reader import open_current  # noqa: E402
from search.request import Hit, SearchRequest  # noqa: E402


def clusters(index: Path, sample: int, seed: int) -> None:
    members: defaultdict[str, list[dict]] = defaultdict(list)
    with open_current(index).searcher() as searcher:
        for fields in searcher.all_stored_fields():
            members[fields["cluster"]].append(fields)
    groups = {cluster: found for cluster, found in members.items() if len(found) > 1}
    sizes = Counter(len(found) for found in groups.values())
    articles = sum(len(found) for found in members.values())
    in_groups = sum(len(found) for found in groups.values())
    print(f"articles {articles}, stories {len(members)}, stories of two or more {len(groups)}")
    share = 100 * in_groups / articles
    print(f"articles in them {in_groups} ({share:.1f}%), copies a collapse hides {in_groups - len(groups)}")
    print("sizes: " + ", ".join(f"{size}: {count}" for size, count in sorted(sizes.items())))
    outlets = Counter(len({fields.get("source") for fields in found}) > 1 for found in groups.values())
    print(f"stories across outlets {outlets[True]}, within one outlet {outlets[False]}")
    chosen = random.Random(seed).sample(sorted(groups), min(sample, len(groups)))
    for number, cluster in enumerate(chosen, 1):
        found = sorted(groups[cluster], key=lambda fields: fields["id"] != cluster)
        first = signature(found[0].get("body", ""))
        print(f"\n#{number} cluster {cluster} ({len(found)} articles)")
        for fields in found:
            other = signature(fields.get("body", ""))
            similarity = first.jaccard(other) if first is not None and other is not None else 0.0
            body = " ".join(fields.get("body", "").split())
            print(f"  {similarity:.2f} {fields.get('source')} | {fields.get('title')}\n       {body[:160]}")


def story_ranking(hits: list[Hit]) -> list[str]:
    """The stories of a ranking, a story shown again counting as nothing new (an empty id)."""
    seen: set[str | None] = set()
    stories = []
    for hit in hits:
        stories.append("" if hit.cluster in seen else hit.cluster or hit.id)
        seen.add(hit.cluster)
    return stories


def collapse(location: str) -> None:
    """nDCG@10 by article (the graded articles, copies each graded) and by story (a story's grade is its best
    article's, and a copy shown again gains nothing), with and without collapsing."""
    engine = SearchService(open_location(location)).engine()
    queries = load_queries()
    freed_total = 0
    systems = ("article, all copies", "article, collapsed", "story, all copies", "story, collapsed")
    totals = dict.fromkeys(systems, 0.0)
    print(f"{'query':36} {'freed':>5} " + " ".join(f"{name:>20}" for name in systems))
    for entry in queries:
        shown = {
            name: engine.search(SearchRequest(q=entry["query"], per_page=DEPTH, collapse=collapsing)).results
            for name, collapsing in (("all copies", False), ("collapsed", True))
        }
        freed = len(shown["all copies"]) - len({hit.cluster for hit in shown["all copies"]})
        freed_total += freed
        story_grades: dict[str, int] = {}
        for article, grade in entry["grades"].items():
            story = (engine.backend.stored(article) or {}).get("cluster") or article
            story_grades[story] = max(grade, story_grades.get(story, 0))
        scores = {}
        for name, hits in shown.items():
            scores[f"article, {name}"] = ndcg([hit.id for hit in hits], entry["grades"])
            scores[f"story, {name}"] = ndcg(story_ranking(hits), story_grades)
        for name, value in scores.items():
            totals[name] += value
        print(
            f"{entry['query'][:36]:36} {freed:>5} " + " ".join(f"{scores[name]:>20.3f}" for name in systems)
        )
    count = len(queries)
    print(
        f"{'mean':36} {freed_total / count:>5.2f} "
        + " ".join(f"{totals[name] / count:>20.3f}" for name in systems)
        + f"\n{freed_total} of {count * DEPTH} top-10 places freed over {count} queries"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("clusters", "collapse"))
    parser.add_argument("--index", required=True)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.command == "clusters":
        clusters(Path(args.index), args.sample, args.seed)
    else:
        collapse(args.index)


if __name__ == "__main__":
    main()
