"""The web front end: a search page and its JSON twin over the search library.

python -m web --index DIR_OR_URL [--host 127.0.0.1] [--port 5000] [--workers N]
"""

from __future__ import annotations

from flask import Flask

from search.backend import open_location
from search.query import SearchService
from search.shared_answers import SharedAnswers
from web.fast_json import OrjsonProvider
from web.settings import DEFAULTS

SHARED_ANSWERS_PER_CACHED = 4  # the shared file holds this many times the answers one process keeps


def create_app(config: dict | None = None) -> Flask:
    """A new application; `config` must give INDEX (see web/settings.py for every setting)."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.update(config or {})
    if not app.config["INDEX"]:
        raise ValueError("create_app needs INDEX: the index folder or OpenSearch URL")
    app.json = OrjsonProvider(app)
    app.extensions["search"] = SearchService(
        open_location(str(app.config["INDEX"])),
        answer_cache_size=app.config["CACHE_SIZE"],
        collapse=bool(app.config["COLLAPSE"]),
        expand_acronyms=app.config["EXPAND_ACRONYMS"],
        shared=SharedAnswers(app.config["SHARED_CACHE"], SHARED_ANSWERS_PER_CACHED * app.config["CACHE_SIZE"])
        if app.config["SHARED_CACHE"]
        else None,
    )

    from web import access_log, http_cache, operations, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(operations.bp)
    http_cache.init_app(app)
    access_log.init_app(app)
    return app
