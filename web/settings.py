"""The web app's settings, their defaults and a line of help each (in the manner of Datasette's settings).

`create_app(config)` starts from these defaults; `python -m web --help` lists the ones it takes as options.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from search.query import ANSWER_CACHE_SIZE


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS = (
    Setting(
        "INDEX",
        None,
        "Where the index is: a folder written by `indexer.py build --index DIR`, or an OpenSearch URL whose "
        "path is the alias (http://127.0.0.1:9200/berita; several hosts as http://h1:9200,h2:9200/berita).",
    ),
    Setting(
        "EXAMPLE_QUERIES",
        ("kebakaran hutan", "timnas indonesia", '"kerja sama" perdagangan', "banjir -jakarta"),
        "Queries offered as examples on the empty search page.",
    ),
    Setting(
        "CACHE_SIZE",
        ANSWER_CACHE_SIZE,
        "Answers each server process keeps for repeated searches, per index version (a rebuild starts "
        "afresh); 0 keeps none.",
    ),
    Setting(
        "SHARED_CACHE",
        None,
        "A SQLite file in which the server's processes share their answers, so a search one worker answered "
        "is a cache hit in the others (`python -m web --workers N` makes one in a temporary folder); None: "
        "each process keeps its own answers only.",
    ),
    Setting(
        "COLLAPSE",
        True,
        "Show one article per story (copies and rewrites of one text, grouped when indexing) with a line "
        "naming the others; a request's collapse=0 or collapse=1 overrides it.",
    ),
    Setting(
        "EXPAND_ACRONYMS",
        True,
        "Search an acronym also as its long form and a long form also as its acronym (mined from the "
        "articles at index time, corrected by search/data/acronyms.txt); a request's acronyms=0 or "
        "acronyms=1 decides for itself.",
    ),
    Setting(
        "CACHE_SECONDS",
        30,
        "How long browsers and proxies may reuse a search answer without asking (Cache-Control max-age); "
        "after that an If-None-Match with its ETag gets a 304 while the index is unchanged.",
    ),
    Setting(
        "CONTENT_SECURITY_POLICY",
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        "The Content-Security-Policy header of every response: only the site's own script files (no inline "
        "script), nothing from other sites.",
    ),
)

DEFAULTS = {setting.name: setting.default for setting in SETTINGS}
