"""Speed and memory of the Indonesian analyser on the click-id bodies (run by hand).

    .venv/bin/python bench/bench_analyzer.py [--corpus FILE] [--limit N] [--sample-tokens N]

Reports, in one run:
    cold      the analyser over every body with empty caches (Sastrawi runs once per distinct word)
    warm      the same pass again with the caches full (the steady state of a long build or a server)
    primed    a fresh cache loaded from a stem-cache file (load_stem_cache), then one pass
    sastrawi  PySastrawi's own stemmer called per token with no cache, on the first --sample-tokens tokens
    memory    the caches' size after the whole corpus (tracemalloc over a separate priming pass)
    postings  the (document, term) pairs the index stores, with and without the exact surface forms
              at the stem's position (the price of ranking "Bekasi" above "bekas")
Tokens are counted as the tokenizer's raw words, the same count in every line. Times are CPU seconds of
this process (time.process_time), so other work on the machine does not inflate them.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from search import analysis  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "data" / "click-id" / "corpus.jsonl"


def read_texts(corpus: Path, limit: int | None) -> list[str]:
    texts = []
    with corpus.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            if limit is not None and n >= limit:
                break
            article = json.loads(line)
            texts.append(article.get("title") or "")
            texts.append(article.get("content") or "")
    return texts


def count_raw_tokens(texts: list[str]) -> int:
    tokenizer = analysis.IndonesianTokenizer()
    return sum(sum(1 for _ in tokenizer(text)) for text in texts)


def timed_pass(texts: list[str]) -> float:
    """Seconds for the analyser over every text, as the index uses it (positions, index mode)."""
    analyzer = analysis.indonesian_analyzer()
    gc.collect()
    started = time.process_time()
    for text in texts:
        for _ in analyzer(text, positions=True, mode="index"):
            pass
    return time.process_time() - started


def sastrawi_uncached(texts: list[str], sample_tokens: int) -> tuple[int, float]:
    """PySastrawi's documented API (`create_stemmer().stem`) per token, its cache emptied before each call."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer = StemmerFactory().create_stemmer()
    tokenizer = analysis.IndonesianTokenizer()
    words = []
    for text in texts:
        words.extend(t.text for t in tokenizer(text))
        if len(words) >= sample_tokens:
            break
    words = words[:sample_tokens]
    started = time.process_time()
    for word in words:
        stemmer.get_cache().data.clear()
        stemmer.stem(word)
    return len(words), time.process_time() - started


def postings(texts: list[str]) -> tuple[int, int]:
    """(document, term) pairs of the body texts: with the surface forms, and with stems only."""
    analyzer = analysis.indonesian_analyzer()
    with_surface = stems_only = 0
    for text in texts:
        with_surface += len({t.text for t in analyzer(text, mode="index")})
        stems_only += len({t.text for t in analyzer(text, mode="index", alternates=False)})
    return with_surface, stems_only


def cache_memory(texts: list[str]) -> int:
    """Bytes allocated by filling the caches from empty over every text."""
    analysis.clear_caches()
    analyzer = analysis.indonesian_analyzer()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for text in texts:
        for _ in analyzer(text, mode="index"):
            pass
    gc.collect()
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--sample-tokens", type=int, default=50_000)
    args = parser.parse_args()
    if not args.corpus.exists():
        sys.exit(f"corpus not found: {args.corpus}")

    texts = read_texts(args.corpus, args.limit)
    tokens = count_raw_tokens(texts)
    print(f"{len(texts) // 2} articles, {tokens:,} raw tokens")

    def report(label: str, seconds: float, count: int = tokens) -> None:
        print(f"{label:<9} {seconds:7.2f} s  {count / seconds:>12,.0f} tokens/s")

    analysis.clear_caches()
    report("cold", timed_pass(texts))
    sizes = analysis.cache_sizes()
    print(f"          {sizes['stems']:,} distinct stemmed words, {sizes['words']:,} distinct raw tokens")
    report("warm", timed_pass(texts))

    with tempfile.TemporaryDirectory() as tmp:
        cache_file = Path(tmp) / "stems.json"
        analysis.save_stem_cache(cache_file)
        analysis.clear_caches()
        started = time.process_time()
        loaded = analysis.load_stem_cache(cache_file)
        seconds, size = time.process_time() - started, cache_file.stat().st_size
        print(f"load      {seconds:7.2f} s  {loaded:,} stems from a {size:,}-byte file")
        report("primed", timed_pass(texts))

    count, seconds = sastrawi_uncached(texts, args.sample_tokens)
    report("sastrawi", seconds, count)

    with_surface, stems_only = postings(texts[1::2])
    extra = (with_surface - stems_only) / stems_only
    print(f"postings  {with_surface:,} with surface forms, {stems_only:,} stems only (+{extra:.1%})")

    print(f"memory    {cache_memory(texts) / 2**20:.1f} MiB for both caches after the whole corpus")


if __name__ == "__main__":
    main()
