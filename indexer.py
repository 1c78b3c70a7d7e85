"""The reindexing command: extract articles, show how text is analysed, build and update the index.

python indexer.py extract PATH...            one JSON article per line; skipped inputs on stderr
python indexer.py analyze TEXT               the terms the index stores for TEXT, one per line
python indexer.py build --index DIR PATH...  a new index of everything under PATH, switched in at the end
python indexer.py update --index DIR PATH... add new articles, replace those seen before (same id or URL)
python indexer.py stats --index DIR          article counts, dates, size and build history as JSON

DIR may also be an OpenSearch URL whose path is the alias: --index http://127.0.0.1:9200/berita.

Exit statuses of build and update (sysexits.h where one fits): 0 done; 1 nothing to index or an index that
must be rebuilt; 69 the OpenSearch cluster does not answer; 70 a writer process died or failed, or a bug; 73
not enough disk space (the disk filled up, or the estimate says it would); 74 the index folder cannot be
written (read-only, no permission); 75 another indexer holds the index (try again later); 130/143 stopped by
SIGINT/SIGTERM. After any of them the partial generation is gone, the lock is free and the previous index
still serves.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from typing import NoReturn

import click
import tqdm

from search.analysis import index_terms
from search.backend import open_location
from search.runs import WRITER_WAIT_SECONDS, BuildReport
from search.sources import Skipped, iter_articles
from search.store import (
    DiskFullError,
    EngineUnavailableError,
    IndexBusyError,
    IndexWriteError,
    SearchIndexError,
    WriterProcessError,
)
from search.writing import build_index, update_index

# Exit statuses for the failures of a build or update (sysexits.h), most specific first; see the docstring.
EXIT_SOFTWARE = 70  # a bug, or a worker process of the writer died or failed
EXIT_STATUSES: tuple[tuple[type[SearchIndexError], int], ...] = (
    (WriterProcessError, EXIT_SOFTWARE),
    (DiskFullError, 73),  # EX_CANTCREAT: the new generation does not fit
    (IndexWriteError, 74),  # EX_IOERR: the index folder cannot be written
    (IndexBusyError, 75),  # EX_TEMPFAIL: another indexer holds the index
    (EngineUnavailableError, 69),  # EX_UNAVAILABLE: the OpenSearch cluster does not answer
)
STOPPING_SIGNALS = (signal.SIGTERM, signal.SIGINT)


@click.group(epilog=__doc__.split("\n\n")[-1].strip())
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
    "--wait",
    default=WRITER_WAIT_SECONDS,
    show_default=True,
    help="seconds to wait while another indexer writes to DIR",
)
force_option = click.option(
    "--force", is_flag=True, help="start even when the free space looks too small for the new index"
)
debug_option = click.option("--debug", is_flag=True, help="show the trace of a failure")
paths_argument = click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))


@cli.command(epilog=__doc__.split("\n\n")[-1].strip())
@index_option
@wait_option
@force_option
@debug_option
@paths_argument
def build(index_dir: str, wait: float, force: bool, debug: bool, paths: tuple[str, ...]) -> None:
    """Build a new index of PATHS in DIR; searches keep using the old one until it is complete."""
    run_indexing(build_index, index_dir, paths, wait=wait, force=force, debug=debug)


@cli.command(epilog=__doc__.split("\n\n")[-1].strip())
@index_option
@wait_option
@force_option
@debug_option
@paths_argument
def update(index_dir: str, wait: float, force: bool, debug: bool, paths: tuple[str, ...]) -> None:
    """Add the articles in PATHS to the index in DIR, replacing earlier versions of the same articles."""
    run_indexing(update_index, index_dir, paths, wait=wait, force=force, debug=debug)


@cli.command()
@index_option
def stats(index_dir: str) -> None:
    """Print what the index in DIR holds, as JSON."""
    try:
        click.echo(json.dumps(open_location(index_dir).stats(), indent=2, ensure_ascii=False))
    except SearchIndexError as err:
        _fail(str(err), _exit_status(err))


class Stopped(BaseException):
    """SIGTERM or SIGINT arrived: unwind the build (a BaseException, so no `except Exception` swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Turn the first SIGTERM or SIGINT into Stopped, so that the build stops its workers, removes its partial
    generation and releases the lock on the way out; a second signal exits at once (the workers die with
    this process, the partial generation is removed by the next build)."""

    def at_once(signum: int, _frame: object) -> None:
        os.write(2, f"{signal.Signals(signum).name} again: stopping at once\n".encode())
        os._exit(128 + signum)

    def unwind(signum: int, _frame: object) -> None:
        for stopping in STOPPING_SIGNALS:
            signal.signal(stopping, at_once)
        raise Stopped(signum)

    previous = {stopping: signal.signal(stopping, unwind) for stopping in STOPPING_SIGNALS}
    try:
        yield
    finally:
        for stopping, handler in previous.items():
            signal.signal(stopping, handler)


def run_indexing(
    index: Callable[..., BuildReport],
    index_dir: str,
    paths: tuple[str, ...],
    *,
    wait: float,
    force: bool,
    debug: bool,
) -> None:
    """Run a build or update; a failure ends it with one message on stderr and its exit status."""
    try:
        with stopping_on_signals(), progress_display() as progress:
            report = index(index_dir, paths, progress=progress, on_skip=report_skip, wait=wait, force=force)
    except Stopped as stop:
        if debug:
            traceback.print_exc()
        serving = _serving(index_dir)
        click.echo(
            f"Stopped by {stop}: the partial generation was removed, the lock released; "
            f"{index_dir} serves {f'generation {serving}' if serving else 'no index yet'}",
            err=True,
        )
        sys.exit(128 + stop.signum)
    except SearchIndexError as err:
        if debug:
            traceback.print_exc()
        _fail(str(err), _exit_status(err))
    except Exception as err:  # a bug: cleaned up like any failure, with the trace on request
        if debug:
            traceback.print_exc()
        _fail(f"unexpected error ({type(err).__name__}: {err}); --debug shows the trace", EXIT_SOFTWARE)
    click.echo(summary(report))


def _exit_status(error: SearchIndexError) -> int:
    """The status that tells a script what happened (see the module docstring)."""
    return next((status for kind, status in EXIT_STATUSES if isinstance(error, kind)), 1)


def _fail(message: str, status: int) -> NoReturn:
    """End the command with one line on stderr, as click prints its own errors."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


def _serving(location: str) -> str | None:
    """The version of the index that readers use now, when it can be told."""
    try:
        return open_location(location).generation()
    except SearchIndexError:
        return None


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
