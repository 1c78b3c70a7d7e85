"""The web front end: a search page and its JSON twin over the search library.

python -m web --index DIR [--host 127.0.0.1] [--port 5000]
"""

from __future__ import annotations

from flask import Flask

from search.query import SearchService


def create_app(config: dict | None = None) -> Flask:
    """A new application; `config` must give INDEX_DIR, the folder `indexer.py build --index` wrote."""
    app = Flask(__name__)
    app.config.update(INDEX_DIR=None)
    app.config.update(config or {})
    if not app.config["INDEX_DIR"]:
        raise ValueError("create_app needs INDEX_DIR: the folder of the search index")
    app.json.ensure_ascii = False
    app.extensions["search"] = SearchService(app.config["INDEX_DIR"])

    from web import routes

    app.register_blueprint(routes.bp)
    return app
