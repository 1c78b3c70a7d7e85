"""The reindexing command: extract articles, show how text is analysed, build and update the index.

    python indexer.py extract PATH...            one JSON article per line; skipped inputs on stderr
    python indexer.py analyze TEXT               the terms the index stores for TEXT, one per line
"""

from __future__ import annotations

import json
import sys

import click

from search.analysis import index_terms
from search.sources import Skipped, iter_articles


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


if __name__ == "__main__":
    cli()
