"""One access log line per request, with the time the app took, on stderr, under any server.

A WSGI middleware rather than Flask hooks, so the time includes every hook (compression, headers) and the
line is written for requests that end in an error page too.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable

from flask import Flask

logger = logging.getLogger("web.access")


def init_app(app: Flask) -> None:
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]  # Flask's documented middleware hook


class AccessLog:
    """`127.0.0.1 "GET /api/search?q=banjir HTTP/1.1" 200 1234 B 12.3 ms` after each response is made."""

    def __init__(self, wsgi_app: Callable) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        seen: dict[str, str] = {}

        def recording_start_response(status: str, headers: list, exc_info=None):
            seen["status"] = status.split(" ", 1)[0]
            seen["length"] = next((v for k, v in headers if k.lower() == "content-length"), "-")
            return start_response(status, headers, exc_info)

        body = self.wsgi_app(environ, recording_start_response)
        query = environ.get("QUERY_STRING")
        target = environ.get("PATH_INFO", "") + (f"?{query}" if query else "")
        logger.info(
            '%s "%s %s %s" %s %s B %.1f ms',
            environ.get("REMOTE_ADDR", "-"),
            environ.get("REQUEST_METHOD"),
            target,
            environ.get("SERVER_PROTOCOL"),
            seen.get("status", "-"),
            seen.get("length", "-"),
            (time.perf_counter() - started) * 1000,
        )
        return body
