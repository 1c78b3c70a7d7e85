"""The production server: the app under gunicorn, in worker processes that share the index files.

Searching is CPU-bound pure Python, so one process runs one search at a time whatever its threads: worker
processes are what use more than one core. Each worker builds its own app after the fork (nothing opened
before it is shared), so each one follows index rebuilds on its own, exactly as the single-process server
does. The master binds the socket, so `--port 0` gives every worker the same free port.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter

from search.store import SearchIndexError
from web import create_app


def default_workers() -> int:
    """One worker per core: a search keeps its core busy from start to end, so more would only queue."""
    return os.cpu_count() or 1


class _Gunicorn(BaseApplication):
    """gunicorn driven from Python with our options instead of its command line."""

    def __init__(self, config: dict, options: dict) -> None:
        self.config = config
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for name, value in self.options.items():
            self.cfg.set(name, value)

    def load(self):
        """In each worker after the fork: the app, with the index opened and warmed up (search/backend.py's
        warm_up) before the worker takes its first request."""
        app = create_app(self.config)
        with contextlib.suppress(SearchIndexError):  # no index yet: requests get the usual 503 until there is
            app.extensions["search"].engine().backend.warm_up(wait=True)
        return app


def _announce(arbiter: Arbiter) -> None:
    """The line scripts and tests read to find the server, once the socket is bound."""
    host, port = arbiter.LISTENERS[0].sock.getsockname()[:2]
    print(f"Serving on http://{host}:{port} with {arbiter.num_workers} workers", flush=True)


def serve(config: dict, host: str, port: int, workers: int) -> None:
    """Serve `create_app(config)` on host:port with `workers` processes until SIGTERM or SIGINT; the
    workers share their answers in a file of a temporary folder the master removes on exit (a `with`
    block would not do: each worker leaves through it too)."""
    folder = tempfile.mkdtemp(prefix="berita-answers-")
    _Gunicorn(
        {"SHARED_CACHE": str(Path(folder) / "answers.sqlite"), **config},
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "worker_class": "sync",
            "when_ready": _announce,
            "on_exit": lambda _arbiter: shutil.rmtree(folder, ignore_errors=True),
            "accesslog": None,  # the app logs each request with its time (web/access_log.py)
            "errorlog": "-",
        },
    ).run()
