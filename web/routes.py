"""Routes: the search page (`/`, `/search`) and its JSON twin (`/api/search`), thin over search.query.

Both read the same parameters (q, page, per_page, from, to, source, category, date, sort) and render the same
`SearchResponse`. Bad parameters get a 400 and a missing or outdated index a 503, each with a message for a
person; nothing reaches the user as a trace.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from search.facets import date_label, long_date, time_ago
from search.query import SearchService
from search.related import RelatedResponse, UnknownArticle, related
from search.request import (
    MAX_QUERY_CHARS,
    SORTS,
    InvalidRequest,
    SearchRequest,
    SearchResponse,
    clean_query,
)
from search.store import EngineUnavailableError, IndexVersionError, SearchIndexError
from web.feeds import atom_feed, opensearch_description

bp = Blueprint("search", __name__)
FEED_ENTRIES = 20


def _service() -> SearchService:
    return current_app.extensions["search"]


def _index_message(error: SearchIndexError) -> str:
    if isinstance(error, EngineUnavailableError):
        return f"Mesin pencari (klaster OpenSearch) tidak dapat dihubungi; coba lagi nanti. ({error})"
    if isinstance(error, IndexVersionError):
        return f"Indeks pencarian harus dibangun ulang untuk versi program ini. ({error})"
    return f"Indeks pencarian belum tersedia. ({error})"


def _refusal(error: InvalidRequest | SearchIndexError) -> tuple[str, int]:
    """The message and HTTP status of a request the library could not answer: a bad parameter 400, an
    unknown article 404, an index or engine that cannot answer 503."""
    if isinstance(error, SearchIndexError):
        return _index_message(error), 503
    return str(error), 404 if isinstance(error, UnknownArticle) else 400


@bp.app_template_filter("ribuan")
def thousands(number: int) -> str:
    """22922 -> "22.922", the Indonesian way."""
    return f"{number:,}".replace(",", ".")


@bp.app_template_filter("detik")
def seconds(milliseconds: float) -> str:
    """21.4 ms -> "0,02"."""
    return f"{milliseconds / 1000:.2f}".replace(".", ",")


@bp.app_template_filter("tanggal")
def indonesian_date(day: str) -> str:
    return long_date(day)


@bp.app_template_filter("lalu")
def ago(published: str | None) -> str | None:
    """ "3 jam lalu" for a result published in the last week, else None."""
    return time_ago(published, datetime.now(UTC))


@bp.app_template_filter("label_tanggal")
def date_choice_label(value: str) -> str:
    """A date facet choice: "2019-09" -> "September 2019"."""
    return date_label(value)


@bp.after_app_request
def security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


@bp.get("/")
@bp.get("/search")
def search_page():
    try:
        search_request = SearchRequest.from_params(request.args)
    except InvalidRequest as error:
        shown = SearchRequest(q=clean_query(request.args.get("q", ""))[:MAX_QUERY_CHARS])
        return _page(shown, error=str(error)), 400
    try:
        response = _service().search(search_request)
    except SearchIndexError as error:
        return _page(search_request, error=_index_message(error)), 503
    return _page(search_request, response=response)


@bp.get("/search.atom")
def search_feed():
    """The newest matches of a search as an Atom feed (a filter's parameters apply; the page is the first)."""
    params = request.args.copy()
    params["sort"], params["page"] = "newest", "1"
    params.setdefault("per_page", str(FEED_ENTRIES))
    try:
        response = _service().search(SearchRequest.from_params(params))
    except (InvalidRequest, SearchIndexError) as error:
        message, status = _refusal(error)
        return Response(message, status, mimetype="text/plain")
    query = "?" + urlencode(response.request.to_params())
    root = request.url_root
    feed = atom_feed(response, f"{root}search.atom{query}", f"{root}search{query}", root)
    return Response(feed, mimetype="application/atom+xml")


@bp.get("/opensearch.xml")
def opensearch():
    return Response(
        opensearch_description(request.url_root), mimetype="application/opensearchdescription+xml"
    )


@bp.get("/api/suggest")
def suggest_api():
    """Completions of what is typed, in the OpenSearch suggestions format: ["keba", ["kebakaran", ...]]."""
    typed = clean_query(request.args.get("q", ""))[:MAX_QUERY_CHARS]
    try:
        completions = _service().complete(typed)
    except SearchIndexError as error:
        return jsonify(error=_index_message(error)), 503
    return jsonify([typed, completions])


@bp.get("/api/search")
def search_api():
    try:
        search_request = SearchRequest.from_params(request.args)
    except InvalidRequest as error:
        return jsonify(error=str(error)), 400
    try:
        response = _service().search(search_request)
    except SearchIndexError as error:
        return jsonify(error=_index_message(error)), 503
    return jsonify(response.to_json())


def _related(article_id: str) -> RelatedResponse:
    """The related coverage of `article_id`; InvalidRequest for a missing id, UnknownArticle for an
    unknown one."""
    if not article_id.strip():
        raise InvalidRequest("Parameter 'id' (id artikel) wajib diisi.")
    return related(_service().engine(), article_id.strip())


@bp.get("/api/related")
def related_api():
    """Articles of other stories on the topic of the article `id`, newest first."""
    try:
        answer = _related(request.args.get("id", ""))
    except (InvalidRequest, SearchIndexError) as error:
        message, status = _refusal(error)
        return jsonify(error=message), status
    return jsonify(answer.to_json())


@bp.get("/related")
def related_page():
    """ "Berita terkait": the page twin of /api/related."""
    article_id = request.args.get("id", "")
    try:
        answer = _related(article_id)
    except (InvalidRequest, SearchIndexError) as error:
        message, status = _refusal(error)
        return _page(SearchRequest(), error=message), status
    return render_template(
        "related.html",
        req=SearchRequest(),
        related=answer,
        api_url="/api/related?" + urlencode({"id": article_id}),
    )


def _page(search_request: SearchRequest, response: SearchResponse | None = None, error: str | None = None):
    params = search_request.to_params()
    return render_template(
        "search.html",
        req=search_request,
        response=response,
        error=error,
        sorts=SORTS,
        examples=current_app.config["EXAMPLE_QUERIES"],
        api_url="/api/search?" + urlencode(params),
        feed_url="/search.atom?" + urlencode([(name, value) for name, value in params if name != "page"]),
        page_links=_page_links(response) if response else [],
    )


def _page_links(response: SearchResponse) -> list[dict]:
    """Numbered pages around the current one, plus the first and the last."""
    current, last = response.request.page, response.page_count
    numbers = sorted({1, last, *range(max(1, current - 2), min(last, current + 2) + 1)})
    links: list[dict] = []
    previous = 0
    for number in numbers:
        if number - previous > 1:
            links.append({"gap": True})
        links.append(
            {
                "number": number,
                "url": response.request.query_string(page=number),
                "current": number == current,
            }
        )
        previous = number
    return links


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    """404, 405 and friends: JSON under /api/, a short page elsewhere."""
    code = error.code or 500
    message = {404: "Halaman tidak ditemukan.", 405: "Metode tidak diizinkan."}.get(code, error.name)
    if request.path.startswith("/api/"):
        return jsonify(error=message), code
    return _page(SearchRequest(), error=message), code


@bp.app_errorhandler(Exception)
def unexpected_error(error: Exception):
    """Log the trace for the operator; the user gets a plain message."""
    current_app.logger.exception("unexpected error on %s", request.full_path)
    message = "Terjadi kesalahan di server. Silakan coba lagi."
    if request.path.startswith("/api/"):
        return jsonify(error=message), 500
    return _page(SearchRequest(), error=message), 500
