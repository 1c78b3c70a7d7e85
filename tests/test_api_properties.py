"""Property-based tests of the JSON API and the query parser on the real app over a real index: whatever a
client sends, the answer is a documented 200 or 400 (never a 500), and whatever a person types parses.

Hypothesis draws a bounded number of examples per run (`EXAMPLES`) and never times them."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from whoosh.query import Query

from search.indexing import build_index
from web import create_app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"
# No deadline and no too_slow check: tests never time anything (the machine may be busy), and the first
# draw of st.text builds Hypothesis's Unicode tables.
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PARAMETERS = (
    "q",
    "page",
    "per_page",
    "from",
    "to",
    "source",
    "category",
    "date",
    "sort",
    "collapse",
    "cluster",
)

# What people type into a search box: words of the index, operators, quotes, fields, and anything at all.
WORDS = ["kebakaran", "hutan", "riau", "Bekasi", "timnas", "yang", "dan", "anak-anak", "covid-19", "2019"]
SYNTAX = ["OR", "AND", "NOT", "-", "+", '"', "(", ")", "title:", "judul:", "source:", "*", "?", "[", "]", "~"]
query_text = st.one_of(
    st.lists(st.sampled_from(WORDS + SYNTAX), max_size=8).map(" ".join),
    st.lists(st.sampled_from(WORDS + SYNTAX), max_size=8).map("".join),
    st.text(max_size=60),
)
any_value = st.one_of(query_text, st.integers(-5, 2000).map(str), st.dates().map(str), st.text(max_size=20))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("properties") / "index"
    build_index(folder, [FIXTURES / "articles.jsonl"])
    return create_app({"INDEX": str(folder)})


@pytest.fixture(scope="module")
def document(app) -> dict:
    return app.test_client().get("/api/openapi.json").get_json()


def validator(document: dict, schema: str) -> Draft202012Validator:
    return Draft202012Validator({**document, "$ref": f"#/components/schemas/{schema}"})


@EXAMPLES
@given(params=st.dictionaries(st.sampled_from(PARAMETERS), any_value, max_size=5))
def test_any_parameters_get_a_documented_200_or_400(app, document, params):
    answer = app.test_client().get("/api/search?" + urlencode(params))
    assert answer.status_code in (200, 400), answer.get_data(as_text=True)
    validator(document, "SearchAnswer" if answer.status_code == 200 else "Error").validate(answer.get_json())


def documented_value(parameter: dict) -> st.SearchStrategy[str]:
    """Values the document allows for a parameter, as a client following it would send them."""
    schema = parameter["schema"]
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema["type"] == "integer":
        return st.integers(schema["minimum"], schema["maximum"]).map(str)
    if schema.get("format") == "date":
        return st.dates().map(str)
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    return query_text if parameter["name"] == "q" else st.text(max_size=20)


@EXAMPLES
@given(data=st.data())
def test_parameters_the_document_allows_get_a_200(app, document, data):
    parameters = document["paths"]["/api/search"]["get"]["parameters"]
    params = {
        parameter["name"]: data.draw(documented_value(parameter), label=parameter["name"])
        for parameter in parameters
        if data.draw(st.booleans(), label=f"send {parameter['name']}")
    }
    if "from" in params and "to" in params and params["from"] > params["to"]:
        params["from"], params["to"] = params["to"], params["from"]  # the one rule across parameters
    if params.get("date", "none") != "none":  # a real calendar date: 2019-02-30 is a 400, as it should be
        params["date"] = data.draw(st.dates().map(str).map(lambda day: day[: len(params["date"])]))
    answer = app.test_client().get("/api/search?" + urlencode(params))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    validator(document, "SearchAnswer").validate(answer.get_json())


@EXAMPLES
@given(text=query_text)
def test_the_query_parser_takes_anything_a_person_types(app, text):
    engine = app.extensions["search"].engine()
    for group in ("and", "or"):
        assert isinstance(engine.parse(text, group), Query)
