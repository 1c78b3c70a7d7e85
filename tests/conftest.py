"""Fixtures shared by the test modules: where the real data is, and a real server on a free loopback port."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLE_CORPUS = REPO / "sample" / "articles.jsonl"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real data beside the clone; tests that need it skip, saying why, when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA}: these tests need ../shared/data beside the clone")
    return SHARED_DATA


def run_indexer(*args: str) -> subprocess.CompletedProcess:
    """Run the real indexing command, as a user would."""
    return subprocess.run(
        [sys.executable, str(REPO / "indexer.py"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the project's own sample corpus, built by the real indexer."""
    index_dir = tmp_path_factory.mktemp("sample") / "index"
    done = run_indexer("build", "--index", str(index_dir), str(SAMPLE_CORPUS))
    assert done.returncode == 0, done.stderr
    return index_dir


@contextmanager
def serving(index_dir: Path) -> Iterator[str]:
    """`python -m web` on a free loopback port; yields its base URL.

    The server's request log is drained in a thread: a full pipe would otherwise block the server.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "web", "--index", str(index_dir), "--host", "127.0.0.1", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    try:
        for line in proc.stdout:
            if "http://127.0.0.1:" in line:
                url = line[line.index("http://") :].split()[0].rstrip("/")
                break
        else:
            raise RuntimeError("the server exited before printing its URL")
        threading.Thread(target=proc.stdout.read, daemon=True).start()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture
def live_server(sample_index: Path) -> Iterator[str]:
    """The real web server over the sample index; yields its base URL."""
    with serving(sample_index) as url:
        yield url
