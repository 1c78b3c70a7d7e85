"""What the tests share besides fixtures: where the real data is, the real indexer, the real server.

Test modules import them as `from helpers import ...`: pytest puts this folder (it has no __init__.py) on
sys.path, so that name always works. conftest.py holds the fixtures and is never imported by hand.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLE_CORPUS = REPO / "sample" / "articles.jsonl"


def run_indexer(*args: str) -> subprocess.CompletedProcess:
    """Run the real indexing command, as a user would."""
    return subprocess.run(
        [sys.executable, str(REPO / "indexer.py"), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )


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
