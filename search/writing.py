"""Builds and updates for whichever engine an index location names (see search/backend.py)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from search.backend import is_cluster_url
from search.runs import WRITER_WAIT_SECONDS, BuildReport, OnSkip, Progress


def build_index(
    location: str | Path,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    wait: float = WRITER_WAIT_SECONDS,
    force: bool = False,
) -> BuildReport:
    """A new index of every article under `paths`, switched in for readers when complete. `force` skips the
    free-space check of an index folder (a cluster manages its own disks)."""
    if is_cluster_url(str(location)):
        from search.opensearch import writing as cluster

        return cluster.build_index(str(location), paths, progress=progress, on_skip=on_skip, wait=wait)
    from search import indexing

    return indexing.build_index(location, paths, progress=progress, on_skip=on_skip, wait=wait, force=force)


def update_index(
    location: str | Path,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    wait: float = WRITER_WAIT_SECONDS,
    force: bool = False,
) -> BuildReport:
    """The articles under `paths` added to the index, replacing earlier versions (same id or URL)."""
    if is_cluster_url(str(location)):
        from search.opensearch import writing as cluster

        return cluster.update_index(str(location), paths, progress=progress, on_skip=on_skip, wait=wait)
    from search import indexing

    return indexing.update_index(location, paths, progress=progress, on_skip=on_skip, wait=wait, force=force)
