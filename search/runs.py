"""What every engine's build or update shares: the articles of a run (each once) and the report of it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from search.article import Article, normalise_url
from search.sources import Skipped, iter_articles
from search.store import SearchIndexError

DUPLICATE = "duplicate in this run"
# How long a build or update waits for another writer to finish before giving up with IndexBusyError.
WRITER_WAIT_SECONDS = 10.0

Progress = Callable[[int], None]
OnSkip = Callable[[Skipped], None]


@dataclass
class BuildReport:
    """What one build or update did."""

    kind: str
    generation: str | None = None
    indexed: int = 0
    replaced: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "generation": self.generation,
            "indexed": self.indexed,
            "replaced": self.replaced,
            "skipped": dict(self.skipped),
            "seconds": round(self.seconds, 2),
        }


def require_articles(report: BuildReport, where: str) -> None:
    """Refuse to publish a run that read no article: a build or update from a wrong or empty path must
    neither replace a working index nor record an update that changed nothing (and exit 0)."""
    if not report.indexed:
        raise SearchIndexError(
            f"no articles found in the given paths ({sum(report.skipped.values())} inputs skipped): "
            f"the index {where} was left as it was"
        )


def articles_of_run(
    paths: Iterable[str | Path], report: BuildReport, on_skip: OnSkip | None
) -> Iterator[Article]:
    """The articles under `paths`, each once (the first of an id or a normalised URL wins); skipped inputs
    and repeats are counted in `report`."""
    seen = _SeenInRun()
    for article in iter_articles(paths, on_skip=_counting(on_skip, report)):
        if seen.again(article):
            report.skipped[DUPLICATE] += 1
        else:
            yield article


class _SeenInRun:
    """Recognises an article met earlier in the same run, by id or by normalised URL; the first one wins."""

    def __init__(self) -> None:
        self._keys: set[str] = set()

    def again(self, article: Article) -> bool:
        keys = {f"id:{article.id}"}
        if article.url:
            keys.add(f"url:{normalise_url(article.url)}")
        if keys & self._keys:
            return True
        self._keys |= keys
        return False


def _counting(on_skip: OnSkip | None, report: BuildReport) -> OnSkip:
    def count_and_pass_on(skipped: Skipped) -> None:
        report.skipped[skipped.kind] += 1
        if on_skip:
            on_skip(skipped)

    return count_and_pass_on
