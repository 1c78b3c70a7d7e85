"""Answers shared by the processes of one server, in a SQLite file: a search one worker answered is an
answer cache hit in every other.

Each gunicorn worker keeps its own latest answers in memory (search/query.py), so with two workers a
popular query is computed twice and a reader's next page may land on the worker that has not seen the
query: the share of requests answered from a cache fell from 73% to 65% going from one worker to two
(bench/bench_load.py's mix). A row holds one answer, keyed by the index version and the request, so a
rebuild's new version never meets an old answer. The cache never fails a search: a locked, full or broken
file is a miss.
"""

from __future__ import annotations

import pickle
import sqlite3
import threading
from pathlib import Path

from search.request import SearchRequest, SearchResponse

TRIM_EVERY = 256  # answers stored between two trims of the oldest


class SharedAnswers:
    """At most `size` answers in the SQLite file `path`, the newest kept; safe to share between threads and
    processes (each process opens its own connection)."""

    def __init__(self, path: str | Path, size: int) -> None:
        self.path = str(path)
        self.size = size
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._stored = 0

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            connection = sqlite3.connect(self.path, timeout=0.05, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=OFF")  # a cache: losing it in a crash loses nothing
            connection.execute(
                "CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, generation TEXT, answer BLOB)"
            )
            self._connection = connection
        return self._connection

    def get(self, generation: str | None, request: SearchRequest) -> SearchResponse | None:
        try:
            with self._lock:
                row = (
                    self._connect()
                    .execute("SELECT answer FROM answers WHERE key = ?", (_key(generation, request),))
                    .fetchone()
                )
            return pickle.loads(row[0]) if row else None
        except (sqlite3.Error, pickle.UnpicklingError, EOFError):
            return None

    def put(self, generation: str | None, request: SearchRequest, response: SearchResponse) -> None:
        answer = pickle.dumps(response, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            with self._lock:
                connection = self._connect()
                with connection:
                    connection.execute(
                        "INSERT OR REPLACE INTO answers VALUES (?, ?, ?)",
                        (_key(generation, request), generation or "", answer),
                    )
                self._stored += 1
                if self._stored % TRIM_EVERY == 0:
                    self._trim(connection, generation or "")
        except sqlite3.Error:
            pass

    def _trim(self, connection: sqlite3.Connection, generation: str) -> None:
        """Drop other index versions' answers and all but the newest `size`."""
        with connection:
            connection.execute("DELETE FROM answers WHERE generation != ?", (generation,))
            connection.execute(
                "DELETE FROM answers WHERE rowid <= (SELECT MAX(rowid) FROM answers) - ?", (self.size,)
            )

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def _key(generation: str | None, request: SearchRequest) -> str:
    """Every field of the request (a frozen dataclass's repr names them all) under its index version."""
    return f"{generation}\0{request!r}"
