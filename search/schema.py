"""PLACEHOLDER schema (owned by the indexing work, issue 5)."""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, TEXT, Schema

from search.analysis import indonesian_analyzer

SCHEMA_VERSION = "0-placeholder"


def make_schema() -> Schema:
    analyzer = indonesian_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        url=ID(stored=True),
        source=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        title=TEXT(analyzer=analyzer, stored=True, field_boost=2.0, spelling=True),
        body=TEXT(analyzer=analyzer, stored=True, spelling=True),
        published=DATETIME(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        month=ID(stored=True, sortable=True),
        day=ID(stored=True, sortable=True),
    )
