"""Full and incremental builds of the Whoosh index.

A build writes a fresh generation and switches to it; an update copies the current generation (hard links),
writes the new and changed articles into the copy and switches to it. Readers go through search/reader.py,
which always finds a complete index. See search/store.py for the on-disk layout and the lock.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import MERGE_SMALL, IndexWriter

from search.analysis import load_stem_cache, save_stem_cache
from search.article import normalise_url
from search.reader import check_format
from search.runs import BuildReport, OnSkip, Progress, articles_of_run, require_articles
from search.schema import article_document, index_format, make_schema
from search.store import (
    STEM_CACHE,
    SearchIndexError,
    copy_generation,
    current_generation,
    generation_dir,
    new_generation,
    read_build_info,
    remove_stale_generations,
    switch_to,
    write_build_info,
    writer_lock,
)

WORKER_STEMS = "stem-cache.worker-{pid}.json"

# Measured on the 22,922-article click-id corpus on 2 cores (bench/bench_build.py): two worker processes,
# each writing its own segment, keep both cores busy (the final merge would be single-process, so none).
# limitmb is per worker: 256 keeps the whole process tree under 0.8 GB (384: 24 s instead of 37 s for a
# build with warm stems, but 1.03 GB).
BUILD_WRITER_OPTIONS = {"procs": min(2, os.cpu_count() or 1), "multisegment": True, "limitmb": 256}
# An update is usually small: one process (with the memory of both build workers), and a merge policy that
# keeps the segment count down.
UPDATE_WRITER_OPTIONS = {"limitmb": 512}

MergePolicy = Callable[[IndexWriter, list[Segment]], list[Segment]]


def build_index(
    index_dir: Path | str,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    wait: float = 5.0,
) -> BuildReport:
    """Index every article under `paths` into a new generation and switch readers to it."""
    with writer_lock(index_dir, wait):
        return _build(index_dir, paths, progress, on_skip)


def update_index(
    index_dir: Path | str,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    wait: float = 5.0,
) -> BuildReport:
    """Add the articles under `paths` to the current index; an article already there (same id or same
    normalised URL) is replaced. Without an index yet, this is a build."""
    with writer_lock(index_dir, wait):
        previous = current_generation(index_dir)
        previous_info = read_build_info(generation_dir(index_dir, previous)) if previous else None
        if previous_info is None:
            return _build(index_dir, paths, progress, on_skip)
        check_format(index_dir, previous_info)
        report, started = BuildReport(kind="update"), time.monotonic()
        remove_stale_generations(index_dir, keep={previous})
        folder = new_generation(index_dir)
        copy_generation(generation_dir(index_dir, previous), folder)
        ix = whoosh_index.open_dir(str(folder), schema=make_schema())
        with (
            _writing(ix, UPDATE_WRITER_OPTIONS, merge=_merge_after_update) as writer,
            writer.searcher() as before,
        ):
            live_before = before.doc_count()
            removed = _add_articles(writer, paths, report, progress, on_skip, replacing=before)
        require_articles(report, f"in {index_dir}")
        expected = live_before - removed + report.indexed
        return _finish(index_dir, folder, dict(previous_info), report, started, expected, previous)


def _build(
    index_dir: Path | str, paths: Iterable[str | Path], progress: Progress | None, on_skip: OnSkip | None
) -> BuildReport:
    report, started = BuildReport(kind="build"), time.monotonic()
    previous = current_generation(index_dir)
    remove_stale_generations(index_dir, keep={previous})
    folder = new_generation(index_dir)
    ix = whoosh_index.create_in(str(folder), make_schema())
    load_stem_cache(Path(index_dir) / STEM_CACHE)  # before the workers fork, so they start with it
    with _writing(ix, BUILD_WRITER_OPTIONS, stem_dir=Path(index_dir)) as writer:
        _add_articles(writer, paths, report, progress, on_skip)
    require_articles(report, f"in {index_dir}")
    return _finish(index_dir, folder, index_format(), report, started, report.indexed, previous)


def _add_articles(
    writer: IndexWriter,
    paths: Iterable[str | Path],
    report: BuildReport,
    progress: Progress | None,
    on_skip: OnSkip | None,
    replacing: Searcher | None = None,
) -> int:
    """Write the articles under `paths`; with `replacing` (a searcher over the index as it was), delete the
    old version of each article first. Returns how many old documents were deleted."""
    removed: set[int] = set()
    for article in articles_of_run(paths, report, on_skip):
        if replacing is not None:
            old_versions = set(replacing.document_numbers(id=article.id))
            if article.url:
                old_versions.update(replacing.document_numbers(url_key=normalise_url(article.url)))
            for docnum in old_versions - removed:
                writer.delete_document(docnum)
            removed |= old_versions
            report.replaced += bool(old_versions)
        writer.add_document(**article_document(article))
        report.indexed += 1
        if progress:
            progress(1)
    return len(removed)


def _finish(
    index_dir: Path | str,
    folder: Path,
    info: dict,
    report: BuildReport,
    started: float,
    expected: int,
    previous: str | None,
) -> BuildReport:
    """Check the new generation, record how it was made, and switch readers to it."""
    written = whoosh_index.open_dir(str(folder), schema=make_schema()).doc_count()
    if written != expected:
        # Whoosh's parallel writer drops the segment of a worker that crashed and commits the rest.
        raise SearchIndexError(
            f"the index writer lost articles ({expected} expected, {written} written; see the errors above): "
            f"the index in {index_dir} was left as it was"
        )
    report.generation = folder.name
    report.seconds = time.monotonic() - started
    info[f"last_{report.kind}"] = {
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        **report.to_dict(),
    }
    write_build_info(folder, info)
    switch_to(index_dir, folder)
    remove_stale_generations(index_dir, keep={folder.name, previous})
    _keep_stems(Path(index_dir))
    return report


def _keep_stems(index_dir: Path) -> None:
    """Gather the stems this run computed (in this process and in the writer's workers) into STEM_CACHE.
    The pattern also takes a half-written file of a killed worker: it loads nothing and is removed."""
    for worker_file in index_dir.glob(WORKER_STEMS.format(pid="*") + "*"):
        load_stem_cache(worker_file)
        worker_file.unlink()
    save_stem_cache(index_dir / STEM_CACHE)


@contextlib.contextmanager
def _writing(
    ix: whoosh_index.Index, options: dict, merge: MergePolicy | None = None, stem_dir: Path | None = None
) -> Iterator[IndexWriter]:
    """A writer that commits when the block ends and cancels on an error; with options["procs"] > 1, its
    worker processes leave their stems in `stem_dir`. (Turning the garbage collector off meanwhile, which
    helped in earlier measurements, changed nothing measurable here.)"""
    if options.get("procs", 1) > 1:
        writer = _StemSavingMpWriter(ix, stem_dir=stem_dir, **options)
    else:
        writer = ix.writer(**options)
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=merge)


class _StemSavingWorker(SubWriterTask):
    """Whoosh's worker process, which also writes the stems it computed to a file for its parent."""

    def __init__(self, *args, stem_dir: Path | None) -> None:
        super().__init__(*args)
        self.stem_dir = stem_dir

    def run(self) -> None:
        super().run()
        if self.stem_dir is not None and self.running:
            save_stem_cache(self.stem_dir / WORKER_STEMS.format(pid=os.getpid()))


class _StemSavingMpWriter(MpWriter):
    """Whoosh's parallel writer (whoosh3 3.54.0) with workers that hand their stems back."""

    def __init__(self, ix: whoosh_index.Index, *, stem_dir: Path | None, **options) -> None:
        super().__init__(ix, **options)
        self.stem_dir = stem_dir

    def _enqueue(self) -> None:
        # Fork every worker before the first job goes on the queue: Whoosh forks the second one after the
        # queue's feeder thread started, and Python 3.12+ warns that forking a threaded process may
        # deadlock the child.
        while len(self.tasks) < self.procs:
            self._new_task()
        super()._enqueue()

    def _commit_toc(self, segments: list[Segment]) -> None:
        # A worker that got no job (fewer batches than workers) leaves an empty segment, which Whoosh's
        # multi-segment column readers fail on; leaving it out of the TOC also deletes its files.
        super()._commit_toc([segment for segment in segments if segment.doc_count_all()])

    def _new_task(self) -> SubWriterTask:
        # As MpWriter._new_task does for the default start method, with our worker class.
        task = _StemSavingWorker(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
            stem_dir=self.stem_dir,
        )
        self.tasks.append(task)
        task.start()
        return task


def _merge_after_update(writer: IndexWriter, segments: list[Segment]) -> list[Segment]:
    """Whoosh's merge policy, but first drop segments whose articles were all replaced and rewrite those
    mostly replaced: otherwise every update leaves dead segments that each query still has to visit."""
    kept = []
    for segment in segments:
        if segment.doc_count() == 0:
            continue
        if segment.deleted_count() * 2 > segment.doc_count_all():
            with contextlib.closing(SegmentReader(writer.storage, writer.schema, segment)) as reader:
                writer.add_reader(reader)
            continue
        kept.append(segment)
    return MERGE_SMALL(writer, kept)
