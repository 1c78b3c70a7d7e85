"""The HTTP contract of the service on the real app and the real server: conditional requests and caching
headers, gzip, /healthz, the OpenAPI document against real answers, the access log, gunicorn workers."""

from __future__ import annotations

import gzip
import json
import shutil
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import pytest
from helpers import serving
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi_document

from search.indexing import build_index, update_index
from search.store import current_generation
from web import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("http") / "index"
    build_index(folder, [FIXTURES / "articles.jsonl"])
    return folder


@pytest.fixture(scope="module")
def client(index_dir: Path):
    return create_app({"INDEX": str(index_dir)}).test_client()


def documented(client, schema: str) -> Draft202012Validator:
    """A validator for one of the document's schemas, with its references resolved within the document."""
    document = client.get("/api/openapi.json").get_json()
    return Draft202012Validator({**document, "$ref": f"#/components/schemas/{schema}"})


def without_timing(answer: dict) -> dict:
    return {name: value for name, value in answer.items() if name != "took_ms"}


def test_the_openapi_document_is_valid_and_real_answers_follow_it(client):
    document = client.get("/api/openapi.json").get_json()
    validate_openapi_document(document)
    assert set(document["paths"]) == {"/api/search", "/api/related", "/healthz"}
    answers = documented(client, "SearchAnswer")
    for params in (
        {"q": "kebakaran hutan"},
        {"q": "kebakaran", "date": "2019-09", "source": "Warta Nasional", "per_page": "2", "page": "2"},
        {"q": "kebakaran", "sort": "newest", "from": "2019-01-01", "to": "2019-12-31"},
        {"q": "kebakran hutan"},  # a correction
        {"q": "kebakran hutan", "as_typed": "1"},
        {"q": "daearh"},  # a suggestion
        {"q": "hutan gempaxyz"},  # the partial-match note
        {"q": "yang dan"},  # the common-words note
        {"q": "zxqv"},
        {},
    ):
        answer = client.get("/api/search?" + urlencode(params))
        assert answer.status_code == 200
        answers.validate(answer.get_json())
    drilled = client.get("/api/search?q=kebakaran&date=2019-09").get_json()
    assert drilled["date_trail"] and drilled["facets"]["date"]
    assert client.get("/api/search?q=kebakran+hutan").get_json()["correction"]
    assert client.get("/api/search?q=daearh").get_json()["suggestion"]
    errors = documented(client, "Error")
    for status, path in ((400, "/api/search?page=0"), (404, "/api/nothing")):
        answer = client.get(path)
        assert answer.status_code == status
        errors.validate(answer.get_json())
    documented(client, "Health").validate(client.get("/healthz").get_json())
    first = client.get("/api/search?q=kebakaran").get_json()["results"][0]
    documented(client, "RelatedAnswer").validate(client.get(f"/api/related?id={first['id']}").get_json())
    errors.validate(client.get("/api/related?id=nothing").get_json())


def test_an_answer_carries_a_weak_etag_and_a_short_cache_lifetime_and_revalidates_with_304(client):
    first = client.get("/api/search?q=hutan")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.cache_control.public and first.cache_control.max_age == 30
    again = client.get("/api/search?q=hutan", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get("/api/search?q=hutan", headers={"If-None-Match": 'W/"other"'}).status_code == 200
    assert client.get("/api/search?q=banjir").headers["ETag"] != etag
    page = client.get("/search?q=hutan")
    assert page.headers["ETag"] not in (etag, None)
    assert client.get("/search?q=hutan", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    assert "ETag" not in client.get("/api/search?q=hutan&page=0").headers  # errors are not cached


def test_a_new_index_version_changes_the_etag_and_the_answer(tmp_path):
    index_dir = tmp_path / "index"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURES / "articles.jsonl", corpus / "articles.jsonl")
    build_index(index_dir, [corpus])
    client = create_app({"INDEX": str(index_dir)}).test_client()
    before = client.get("/api/search?q=gempa")
    assert before.get_json()["total"] == 0
    update_index(index_dir, [FIXTURES / "later.jsonl"])
    after = client.get("/api/search?q=gempa", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.get_json()["total"] == 1  # the remembered answer of the old version is gone with it
    assert after.headers["ETag"] != before.headers["ETag"]


def test_gzip_for_clients_that_accept_it_and_the_same_answer(client):
    plain = client.get("/api/search?q=kebakaran")
    zipped = client.get("/api/search?q=kebakaran", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.data) < len(plain.data)
    assert without_timing(json.loads(gzip.decompress(zipped.data))) == without_timing(plain.get_json())
    assert zipped.headers["ETag"] == plain.headers["ETag"]
    page = client.get("/search?q=kebakaran", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip"
    assert b"<mark>" in gzip.decompress(page.data)


def test_healthz_names_the_generation_served_and_says_503_without_an_index(client, index_dir, tmp_path):
    health = client.get("/healthz")
    assert health.status_code == 200 and health.cache_control.no_store
    assert health.get_json() == {
        "status": "ok",
        "index_open": True,
        "generation": current_generation(index_dir),
        "articles": 17,
    }
    missing = create_app({"INDEX": str(tmp_path / "none")}).test_client().get("/healthz")
    assert missing.status_code == 503
    answer = missing.get_json()
    assert (answer["status"], answer["index_open"], answer["generation"]) == ("unavailable", False, None)
    assert "indexer.py build" in answer["error"]


def test_gunicorn_workers_serve_the_contract_and_log_each_request_with_its_time(index_dir):
    log: list[str] = []
    with serving(index_dir, workers=2, log=log) as url:
        request = urllib.request.Request(url + "/api/search?q=hutan", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert json.loads(gzip.decompress(response.read()))["total"] == 5
        with urllib.request.urlopen(url + "/healthz", timeout=10) as response:
            assert json.load(response)["generation"] == current_generation(index_dir)
    access = [line for line in log if '"GET /api/search?q=hutan HTTP/1.1" 200' in line]
    assert len(access) == 1 and access[0].rstrip().endswith(" ms")
    assert any('"GET /healthz HTTP/1.1" 200' in line for line in log)
    assert not any("Traceback" in line for line in log)


def test_remembered_answers_are_the_answers(index_dir):
    remembering = create_app({"INDEX": str(index_dir)}).test_client()
    forgetting = create_app({"INDEX": str(index_dir), "CACHE_SIZE": 0}).test_client()
    for path in (
        "/api/search?q=kebakaran",
        "/api/search?q=kebakaran&page=2&per_page=2",
        "/api/search?q=hutan",
    ):
        first, again = remembering.get(path).get_json(), remembering.get(path).get_json()
        fresh = forgetting.get(path).get_json()
        assert without_timing(first) == without_timing(again) == without_timing(fresh)
