"""What the tests share besides fixtures: where the real data is, the real indexer, the real server.

Test modules import them as `from helpers import ...`: pytest puts this folder (it has no __init__.py) on
sys.path, so that name always works. conftest.py holds the fixtures and is never imported by hand.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
SAMPLE_CORPUS = REPO / "sample" / "articles.jsonl"
INDEXING_FIXTURES = REPO / "tests" / "fixtures" / "indexing"
ARTICLES = (
    INDEXING_FIXTURES / "articles.jsonl"
)  # 6 records: 5 articles and a copy of the first under another URL spelling
# a new version of one article, a new article, and that new article again
UPDATE = INDEXING_FIXTURES / "update.jsonl"
CORRUPT = INDEXING_FIXTURES / "corrupt"  # one good article, a truncated JSON line, a binary file


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
def serving(index_dir: Path, workers: int = 0, log: list[str] | None = None) -> Iterator[str]:
    """`python -m web` on a free loopback port, in one process or with gunicorn `workers`; yields its base
    URL. Its output (the access log) is drained in a thread, into `log` when given: a full pipe would
    otherwise block the server.
    """
    command = [sys.executable, "-m", "web", "--index", str(index_dir), "--host", "127.0.0.1", "--port", "0"]
    proc = subprocess.Popen(
        [*command, "--workers", str(workers)],
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
        sink = log.append if log is not None else None
        threading.Thread(target=_drain, args=(proc.stdout, sink), daemon=True).start()
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _drain(stream, sink) -> None:
    for line in stream:
        if sink is not None:
            sink(line)


# The engines every query-path test runs on: the embedded Whoosh index and a real OpenSearch cluster
# (`pytest -m "not opensearch"` runs the Whoosh-only suite).
ENGINE_NAMES = ("whoosh", "opensearch")
ENGINES = ("whoosh", pytest.param("opensearch", marks=pytest.mark.opensearch))
CLUSTER_URL = os.environ.get("BERITA_TEST_CLUSTER", "http://127.0.0.1:9200")


def cluster_is_up(url: str = CLUSTER_URL) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=5) as answer:
            return json.load(answer)["status"] in ("green", "yellow")
    except (OSError, ValueError, KeyError):
        return False


class IndexLocations:
    """Fresh index locations for an engine: a new folder for Whoosh, a new alias on the cluster (removed
    with its indexes at the end of the session). Without a cluster the OpenSearch tests skip, except in
    CI, where `.ci/run` starts one and its absence is a failure."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory) -> None:
        self.tmp_path_factory = tmp_path_factory
        self.aliases: list[str] = []

    def new(self, engine: str) -> str:
        if engine == "whoosh":
            return str(self.tmp_path_factory.mktemp("whoosh") / "index")
        if not cluster_is_up():
            message = f"no OpenSearch cluster answers at {CLUSTER_URL}: `make cluster` starts one"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        alias = f"test-{uuid.uuid4().hex[:12]}"
        self.aliases.append(alias)
        return f"{CLUSTER_URL}/{alias}"

    def remove_all(self) -> None:
        if not self.aliases or not cluster_is_up():
            return
        from opensearchpy import OpenSearch

        client = OpenSearch(hosts=[CLUSTER_URL])
        for alias in self.aliases:
            client.indices.delete(index=f"{alias}-*", ignore_unavailable=True)


def write_synthetic_corpus(path: Path, count: int, seed: int = 7) -> Path:
    """`count` articles made of the fixture sentences in random order, each with a distinct URL and word."""
    sentences = [
        sentence.strip() + "."
        for line in ARTICLES.read_text(encoding="utf-8").splitlines()
        for sentence in json.loads(line)["body"].split(".")
        if sentence.strip()
    ]
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            record = {
                "url": f"https://sintetis.example/{n}",
                "source": rng.choice(["Kabar Nusantara", "Warta Harian"]),
                "published": f"2019-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "title": f"Laporan nomor{n} " + rng.choice(sentences),
                "body": " ".join(rng.choices(sentences, k=12)),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def child_pids(parent: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def wait_until_no_process_mentions(text: str, patience: float = 10.0) -> list[int]:
    """The pids whose command line still contains `text` once they are gone or `patience` seconds passed."""
    deadline = time.monotonic() + patience
    while True:
        pids = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                if text.encode() in cmdline.read_bytes():
                    pids.append(int(cmdline.parent.name))
            except OSError:
                continue
        if not pids or time.monotonic() > deadline:
            return pids
        time.sleep(0.1)
