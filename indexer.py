"""The reindexing command: extract articles, show how text is analysed, build and update the index.

python indexer.py extract PATH...            one JSON article per line; skipped inputs on stderr
python indexer.py analyze TEXT               the terms the index stores for TEXT, one per line
python indexer.py build --index DIR PATH...  a new index of everything under PATH, switched in at the end
python indexer.py update --index DIR PATH... add new articles, replace those seen before (same id or URL)
python indexer.py stats --index DIR          article counts, dates, size and build history as JSON

DIR may also be an OpenSearch URL whose path is the alias: --index http://127.0.0.1:9200/berita.
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Callable, Iterator

import click
import tqdm

from search.analysis import index_terms
from search.backend import open_location
from search.opensearch.cluster import ClusterUnavailableError
from search.runs import BuildReport
from search.sources import Skipped, iter_articles
from search.store import IndexBusyError, SearchIndexError
from search.writing import build_index, update_index

# Exit status when another indexer holds the index (EX_TEMPFAIL: try again later).
EXIT_BUSY = 75
# Exit status when the OpenSearch cluster does not answer (EX_UNAVAILABLE).
EXIT_UNAVAILABLE = 69


@click.group()
def cli() -> None:
    """Index Indonesian news for search."""


def report_skip(skipped: Skipped) -> None:
    click.echo(f"skipped {skipped.path}: {skipped.reason}", err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
def extract(paths: tuple[str, ...]) -> None:
    """Print the articles found in PATHS (files or folders) as JSON lines."""
    for article in iter_articles(paths, on_skip=report_skip):
        sys.stdout.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")


@cli.command()
@click.argument("text", nargs=-1, required=True)
def analyze(text: tuple[str, ...]) -> None:
    """Print the terms that the index stores for TEXT, in order."""
    for term in index_terms(" ".join(text)):
        click.echo(term)


index_option = click.option(
    "--index",
    "index_dir",
    required=True,
    metavar="DIR_OR_URL",
    help="the index: a folder (Whoosh), or an OpenSearch URL whose path is the alias "
    "(http://127.0.0.1:9200/berita; several hosts: http://h1:9200,h2:9200/berita)",
)
wait_option = click.option(
    "--wait", default=10.0, show_default=True, help="seconds to wait while another indexer writes to DIR"
)
paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))


@cli.command()
@index_option
@wait_option
@paths_argument
def build(index_dir: str, wait: float, paths: tuple[str, ...]) -> None:
    """Build a new index of PATHS in DIR; searches keep using the old one until it is complete."""
    run_indexing(build_index, index_dir, paths, wait)


@cli.command()
@index_option
@wait_option
@paths_argument
def update(index_dir: str, wait: float, paths: tuple[str, ...]) -> None:
    """Add the articles in PATHS to the index in DIR, replacing earlier versions of the same articles."""
    run_indexing(update_index, index_dir, paths, wait)


@cli.command()
@index_option
def stats(index_dir: str) -> None:
    """Print what the index in DIR holds, as JSON."""
    try:
        click.echo(json.dumps(open_location(index_dir).stats(), indent=2, ensure_ascii=False))
    except SearchIndexError as err:
        raise _failure(err) from None


def run_indexing(
    index: Callable[..., BuildReport], index_dir: str, paths: tuple[str, ...], wait: float
) -> None:
    try:
        with progress_display() as progress:
            report = index(index_dir, paths, progress=progress, on_skip=report_skip, wait=wait)
    except SearchIndexError as err:
        raise _failure(err) from None
    except OSError as err:  # the index folder itself: full disk, no permission (bad inputs are skipped)
        raise click.ClickException(f"could not write the index in {index_dir}: {err}") from None
    click.echo(summary(report))


def _failure(error: SearchIndexError) -> click.ClickException:
    """The error's message, with the exit status that tells a script what happened."""
    failure = click.ClickException(str(error))
    if isinstance(error, IndexBusyError):
        failure.exit_code = EXIT_BUSY
    elif isinstance(error, ClusterUnavailableError):
        failure.exit_code = EXIT_UNAVAILABLE
    return failure


def articles(count: int) -> str:
    """ "1 article", "2 articles"."""
    return f"{count} article{'' if count == 1 else 's'}"


def summary(report: BuildReport) -> str:
    rate = report.indexed / report.seconds if report.seconds else 0.0
    skipped = sum(report.skipped.values())
    reasons = ", ".join(f"{reason}: {count}" for reason, count in report.skipped.most_common())
    return (
        f"{report.kind}: indexed {articles(report.indexed)} ({report.replaced} replaced), "
        f"skipped {skipped}{f' ({reasons})' if reasons else ''}, "
        f"in {report.seconds:.1f} s ({rate:.0f} articles/s); generation {report.generation}"
    )


@contextlib.contextmanager
def progress_display(log_every: float = 5.0) -> Iterator[Callable[[int], None]]:
    """A progress bar with articles/s on a terminal; a log line every `log_every` seconds otherwise."""
    if sys.stderr.isatty():
        tqdm.tqdm.monitor_interval = 0  # no monitor thread: the writer forks worker processes
        with tqdm.tqdm(unit=" articles", file=sys.stderr, smoothing=0.1) as bar:
            yield bar.update
        return
    started = last_line = time.monotonic()
    done = 0

    def log(count: int) -> None:
        nonlocal done, last_line
        done += count
        now = time.monotonic()
        if now - last_line >= log_every:
            last_line = now
            click.echo(f"indexed {articles(done)} ({done / (now - started):.0f}/s)", err=True)

    yield log


if __name__ == "__main__":
    cli()
