"""HTTP caching and compression of search answers, so a browser or a reverse proxy can keep them.

A search answer depends only on the index version and the request, so both make its ETag, and a client
that sends that tag back in If-None-Match gets a 304 before any search runs. The tag is weak: the gzip and
the plain body of one answer are the same answer (flask-compress, which does the gzip, would otherwise
append the encoding to a strong tag). Cache-Control lets caches reuse an answer for CACHE_SECONDS without
asking, short enough that a rebuild shows soon.
"""

from __future__ import annotations

import hashlib

from flask import Flask, Response, current_app, g, request
from flask_compress import Compress

from search.store import SearchIndexError

CACHEABLE_ENDPOINTS = {"search.search_page", "search.search_api"}
COMPRESSION = {
    "COMPRESS_ALGORITHM": ["gzip"],  # what every client accepts; br and zstd save little on 10 kB answers
    "COMPRESS_MIMETYPES": ["text/html", "application/json"],
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
}


def init_app(app: Flask) -> None:
    for name, value in COMPRESSION.items():
        app.config.setdefault(name, value)
    Compress(app)
    # Registered after flask-compress's hook, so it runs before it (Flask runs them last-registered first).
    app.before_request(answer_not_modified)
    app.after_request(add_cache_headers)


def answer_etag() -> str | None:
    """The tag of the answer this request will get, or None for requests that are not cached (anything
    but the search page and API, or no index to answer from)."""
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        return None
    try:
        generation = current_app.extensions["search"].engine().generation
    except SearchIndexError:
        return None
    answer = f"{generation}\0{request.path}\0{request.query_string.decode('latin-1')}"
    return hashlib.blake2b(answer.encode(), digest_size=12).hexdigest()


def answer_not_modified() -> Response | None:
    g.etag = answer_etag()
    if g.etag is None or not request.if_none_match.contains_weak(g.etag):
        return None
    response = Response(status=304)
    _cache_for_a_while(response, g.etag)
    return response


def add_cache_headers(response: Response) -> Response:
    etag = g.get("etag")
    if etag is not None and response.status_code == 200:
        _cache_for_a_while(response, etag)
    return response


def _cache_for_a_while(response: Response, etag: str) -> None:
    response.set_etag(etag, weak=True)
    response.cache_control.public = True
    response.cache_control.max_age = current_app.config["CACHE_SECONDS"]
