"""Faults while the index is rebuilt or served: a full or read-only disk, writer processes that die, signals
to the indexer, damaged index files under a running server. Everything is real: a small tmpfs for the disk,
`indexer.py` subprocesses, SIGKILL/SIGTERM/SIGINT, files truncated and removed on disk, `python -m web`."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import ARTICLES, REPO, child_pids, run_indexer, serving, wait_until_no_process_mentions
from whoosh import index as whoosh_index
from whoosh.query import Term

from search.indexing import BUILD_WRITER_OPTIONS, _writing
from search.reader import open_current
from search.schema import make_schema
from search.store import (
    BUILD_INFO,
    CURRENT,
    GENERATIONS,
    IndexMissingError,
    WriterProcessError,
    current_generation,
    generation_dir,
)

# Generous bounds on waits: a failure must end the run within seconds, but CI machines are shared and slow.
EXIT_WITHIN = 60
SYLLABLES = [consonant + vowel for consonant in "bdgklmnprst" for vowel in "aeiu"]
FUNCTION_WORDS = ["yang", "dan", "di", "ke", "dari", "untuk", "dengan", "pada", "ini", "itu", "tidak", "akan"]


def fake_articles(path: Path, count: int, seed: int = 3) -> Path:
    """`count` made-up Indonesian-looking articles as JSON lines: sentences of common function words and
    2,000 words of two to four random syllables (few enough that stemming them all takes a moment)."""
    rng = random.Random(seed)
    vocabulary = ["".join(rng.choices(SYLLABLES, k=rng.randint(2, 4))) for _ in range(2000)]

    def sentence() -> str:
        words = [
            rng.choice(FUNCTION_WORDS if rng.random() < 0.3 else vocabulary)
            for _ in range(rng.randint(8, 16))
        ]
        return " ".join(words).capitalize() + "."

    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            record = {
                "url": f"https://palsu.example/berita/{n}",
                "source": rng.choice(["Kabar Palsu", "Warta Rekaan"]),
                "published": f"2020-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "title": f"Berita {n} " + sentence(),
                "body": " ".join(sentence() for _ in range(rng.randint(10, 20))),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def generations(index_dir: Path) -> list[str]:
    return sorted(path.name for path in (index_dir / GENERATIONS).iterdir())


def assert_previous_index_serves(index_dir: Path, previous: str) -> None:
    """The generation from before the failed run is current, alone on disk, opens and answers."""
    assert current_generation(index_dir) == previous
    assert generations(index_dir) == [previous]
    with open_current(index_dir).searcher() as searcher:
        assert searcher.doc_count() == 5
        assert len(searcher.search(Term("source", "Kabar Nusantara"), limit=None)) == 2


def assert_lock_released(index_dir: Path) -> None:
    """A following writer gets the lock at once (and no worker of the failed run is left)."""
    assert wait_until_no_process_mentions(str(index_dir)) == []
    done = run_indexer("update", "--index", str(index_dir), "--wait", "0", str(ARTICLES))
    assert done.returncode == 0, done.stderr


def start_indexer(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "indexer.py", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_new_generation(index_dir: Path, proc: subprocess.Popen, workers: int) -> None:
    """Until the run has created its generation folder and forked `workers` writer processes."""
    deadline = time.monotonic() + EXIT_WITHIN
    while len(generations(index_dir)) < 2 or len(child_pids(proc.pid)) < workers:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the indexer never started writing"
        time.sleep(0.05)


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, str]:
    """An index of the five fixture articles, and the name of its generation."""
    index_dir = tmp_path / "ix"
    done = run_indexer("build", "--index", str(index_dir), str(ARTICLES))
    assert done.returncode == 0, done.stderr
    return index_dir, current_generation(index_dir)


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 MB of articles: a build runs for a while, and hands its workers more than 1.5 MB of jobs at once."""
    return fake_articles(tmp_path_factory.mktemp("corpus") / "big.jsonl", 3000)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """0.4 MB of articles: the writer holds them in memory, and its segments need more than 1.5 MB."""
    return fake_articles(tmp_path_factory.mktemp("corpus") / "small.jsonl", 300)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1.5 MB file system (tmpfs), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1500k", "tmpfs", str(folder)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a tmpfs here (a container without CAP_SYS_ADMIN?): {mounted.stderr.strip()}"
        )
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=False)


@pytest.fixture
def built_on_small_disk(small_disk: Path) -> tuple[Path, str]:
    index_dir = small_disk / "ix"
    done = run_indexer("build", "--index", str(index_dir), str(ARTICLES))
    assert done.returncode == 0, done.stderr
    return index_dir, current_generation(index_dir)


# --- the disk


@pytest.mark.parametrize(
    ("command", "corpus"),
    [
        ("build", "small_corpus"),  # the writer's worker processes fill the disk with their segments
        ("build", "big_corpus"),  # the parent fills it with the jobs it hands its workers
        ("update", "small_corpus"),  # an update writes in its own process
    ],
)
def test_a_full_disk_ends_the_run_with_a_message_and_leaves_the_disk_as_it_was(
    built_on_small_disk: tuple[Path, str], command: str, corpus: str, request: pytest.FixtureRequest
) -> None:
    index_dir, previous = built_on_small_disk
    free_before = shutil.disk_usage(index_dir).free

    run = start_indexer(command, "--index", str(index_dir), "--force", str(request.getfixturevalue(corpus)))
    _, err = run.communicate(timeout=EXIT_WITHIN * 3)  # the writer works a while before the disk fills

    assert run.returncode == 73, err  # EX_CANTCREAT
    assert f"the disk holding {index_dir} is full (No space left on device)" in err
    assert "the new index needs about" in err and "MB are free without it" in err
    assert "Traceback" not in err
    assert_previous_index_serves(index_dir, previous)
    assert shutil.disk_usage(index_dir).free >= free_before - 64 * 1024  # give or take the stem cache
    assert_lock_released(index_dir)


def test_a_run_that_cannot_fit_is_refused_before_it_starts(
    built_on_small_disk: tuple[Path, str], small_corpus: Path
) -> None:
    index_dir, previous = built_on_small_disk

    done = run_indexer("build", "--index", str(index_dir), str(small_corpus))

    assert done.returncode == 73
    assert f"not enough free space for the new index in {index_dir}: it needs about" in done.stderr
    assert "pass --force" in done.stderr and "Traceback" not in done.stderr
    assert "indexed" not in done.stderr  # refused before reading a single article
    assert_previous_index_serves(index_dir, previous)


def test_a_read_only_file_system_is_named(built_on_small_disk: tuple[Path, str]) -> None:
    index_dir, previous = built_on_small_disk
    subprocess.run(["mount", "-o", "remount,ro", str(index_dir.parent)], check=True)

    for command in ("build", "update"):
        done = run_indexer(command, "--index", str(index_dir), str(ARTICLES))
        assert done.returncode == 74, done.stderr  # EX_IOERR
        assert f"could not write the index in {index_dir}: the file system is read-only" in done.stderr
        assert "Traceback" not in done.stderr
    debug = run_indexer("build", "--index", str(index_dir), "--debug", str(ARTICLES))
    assert "Traceback" in debug.stderr and "Read-only file system" in debug.stderr
    assert_previous_index_serves(index_dir, previous)


# --- the writer's worker processes


@pytest.mark.parametrize("victims", ["one", "all"])
def test_a_killed_writer_process_ends_the_build_within_seconds(
    built: tuple[Path, str], big_corpus: Path, victims: str
) -> None:
    index_dir, previous = built
    run = start_indexer("build", "--index", str(index_dir), str(big_corpus))
    wait_for_new_generation(index_dir, run, workers=BUILD_WRITER_OPTIONS["procs"])

    workers = child_pids(run.pid)
    for pid in workers[:1] if victims == "one" else workers:
        os.kill(pid, signal.SIGKILL)
    _, err = run.communicate(timeout=EXIT_WITHIN)

    assert run.returncode == 70, err  # EX_SOFTWARE
    assert "an index writer process" in err and "was killed by SIGKILL" in err
    assert "Traceback" not in err
    assert_previous_index_serves(index_dir, previous)
    assert_lock_released(index_dir)


def test_an_exception_in_a_writer_process_reaches_the_parent_with_its_trace(tmp_path: Path) -> None:
    """A document that only the worker can find wrong (a date that is not one): the parent raises the
    worker's error instead of dropping its segment, and stops the other worker."""
    (tmp_path / "ix").mkdir()
    ix = whoosh_index.create_in(str(tmp_path / "ix"), make_schema())
    started = time.monotonic()

    failing = pytest.raises(WriterProcessError, match="an index writer process failed: ")
    with failing as failure, _writing(ix, BUILD_WRITER_OPTIONS) as writer:
        for n in range(250):  # more than one batch, so both workers get work
            writer.add_document(id=str(n), title="Judul", body="Isi berita.", published="bukan tanggal")

    assert time.monotonic() - started < EXIT_WITHIN
    assert any("Traceback" in note for note in failure.value.__notes__)
    assert all(task.exitcode is not None for task in writer.tasks)  # none left running


# --- signals


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_stops_a_build_cleanly(
    built: tuple[Path, str], big_corpus: Path, signum: signal.Signals, status: int
) -> None:
    index_dir, previous = built
    run = start_indexer("build", "--index", str(index_dir), str(big_corpus))
    wait_for_new_generation(index_dir, run, workers=BUILD_WRITER_OPTIONS["procs"])

    run.send_signal(signum)
    _, err = run.communicate(timeout=EXIT_WITHIN)

    assert run.returncode == status, err
    assert f"Stopped by {signum.name}: the partial generation was removed" in err
    assert f"serves generation {previous}" in err and "Traceback" not in err
    assert_previous_index_serves(index_dir, previous)
    assert_lock_released(index_dir)


def test_a_signal_stops_an_update_without_touching_the_current_generation(
    built: tuple[Path, str], big_corpus: Path
) -> None:
    index_dir, previous = built
    run = start_indexer("update", "--index", str(index_dir), str(big_corpus))
    wait_for_new_generation(index_dir, run, workers=0)  # an update writes in its own process

    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=EXIT_WITHIN)

    assert run.returncode == 143, err
    assert_previous_index_serves(index_dir, previous)
    assert_lock_released(index_dir)


def test_a_second_signal_stops_at_once(built: tuple[Path, str], big_corpus: Path) -> None:
    index_dir, previous = built
    run = start_indexer("build", "--index", str(index_dir), str(big_corpus))
    wait_for_new_generation(index_dir, run, workers=BUILD_WRITER_OPTIONS["procs"])

    run.send_signal(signal.SIGTERM)
    run.send_signal(signal.SIGTERM)
    run.communicate(timeout=EXIT_WITHIN)

    assert run.returncode == 143
    assert current_generation(index_dir) == previous
    assert wait_until_no_process_mentions(str(index_dir)) == []  # the workers die with their parent
    assert_lock_released(index_dir)


# --- the server


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def rebuild(index_dir: Path) -> None:
    done = run_indexer("build", "--index", str(index_dir), str(ARTICLES))
    assert done.returncode == 0, done.stderr


def publish_copy(index_dir: Path, damage) -> None:
    """A copy of the current generation, damaged by `damage(folder)`, made current as a writer would."""
    source = generation_dir(index_dir, current_generation(index_dir))
    copy = source.with_name(source.name + "-copy")
    shutil.copytree(source, copy)
    damage(copy)
    (index_dir / CURRENT).write_text(copy.name + "\n", encoding="utf-8")


def largest_segment_file(folder: Path) -> Path:
    return max((path for path in folder.iterdir() if path.name != BUILD_INFO), key=lambda p: p.stat().st_size)


def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


DAMAGE = {
    "the index folder removed": lambda ix: shutil.rmtree(ix),
    "CURRENT naming a missing generation": lambda ix: (ix / CURRENT).write_text("20990101T000000.000000Z\n"),
    "CURRENT truncated to nothing": lambda ix: (ix / CURRENT).write_text(""),
    "CURRENT truncated mid-name": lambda ix: truncate(ix / CURRENT),
    "a generation with a truncated segment file": lambda ix: publish_copy(
        ix, lambda folder: truncate(largest_segment_file(folder))
    ),
    "a generation with a segment file missing": lambda ix: publish_copy(
        ix, lambda folder: largest_segment_file(folder).unlink()
    ),
    "a generation whose segment list is garbage": lambda ix: publish_copy(
        ix, lambda folder: next(folder.glob("*.toc")).write_bytes(b"\x00garbage" * 40)
    ),
    "the served generation's segment file truncated": lambda ix: truncate(
        largest_segment_file(generation_dir(ix, current_generation(ix)))
    ),
}


@pytest.mark.parametrize("fault", DAMAGE)
def test_the_server_answers_503_for_a_damaged_index_and_recovers_when_one_is_rebuilt(
    built: tuple[Path, str], fault: str
) -> None:
    index_dir, _ = built
    with serving(index_dir) as url:
        assert get(f"{url}/api/search?q=banjir")[0] == 200

        DAMAGE[fault](index_dir)

        for path in ("/api/search?q=banjir", "/api/search?q=banjir&page=2", "/api/search?q=harga"):
            status, body = get(url + path)
            assert status == 503, (path, body)
            assert "Indeks pencarian belum tersedia" in body["error"]
            assert "indexer.py build" in body["error"]
        with pytest.raises(urllib.error.HTTPError) as page:
            urllib.request.urlopen(f"{url}/search?q=banjir", timeout=30)
        assert page.value.code == 503

        rebuild(index_dir)
        status, body = get(f"{url}/api/search?q=banjir")
        assert status == 200 and body["total"] >= 1


def test_opening_a_damaged_generation_says_what_is_damaged(built: tuple[Path, str]) -> None:
    index_dir, _ = built
    publish_copy(index_dir, lambda folder: truncate(largest_segment_file(folder)))
    with pytest.raises(
        IndexMissingError, match=r"is damaged \(generation .*-copy: .* has \d+ bytes instead of"
    ):
        open_current(index_dir)
