"""Full and incremental builds of the Whoosh index.

A build writes a fresh generation and switches to it; an update copies the current generation (hard links),
writes the new and changed articles into the copy and switches to it. Readers go through search/reader.py,
which always finds a complete index. See search/store.py for the on-disk layout and the lock.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pickle
import queue
import shutil
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.query import Or, Term
from whoosh.reading import SegmentReader
from whoosh.searching import Searcher
from whoosh.util import random_name
from whoosh.writing import MERGE_SMALL, IndexWriter, SegmentWriter

from search.acronym_mining import AcronymMiner, save_definitions
from search.acronyms import read_table_file
from search.analysis import load_stem_cache, save_stem_cache
from search.article import normalise_url
from search.duplicates import SHARED_KEYS, Indexed, IndexedLookup, StoryClusters
from search.reader import check_format
from search.runs import WRITER_WAIT_SECONDS, BuildReport, OnSkip, Progress, articles_of_run, require_articles
from search.schema import article_document, index_format, make_schema
from search.store import (
    STEM_CACHE,
    DiskFullError,
    IndexWriteError,
    SearchIndexError,
    WriterProcessError,
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

# How often the parallel writer checks that its worker processes are alive while it waits on them.
WORKER_POLL_SECONDS = 0.5
# Disk space a build needs for each byte of input: the peak size of the generation folder over the input size
# (the writer's sorted runs beside the segments they become), 11.0 for click-id and 14.7 for 30,000 articles
# of the synthetic scale corpus (README, "Faults"), plus a margin. HTML pages are mostly markup, so for them
# it overestimates; `--force` skips the check.
INDEX_BYTES_PER_INPUT_BYTE = 16.0

WORKER_STEMS = "stem-cache.worker-{pid}.json"

# Measured on the 22,922-article click-id corpus on 2 cores (bench/bench_build.py): two worker processes,
# each writing its own segment, keep both cores busy (the final merge would be single-process, so none).
# limitmb is per worker: 256 keeps the whole process tree under 0.8 GB (384: 24 s instead of 37 s for a
# build with warm stems, but 1.03 GB).
BUILD_WRITER_OPTIONS = {"procs": min(2, os.cpu_count() or 1), "multisegment": True, "limitmb": 256}
# An update is usually small: one process (with the memory of both build workers), and a merge policy that
# keeps the segment count down.
UPDATE_WRITER_OPTIONS = {"limitmb": 512}

MergePolicy = Callable[[SegmentWriter, list[Segment]], list[Segment]]


def build_index(
    index_dir: Path | str,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    wait: float = WRITER_WAIT_SECONDS,
    force: bool = False,
) -> BuildReport:
    """Index every article under `paths` into a new generation and switch readers to it.

    On any failure (see _writer_failures_explained) or interruption, the new generation is removed and the
    previous one keeps serving. Unless `force`, refuses with DiskFullError when the estimate does not fit.
    """
    paths = list(paths)
    needed = estimate_index_bytes(paths)
    with _writer_failures_explained(index_dir, needed), writer_lock(index_dir, wait):
        return _build(index_dir, paths, progress, on_skip, needed if not force else 0)


def update_index(
    index_dir: Path | str,
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    on_skip: OnSkip | None = None,
    wait: float = WRITER_WAIT_SECONDS,
    force: bool = False,
) -> BuildReport:
    """Add the articles under `paths` to the current index; an article already there (same id or same
    normalised URL) is replaced. Without an index yet, this is a build. Failures as for build_index: the
    current generation is never touched, the update goes to a copy that is switched in only when complete."""
    paths = list(paths)
    needed = estimate_index_bytes(paths)
    with _writer_failures_explained(index_dir, needed), writer_lock(index_dir, wait):
        previous = current_generation(index_dir)
        previous_info = read_build_info(generation_dir(index_dir, previous)) if previous else None
        if previous is None or previous_info is None:
            return _build(index_dir, paths, progress, on_skip, needed if not force else 0)
        check_format(index_dir, previous_info)
        report, started = BuildReport(kind="update"), time.monotonic()
        remove_stale_generations(index_dir, keep={previous})
        with _new_generation(index_dir, needed if not force else 0) as folder:
            copy_generation(generation_dir(index_dir, previous), folder)
            miner = AcronymMiner(read_table_file(folder))
            ix = whoosh_index.open_dir(str(folder), schema=make_schema())
            with (
                _writing(ix, UPDATE_WRITER_OPTIONS, merge=_merge_after_update) as writer,
                writer.searcher() as before,
            ):
                live_before = before.doc_count()
                removed = _add_articles(writer, paths, report, progress, on_skip, miner, replacing=before)
            require_articles(report, f"in {index_dir}")
            save_definitions(folder, miner.definitions)
            expected = live_before - removed + report.indexed
            _finish(index_dir, folder, dict(previous_info), report, started, expected)
        _after_switch(index_dir, keep={folder.name, previous})
        return report


def estimate_index_bytes(paths: Iterable[str | Path]) -> int:
    """The disk space a build of `paths` needs at its peak, from the size of the inputs."""
    total = 0
    for path in map(Path, paths):
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            with contextlib.suppress(OSError):  # unreadable inputs are skipped by the build, not counted
                if file.is_file():
                    total += file.stat().st_size
    return int(total * INDEX_BYTES_PER_INPUT_BYTE)


def _build(
    index_dir: Path | str,
    paths: list[str | Path],
    progress: Progress | None,
    on_skip: OnSkip | None,
    needed: int,
) -> BuildReport:
    report, started = BuildReport(kind="build"), time.monotonic()
    previous = current_generation(index_dir)
    remove_stale_generations(index_dir, keep={previous})
    with _new_generation(index_dir, needed) as folder:
        ix = whoosh_index.create_in(str(folder), make_schema())
        load_stem_cache(Path(index_dir) / STEM_CACHE)  # before the workers fork, so they start with it
        miner = AcronymMiner()
        with _writing(ix, BUILD_WRITER_OPTIONS, stem_dir=Path(index_dir)) as writer:
            _add_articles(writer, paths, report, progress, on_skip, miner)
        require_articles(report, f"in {index_dir}")
        save_definitions(folder, miner.definitions)
        _finish(index_dir, folder, index_format(), report, started, report.indexed)
    _after_switch(index_dir, keep={folder.name, previous})
    return report


@contextlib.contextmanager
def _new_generation(index_dir: Path | str, needed: int) -> Iterator[Path]:
    """A folder for the next generation, removed again unless the block completes (an error, a signal):
    a failed build leaves the disk as it found it. Checks first that `needed` bytes are free (0: no check)."""
    free = shutil.disk_usage(index_dir).free
    if needed > free:
        raise DiskFullError(
            f"not enough free space for the new index in {index_dir}: it needs about {_megabytes(needed)} "
            f"(estimated from the input size), {_megabytes(free)} are free; free some space or pass --force"
        )
    folder = new_generation(index_dir)
    try:
        yield folder
    except BaseException:
        if current_generation(index_dir) != folder.name:  # a signal right after the switch: it serves now
            shutil.rmtree(folder, ignore_errors=True)
        raise


@contextlib.contextmanager
def _writer_failures_explained(index_dir: Path | str, needed: int) -> Iterator[None]:
    """Turn an OSError of a build or update (from this process or a writer worker) into an IndexWriteError
    whose message names the cause and the folder; a full disk becomes DiskFullError with the space figures."""
    try:
        yield
    except OSError as error:
        reason = error.strerror or str(error)
        outcome = "nothing was left half-written and the index that served before still serves"
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            free = shutil.disk_usage(index_dir).free if Path(index_dir).is_dir() else 0
            raise DiskFullError(
                f"the disk holding {index_dir} is full ({reason}): the new index needs about "
                f"{_megabytes(needed)}, {_megabytes(free)} are free without it; {outcome}"
            ) from error
        if error.errno == errno.EROFS:
            reason = f"the file system is read-only ({reason})"
        elif error.errno in (errno.EACCES, errno.EPERM):
            reason = f"no permission ({reason}{f': {error.filename}' if error.filename else ''})"
        elif error.filename:
            reason = f"{reason}: {error.filename}"
        raise IndexWriteError(f"could not write the index in {index_dir}: {reason}; {outcome}") from error


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _add_articles(
    writer: IndexWriter,
    paths: Iterable[str | Path],
    report: BuildReport,
    progress: Progress | None,
    on_skip: OnSkip | None,
    miner: AcronymMiner,
    replacing: Searcher | None = None,
) -> int:
    """Write the articles under `paths`, each in its story's cluster, the acronyms they define counted by
    `miner`; with `replacing` (a searcher over the index as it was), delete the old version of each article
    first, and let a new copy of an indexed article join its cluster. Returns how many old documents were
    deleted."""
    removed: set[int] = set()
    stories = StoryClusters(_indexed_copies(replacing) if replacing is not None else None)
    for article in miner.reading(articles_of_run(paths, report, on_skip)):
        if replacing is not None:
            old_versions = set(replacing.document_numbers(id=article.id))
            if article.url:
                old_versions.update(replacing.document_numbers(url_key=normalise_url(article.url)))
            for docnum in old_versions - removed:
                writer.delete_document(docnum)
            removed |= old_versions
            report.replaced += bool(old_versions)
        story = stories.assign(article.id, article.body)
        writer.add_document(**article_document(article, story.cluster, story.near_keys))
        report.indexed += 1
        if progress:
            progress(1)
    return len(removed)


def _indexed_copies(searcher: Searcher) -> IndexedLookup:
    """The articles of the index behind `searcher` that share SHARED_KEYS band keys with a new one."""

    def lookup(keys: list[str]) -> list[Indexed]:
        sharing = Or([Term("near_keys", key) for key in keys], minmatch=SHARED_KEYS)
        found = searcher.search(sharing, limit=None, scored=False)
        return [Indexed(hit["cluster"], hit.get("body", "")) for hit in found]

    return lookup


def _finish(
    index_dir: Path | str,
    folder: Path,
    info: dict,
    report: BuildReport,
    started: float,
    expected: int,
) -> None:
    """Check the new generation, record how it was made, and switch readers to it."""
    written = whoosh_index.open_dir(str(folder), schema=make_schema()).doc_count()
    if written != expected:
        # A safety net behind the writer's own checks (_StemSavingMpWriter): never publish a short index.
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


def _after_switch(index_dir: Path | str, keep: set[str | None]) -> None:
    """Tidy up once the new generation serves. Nothing here can undo the switch: a stem cache that cannot be
    saved (a disk filled meanwhile) only makes the next build slower."""
    remove_stale_generations(index_dir, keep=keep)
    with contextlib.suppress(OSError):
        _keep_stems(Path(index_dir))


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
    writer: IndexWriter
    if options.get("procs", 1) > 1:
        writer = _StemSavingMpWriter(ix, stem_dir=stem_dir, **options)
    else:
        writer = ix.writer(**options)
    try:
        yield writer
        writer.commit(mergetype=merge)
    except BaseException as error:
        try:
            writer.cancel()
        except Exception as cancelling:  # e.g. closing files on a full disk: the first error is the news
            error.add_note(f"cancelling the writer failed too: {cancelling!r}")
        raise


@dataclass(frozen=True)
class _WorkerFailure:
    """What a worker process sends its parent instead of a segment when it fails: enough to raise the same
    kind of error there (an OSError keeps its errno, so a full disk is named as such), and the trace."""

    errno: int | None
    message: str
    filename: str | None
    trace: str

    @classmethod
    def of(cls, error: BaseException) -> _WorkerFailure:
        trace = "".join(traceback.format_exception(error))
        if isinstance(error, OSError):
            return cls(error.errno, error.strerror or str(error), error.filename, trace)
        return cls(None, f"{type(error).__name__}: {error}", None, trace)

    def error(self) -> Exception:
        if self.errno is not None:
            error: Exception = OSError(self.errno, self.message, self.filename)
        else:
            error = WriterProcessError(f"an index writer process failed: {self.message}")
        error.add_note(f"in the writer process:\n{self.trace}")
        return error


class _StemSavingWorker(SubWriterTask):
    """Whoosh's worker process, which also writes the stems it computed to a file for its parent, and
    reports a failure to it instead of dying with a trace on stderr."""

    def __init__(self, *args, stem_dir: Path | None) -> None:
        super().__init__(*args)
        self.stem_dir = stem_dir

    def run(self) -> None:
        # Ctrl-C reaches the whole process group: the parent decides, and stops its workers itself.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            super().run()
            if self.stem_dir is not None and self.running:
                save_stem_cache(self.stem_dir / WORKER_STEMS.format(pid=os.getpid()))
        except BaseException as error:
            self.resultqueue.put(_WorkerFailure.of(error))
            sys.exit(1)


class _StemSavingMpWriter(MpWriter):
    """Whoosh's parallel writer (whoosh3 3.54.0) with workers that hand their stems back, and a parent that
    never waits on a dead worker: Whoosh's own blocks forever on its job queue once its workers are gone."""

    def __init__(self, ix: whoosh_index.Index, *, stem_dir: Path | None, **options) -> None:
        super().__init__(ix, **options)
        if not self.multisegment:
            raise ValueError("_StemSavingMpWriter writes one segment per worker: pass multisegment=True")
        self.stem_dir = stem_dir

    def _enqueue(self) -> None:
        # As MpWriter._enqueue, but every worker is forked before the first job goes on the queue (Whoosh
        # forks the second one after the queue's feeder thread started, and Python 3.12+ warns that forking
        # a threaded process may deadlock the child), and the job is handed over by _put_job.
        while len(self.tasks) < self.procs:
            self._new_task()
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as job_file:
            for item in self.docbuffer:
                pickle.dump(item, job_file, 2)
        self._put_job((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _put_job(self, job: tuple[str, int] | None) -> None:
        """Put a job (None: "finish your segment") on the queue, as long as every worker is alive."""
        while True:
            self._raise_if_a_worker_failed()
            with contextlib.suppress(queue.Full):
                self.jobqueue.put(job, timeout=WORKER_POLL_SECONDS)
                return

    def _raise_if_a_worker_failed(self) -> None:
        for task in self.tasks:
            if task.exitcode not in (None, 0):
                raise self._failure_of(task)

    def _failure_of(self, task: SubWriterTask) -> Exception:
        """The failure a worker reported, or what its exit status says when it could not report (killed)."""
        with contextlib.suppress(queue.Empty):
            while True:
                result = self.resultqueue.get(timeout=WORKER_POLL_SECONDS)
                if isinstance(result, _WorkerFailure):
                    return result.error()
        status = task.exitcode or 0
        if status < 0:
            how = f"was killed by {signal.Signals(-status).name}"
        else:
            how = f"exited with status {status}"
        return WriterProcessError(f"an index writer process (pid {task.pid}) {how}")

    def _worker_segments(self) -> list[Segment]:
        """The segment each worker finished, waiting only as long as every worker is alive or done."""
        segments: list[Segment] = []
        all_done_and_silent = False
        while len(segments) < len(self.tasks):
            try:
                result = self.resultqueue.get(timeout=WORKER_POLL_SECONDS)
            except queue.Empty:
                self._raise_if_a_worker_failed()
                if all(task.exitcode == 0 for task in self.tasks):
                    if all_done_and_silent:  # a second wait after all exited: the result is not coming
                        raise WriterProcessError(
                            "an index writer process exited without its segment"
                        ) from None
                    all_done_and_silent = True
                continue
            if isinstance(result, _WorkerFailure):
                raise result.error()
            segments.append(result[2])  # (run name, field names, segment): multisegment has no runs
        for task in self.tasks:
            task.join()
        return segments

    def _commit(self, mergetype: MergePolicy | None, optimize: bool, merge: bool) -> None:
        # As MpWriter._commit with multisegment=True, with the waits above instead of blocking ones.
        if self.docbuffer:
            self._enqueue()
        for _task in self.tasks:
            self._put_job(None)
        segments = self._merge_segments(mergetype, optimize, merge) + self._worker_segments()
        if self._added:
            segments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(segments)
        self._finish()

    def _commit_toc(self, segments: list[Segment]) -> None:
        # A worker that got no job (fewer batches than workers) leaves an empty segment, which Whoosh's
        # multi-segment column readers fail on; leaving it out of the TOC also deletes its files.
        super()._commit_toc([segment for segment in segments if segment.doc_count_all()])

    def cancel(self, **_options: object) -> None:
        """Stop the workers at once (Whoosh's cancel only flags its own copies of them): whatever they wrote
        goes with the generation folder."""
        for task in self.tasks:
            if task.exitcode is None:
                task.kill()
        for task in self.tasks:
            task.join()
        # Nothing will read what is left in the queues' pipes: do not wait for it at exit.
        self.jobqueue.cancel_join_thread()
        self.resultqueue.cancel_join_thread()
        SegmentWriter.cancel(self)

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


def _merge_after_update(writer: SegmentWriter, segments: list[Segment]) -> list[Segment]:
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
