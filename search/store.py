"""Where an index lives on disk: generations, the CURRENT pointer, the writer lock and build metadata.

    DIR/CURRENT                     the name of the generation readers use, replaced atomically
    DIR/generations/<name>/         one complete Whoosh index each, plus build.json
    DIR/.lock                       flock'ed by the one process that is writing
    DIR/stem-cache.json             Sastrawi's stems from earlier runs (STEM_CACHE)

Every build or update writes a new generation and then switches CURRENT to it, so a reader never sees a
half-written index, and a writer that dies (even by SIGKILL) leaves only an unreferenced folder behind,
removed by the next writer. The lock is an OS lock: it dies with its process, so there is no stale lock.
After a switch the current and the previous generation are kept (a reader may have just read the old name);
older ones are deleted, which a reader that still has their files open survives on Linux.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import json
import os
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

GENERATIONS = "generations"
CURRENT = "CURRENT"
LOCK = ".lock"
BUILD_INFO = "build.json"
# The key of build.json that lists the generation's files and their sizes.
FILES = "files"
# Beside the generations: Sastrawi's stems from earlier runs (first-time stemming is a third of a cold build).
STEM_CACHE = "stem-cache.json"


class SearchIndexError(Exception):
    """A problem with the index that the user can fix; the message says how."""


class IndexMissingError(SearchIndexError):
    """Nothing was built in the index folder yet (or its current generation is damaged)."""


class IndexVersionError(SearchIndexError):
    """The index was built with another schema or analyser version: it must be rebuilt."""


class EngineUnavailableError(SearchIndexError):
    """The engine holding the index (an OpenSearch cluster) does not answer, or refuses a request."""


class IndexBusyError(SearchIndexError):
    """Another process is writing the index and did not finish within the wait."""


class IndexWriteError(SearchIndexError):
    """A build or update could not write its new generation (read-only file system, no permission...).
    The partial generation is removed and the previous one keeps serving."""


class DiskFullError(IndexWriteError):
    """The new generation does not fit on the disk: it ran out of space, or the estimate says it will."""


class WriterProcessError(SearchIndexError):
    """A worker process of the index writer died or failed: the build stops instead of waiting for it, and
    its partial generation is removed."""


def build_hint(index_dir: Path | str) -> str:
    return f"python indexer.py build --index {index_dir} PATH..."


def current_generation(index_dir: Path | str) -> str | None:
    """The name of the generation readers should use, or None when there is none yet. One small file read:
    a server can call this per request and reopen the index when the name changes."""
    try:
        name = (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def generation_dir(index_dir: Path | str, name: str) -> Path:
    return Path(index_dir) / GENERATIONS / name


def new_generation(index_dir: Path | str) -> Path:
    """Create an empty folder for the next generation; names sort in the order they were made."""
    folder = generation_dir(index_dir, datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ"))
    folder.mkdir(parents=True)
    return folder


def read_build_info(folder: Path) -> dict | None:
    """The metadata of a finished generation; None when it was never finished (or is not ours)."""
    try:
        return json.loads((folder / BUILD_INFO).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def write_build_info(folder: Path, info: dict) -> None:
    """Record `info` and the size of every file of the finished generation (see damaged_file)."""
    info = {
        **info,
        FILES: {path.name: path.stat().st_size for path in sorted(folder.iterdir()) if path.is_file()},
    }
    _write_durably(folder / BUILD_INFO, json.dumps(info, indent=2, ensure_ascii=False) + "\n")


def damaged_file(folder: Path, info: dict) -> str | None:
    """What is wrong with the first file of a generation that is missing or not the size it was written
    with (a truncated copy, a disk error, someone's cleanup); None when all are as built. A stat per file:
    cheap enough to check whenever a generation is opened."""
    for name, size in info.get(FILES, {}).items():
        try:
            found = (folder / name).stat().st_size
        except OSError as error:
            return f"{name}: {error.strerror or error}"
        if found != size:
            return f"{name} has {found} bytes instead of {size}"
    return None


def switch_to(index_dir: Path | str, folder: Path) -> None:
    """Make `folder` the current generation: one atomic rename of the pointer file."""
    _fsync_tree(folder)
    _write_durably(Path(index_dir) / CURRENT, folder.name + "\n")


def remove_stale_generations(index_dir: Path | str, keep: set[str | None]) -> None:
    """Delete every generation not in `keep` (call with the lock held). Keep the one just replaced: a
    reader may have read CURRENT a moment ago and not opened its files yet; files a reader has open
    survive the delete on Linux."""
    root = Path(index_dir) / GENERATIONS
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.name not in keep:
            shutil.rmtree(folder, ignore_errors=True)


def copy_generation(source: Path, target: Path) -> None:
    """Fill `target` with the files of `source` by hard links (copies where links fail). Whoosh never
    rewrites a file it has written (new segments, new TOC, deletions in the TOC), so the source stays
    exactly as it was while a writer works on the target."""
    for path in source.iterdir():
        if path.is_file() and path.name != BUILD_INFO and not path.name.endswith("LOCK"):
            try:
                os.link(path, target / path.name)
            except OSError:
                shutil.copy2(path, target / path.name)


def generation_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


@contextlib.contextmanager
def writer_lock(index_dir: Path | str, wait: float) -> Iterator[None]:
    """Hold DIR/.lock for the duration of a build or update; wait up to `wait` seconds for another writer.

    Raises IndexBusyError (with the other writer's pid) when the wait runs out.
    """
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
                    raise IndexBusyError(
                        f"another indexer (pid {holder}) is writing to {index_dir}; "
                        f"wait for it to finish or pass a longer --wait (waited {wait:g} s)"
                    ) from None
                time.sleep(0.1)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        _held_lock_fds.add(fd)
        try:
            yield
        finally:
            _held_lock_fds.discard(fd)
    finally:
        os.close(fd)


# Whoosh's parallel writer forks worker processes. A forked child would inherit the lock's file descriptor
# and keep the lock alive after its parent is killed, and it would wait forever for work from a dead
# parent. So children of a process holding the lock close their copy and die with their parent.
_held_lock_fds: set[int] = set()


def _after_fork_in_child() -> None:
    if not _held_lock_fds:
        return
    for fd in _held_lock_fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    _held_lock_fds.clear()
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


os.register_at_fork(after_in_child=_after_fork_in_child)


def _write_durably(path: Path, text: str) -> None:
    """Write `text` to `path` all at once: a reader sees the old content or the new, never a part."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)  # a full disk must not keep a half-written file
        raise


def _fsync_tree(folder: Path) -> None:
    """Flush a finished generation to disk before CURRENT names it, so a crash cannot leave CURRENT
    pointing at files that never reached the disk."""
    for path in folder.iterdir():
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
