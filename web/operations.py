"""What operators and API clients ask of the service itself: `/healthz` and the API's OpenAPI document."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, current_app, jsonify

from search.query import SearchService
from search.store import SearchIndexError

OPENAPI_DOCUMENT = Path(__file__).resolve().parent / "openapi.json"

bp = Blueprint("operations", __name__)


@cache
def openapi_document() -> dict:
    """The OpenAPI 3.1 description of /api/search and /healthz (tests check real answers against it)."""
    return json.loads(OPENAPI_DOCUMENT.read_text(encoding="utf-8"))


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/healthz")
def health():
    """200 with the index version served, or 503 with the reason no index is open (a load balancer takes
    the server out of rotation on anything but a 200)."""
    service: SearchService = current_app.extensions["search"]
    try:
        engine = service.engine()
    except SearchIndexError as error:
        answer, status = {"status": "unavailable", "index_open": False, "generation": None}, 503
        answer["error"] = str(error)
    else:
        answer, status = {"status": "ok", "index_open": True, "generation": engine.generation}, 200
        answer["articles"] = engine.backend.doc_count()
    response = jsonify(answer)
    response.status_code = status
    response.cache_control.no_store = True
    return response
