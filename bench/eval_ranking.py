"""Ranking quality: nDCG@10 with stemming off and on, over the queries and grades in bench/eval_queries.jsonl.

    .venv/bin/python bench/eval_ranking.py build [--corpus FILE] [--workdir var/eval]   # both indexes
    .venv/bin/python bench/eval_ranking.py pool [QUERY...]    # candidates to judge: both top-10s, merged
    .venv/bin/python bench/eval_ranking.py score              # nDCG@10 per query and the mean
    .venv/bin/python bench/eval_ranking.py score --engine DIR --engine http://127.0.0.1:9200/ALIAS
                                        # the product on each index location (a Whoosh folder or an
                                        # OpenSearch alias), and how many of each query's top 10 they share
    .venv/bin/python bench/eval_ranking.py score --queries bench/eval_acronyms.jsonl --engine DIR
                                        # another set of graded queries (pool and score)
    .venv/bin/python bench/eval_ranking.py score --queries bench/eval_misspelt.jsonl --engine DIR
                                        # the same queries with the slips people make
    .venv/bin/python bench/eval_ranking.py score --engine DIR --acronyms off
                                        # the product with acronym expansion off (before/after)

Both indexes hold the same articles (the whole click-id corpus by default). "Stemming on" is the product's
index, built by search.indexing.build_index. "Stemming off" swaps the title and body analyser for a plain
one (words, lowercase, the same stop words, no Sastrawi) and keeps everything else. Both are searched
through the product's own Engine: every word required, the best partial matches when nothing has all.

eval_queries.jsonl holds one query per line (eval_acronyms.jsonl: acronyms typed where articles write the
long form, and the other way round): {"query": ..., "grades": {article id: 0-3}}; 3 = about exactly
what the query asks, 2 = clearly relevant, 1 = mentions it in passing, 0 = not relevant. Grades were given
by reading the pooled articles; no article text is kept. Unjudged results count as 0.
eval_misspelt.jsonl holds misspelt versions of those queries (a dropped, doubled or swapped letter, a
neighbouring key, a vowel variant in a name), each with its clean query, its kind of slip and the clean
query's grades: a misspelt query should find what the reader meant.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from whoosh import index as whoosh_index  # noqa: E402
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StopFilter  # noqa: E402
from whoosh.fields import TEXT, Schema  # noqa: E402

from search.analysis import stopwords  # noqa: E402
from search.backend import open_location  # noqa: E402
from search.indexing import build_index  # noqa: E402
from search.query import Engine, SearchService  # noqa: E402
from search.reader import open_current  # noqa: E402
from search.request import SearchRequest  # noqa: E402
from search.schema import TITLE_BOOST, article_document, make_schema  # noqa: E402
from search.sources import iter_articles  # noqa: E402
from search.whoosh_backend import WhooshBackend  # noqa: E402

QUERIES = REPO / "bench" / "eval_queries.jsonl"
DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "click-id" / "corpus.jsonl"
DEPTH = 10


def plain_schema() -> Schema:
    """The product schema with a non-stemming analyser on title and body."""
    schema = make_schema()
    plain = RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=stopwords(), minsize=1)
    for name, boost in (("title", TITLE_BOOST), ("body", 1.0)):
        schema.remove(name)
        schema.add(name, TEXT(analyzer=plain, stored=True, field_boost=boost, spelling=True))
    return schema


def build(corpus: Path, workdir: Path) -> None:
    stemmed, plain = workdir / "stemmed", workdir / "plain"
    shutil.rmtree(workdir, ignore_errors=True)
    print(build_index(stemmed, [corpus]).to_dict())
    plain.mkdir(parents=True)
    ix = whoosh_index.create_in(str(plain), plain_schema())
    seen: set[str] = set()
    with ix.writer(procs=2, multisegment=True, limitmb=512) as writer:
        for article in iter_articles([corpus]):
            if article.id not in seen:
                seen.add(article.id)
                writer.add_document(**article_document(article))
    print(f"plain index: {len(seen)} articles")


def engines(workdir: Path) -> dict[str, Engine]:
    return {
        "stemming off": Engine(WhooshBackend(whoosh_index.open_dir(str(workdir / "plain")))),
        "stemming on": Engine(WhooshBackend(open_current(workdir / "stemmed"))),
    }


def located(locations: list[str], acronyms: bool) -> dict[str, Engine]:
    """The product's engine over each index location: a Whoosh folder or an OpenSearch URL with alias."""
    return {
        location: SearchService(open_location(location), expand_acronyms=acronyms).engine()
        for location in locations
    }


def global_term_statistics() -> None:
    """Diagnosis only (--dfs): OpenSearch ranks with the term statistics of all shards together
    (search_type=dfs_query_then_fetch), as one Whoosh index does, instead of each shard's own."""
    from search.opensearch import reading
    from search.opensearch.cluster import answering

    def search(self, body: dict) -> dict:
        with answering(self.address):
            return self.client.search(index=self.index, body=body, search_type="dfs_query_then_fetch")

    reading.ClusterBackend._search = search


def load_queries(path: Path = QUERIES) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ranked_ids(engine: Engine, query: str) -> list[str]:
    return [hit.id for hit in engine.search(SearchRequest(q=query, per_page=DEPTH)).results]


def ndcg(ranking: list[str], grades: dict[str, int]) -> float:
    def dcg(gains: list[int]) -> float:
        return sum((2**gain - 1) / math.log2(rank + 2) for rank, gain in enumerate(gains[:DEPTH]))

    ideal = dcg(sorted(grades.values(), reverse=True))
    return dcg([grades.get(doc, 0) for doc in ranking]) / ideal if ideal else 0.0


def score(workdir: Path, locations: list[str], queries_file: Path, acronyms: bool) -> None:
    """nDCG@10 per query for each system; with several --engine locations, also the top-10 overlap of
    each later location with the first (how many articles both rank in their top 10, in any order)."""
    systems = located(locations, acronyms) if locations else engines(workdir)
    names = {name: f"#{number}" for number, name in enumerate(systems, 1)} if locations else None
    if names:
        for name, label in names.items():
            print(f"{label}: {name}")
    label = names.get if names else (lambda name: name)
    others = list(systems)[1:] if locations else []
    totals = dict.fromkeys(systems, 0.0)
    shared = dict.fromkeys(others, 0)
    same_order = dict.fromkeys(others, 0)
    share = dict.fromkeys(others, 0.0)
    queries = load_queries(queries_file)
    print(
        f"{'query':40} "
        + " ".join(f"{label(name):>13}" for name in systems)
        + "".join(f" {'top10 #1&' + label(name)[1:]:>11}" for name in others)
    )
    for entry in queries:
        rankings = {name: ranked_ids(engine, entry["query"]) for name, engine in systems.items()}
        values = {name: ndcg(ranking, entry["grades"]) for name, ranking in rankings.items()}
        for name, value in values.items():
            totals[name] += value
        first = rankings[next(iter(systems))]
        overlap = ""
        for name in others:
            common = len(set(first) & set(rankings[name]))
            shared[name] += common
            same_order[name] += first == rankings[name]
            share[name] += common / max(len(first), len(rankings[name]), 1)
            overlap += f" {common:>8}/{max(len(first), len(rankings[name])):<2}"
        print(f"{entry['query'][:40]:40} " + " ".join(f"{values[name]:13.3f}" for name in systems) + overlap)
    print(f"{'mean nDCG@10 over ' + str(len(queries)) + ' queries':40} "
          + " ".join(f"{totals[name] / len(queries):13.3f}" for name in systems)
          + "".join(f" {shared[name] / len(queries):>11.1f}" for name in others))  # fmt: skip
    for name in others:
        print(f"#1 and {label(name)}: top 10s share {shared[name] / len(queries):.1f} articles a query "
              f"({share[name] / len(queries):.0%} of the longer list); the same top 10 in the same order "
              f"for {same_order[name]} of {len(queries)} queries")  # fmt: skip


def pool(workdir: Path, only: list[str], queries_file: Path, locations: list[str]) -> None:
    """Print every article any system ranks in its top 10 (with --engine: each location with acronym
    expansion on and off), with its current grade and the start of its snippet, for judging."""
    systems = (
        list(located(locations, True).values()) + list(located(locations, False).values())
        if locations
        else list(engines(workdir).values())
    )
    for entry in load_queries(queries_file):
        if only and entry["query"] not in only:
            continue
        print(f"\n## {entry['query']}")
        seen: dict[str, str] = {}
        for engine in systems:
            for hit in engine.search(SearchRequest(q=entry["query"], per_page=DEPTH)).results:
                lead = re.sub(r"<[^>]+>", "", " ".join(hit.snippet.split()))[:200]
                seen.setdefault(hit.id, f"{hit.title} | {lead}")
        for doc, text in seen.items():
            print(f"{doc} [{entry['grades'].get(doc, '?')}] {text}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("build", "pool", "score"))
    parser.add_argument("queries", nargs="*", help="pool: only these queries")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--workdir", type=Path, default=REPO / "var" / "eval")
    parser.add_argument(
        "--engine",
        action="append",
        default=[],
        metavar="LOCATION",
        help="score: the product on this index folder or OpenSearch URL instead of the two workdir indexes "
        "(repeat to compare engines; the top-10 overlap is against the first)",
    )
    parser.add_argument(
        "--queries",
        dest="queries_file",
        type=Path,
        default=QUERIES,
        help="the graded queries to pool or score (default bench/eval_queries.jsonl)",
    )
    parser.add_argument(
        "--acronyms",
        choices=("on", "off"),
        default="on",
        help="score --engine: expand acronyms (the product's default) or search the words as typed",
    )
    parser.add_argument(
        "--dfs",
        action="store_true",
        help="score: OpenSearch with dfs_query_then_fetch (every shard's term statistics; diagnosis only)",
    )
    args = parser.parse_args()
    if args.dfs:
        global_term_statistics()
    if args.command == "build":
        build(args.corpus, args.workdir)
    elif args.command == "pool":
        pool(args.workdir, args.queries, args.queries_file, args.engine)
    else:
        score(args.workdir, args.engine, args.queries_file, args.acronyms == "on")


if __name__ == "__main__":
    main()
