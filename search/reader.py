"""The read side of a Whoosh index folder: open the current generation, check its format, report statistics.

A server needs only this module (and search/store.py beneath it), never the writing or extraction stack.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from whoosh import index as whoosh_index

from search.acronyms import read_table_file, trusted
from search.facets import UNDATED
from search.schema import index_format, make_schema
from search.store import (
    IndexMissingError,
    IndexVersionError,
    build_hint,
    current_generation,
    damaged_file,
    generation_dir,
    generation_size,
    read_build_info,
)


def open_generation(index_dir: Path | str) -> tuple[str, whoosh_index.Index]:
    """The name and the opened index of the current generation at `index_dir`.

    Raises IndexMissingError when nothing was built there and IndexVersionError when the index was built by
    a program with another schema or analyser; both messages tell the user what to run.
    """
    for _attempt in range(3):
        name = current_generation(index_dir)
        if name is None:
            raise _missing(index_dir)
        folder = generation_dir(index_dir, name)
        info = read_build_info(folder)
        if info is not None:
            check_format(index_dir, info)
        problem = _problem_with(folder, info)
        if not problem:
            try:
                # Our schema, not the one pickled in the index: the version check above makes them the same.
                # Opening a reader parses the segments: damage that the file sizes do not show comes out.
                index = whoosh_index.open_dir(str(folder), schema=make_schema())
                index.reader().close()
                return name, index
            except Exception as error:  # whatever Whoosh raises on bytes it cannot parse
                problem = f"{type(error).__name__}: {error}"
        if current_generation(index_dir) == name:
            raise _damaged(index_dir, name, problem)
        # A writer switched generations and removed this one between our two reads: read CURRENT again.
    raise _damaged(index_dir, name, problem)


def check_generation(index_dir: Path | str, name: str | None, info: dict | None = None) -> dict:
    """Raise IndexMissingError when a file of generation `name` went missing or changed size since it was
    built. Cheap (a stat per file): a server checks the generation it serves per request, passing the
    generation's build information (`info`, which never changes once written) this returns."""
    if name is None:
        raise _missing(index_dir)
    folder = generation_dir(index_dir, name)
    info = info or read_build_info(folder)
    if problem := _problem_with(folder, info):
        raise _damaged(index_dir, name, problem)
    return info  # type: ignore[return-value]  # _problem_with says "incomplete" for None


def _problem_with(folder: Path, info: dict | None) -> str | None:
    """Why the generation in `folder` (with build.json `info`) cannot be read; None when it looks whole."""
    return "it is incomplete" if info is None else damaged_file(folder, info)


def _missing(index_dir: Path | str) -> IndexMissingError:
    return IndexMissingError(f"no search index in {index_dir}: build one with `{build_hint(index_dir)}`")


def _damaged(index_dir: Path | str, name: str | None, problem: str | None) -> IndexMissingError:
    return IndexMissingError(
        f"the search index in {index_dir} is damaged (generation {name}: {problem}): "
        f"rebuild it with `{build_hint(index_dir)}`"
    )


def open_current(index_dir: Path | str) -> whoosh_index.Index:
    """The current generation of the index at `index_dir`, opened for reading (see open_generation)."""
    return open_generation(index_dir)[1]


def check_format(index_dir: Path | str, info: dict) -> None:
    """Raise IndexVersionError when `info` (a generation's build.json) names another schema or analyser."""
    expected = index_format()
    found = {key: info.get(key) for key in expected}
    if found != expected:
        raise IndexVersionError(
            f"the search index in {index_dir} was built with {_describe(found)}, but this program uses "
            f"{_describe(expected)}: rebuild it with `{build_hint(index_dir)}`"
        )


def _describe(version: dict) -> str:
    return f"schema {version['schema_version']} and analyser {version['analyzer_version']}"


def index_stats(index_dir: Path | str) -> dict:
    """Counts, date range, size on disk and build history of the current index."""
    name, ix = open_generation(index_dir)  # one read of CURRENT: counts and size of one generation
    folder = generation_dir(index_dir, name)
    info = read_build_info(folder) or {}
    per_source: Counter[str] = Counter()
    per_category: Counter[str] = Counter()
    dated = []
    first = last = None
    with ix.searcher() as searcher:
        reader = searcher.reader()
        live = list(reader.all_doc_ids())
        if live:  # an empty index has no columns to read
            sources = reader.column_reader("source")
            days = reader.column_reader("day")
            published = reader.column_reader("published", translate=True)
            categories = reader.column_reader("category")
            per_source.update(sources[doc] or "none" for doc in live)
            per_category.update(categories[doc] or "none" for doc in live)
            dated = [(published[doc], doc) for doc in live if days[doc] != UNDATED]
        if dated:  # the stored text, as the API shows it: "2019-09-10T21:48:00+07:00", offset and all
            first, last = (
                searcher.stored_fields(doc)["published_iso"] for _when, doc in (min(dated), max(dated))
            )
    return {
        "index": str(index_dir),
        "generation": name,
        "articles": len(live),
        "per_source": dict(per_source.most_common()),
        "per_category": dict(per_category.most_common()),
        "without_date": len(live) - len(dated),
        "first_published": first,
        "last_published": last,
        "size_bytes": generation_size(folder),
        "acronyms_mined": len(trusted(read_table_file(folder))),
        "schema_version": info.get("schema_version"),
        "analyzer_version": info.get("analyzer_version"),
        "last_build": info.get("last_build"),
        "last_update": info.get("last_update"),
    }
