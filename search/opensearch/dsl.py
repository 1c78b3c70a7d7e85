"""A parsed query and a request's filters as OpenSearch query DSL.

The query path parses text once, with our analyser, into Whoosh query objects (search/query.py); this
module compiles that tree node by node, so both engines search the same terms:

    And([Or([Term('title', 'bakar'), Term('body', 'bakar')]), Not(Term('body', 'jakarta'))])
    -> {"bool": {"must": [{"bool": {"should": [title_terms:bakar^2, body_terms:bakar], ...}}],
                 "must_not": [body_terms:jakarta]}}
"""

from __future__ import annotations

from whoosh import query as q
from whoosh.fields import Schema

from search import facets
from search.opensearch.cluster import TERMS_FIELD
from search.request import SearchRequest

MATCH_NONE: dict = {"match_none": {}}
MATCH_ALL: dict = {"match_all": {}}


class UnsupportedQuery(ValueError):
    """A query node the parser is configured never to produce (wildcards, ranges on text, ...)."""


def compile_query(node: q.Query, schema: Schema) -> dict:
    """The DSL for `node`; title terms carry the title's field boost, as in the Whoosh index."""
    if node is q.NullQuery:
        return MATCH_NONE
    if isinstance(node, q.Every):
        return MATCH_ALL
    if isinstance(node, q.Term):
        return _term(node.fieldname, node.text, node.boost * _field_boost(schema, node.fieldname))
    if isinstance(node, q.Phrase):
        return {
            "match_phrase": {
                _field(node.fieldname): {
                    "query": " ".join(node.words),
                    "slop": max(0, node.slop - 1),  # Whoosh's slop 1 means adjacent
                    "analyzer": "whitespace",
                    "boost": node.boost * _field_boost(schema, node.fieldname),
                }
            }
        }
    if isinstance(node, q.Prefix):
        return {"prefix": {_field(node.fieldname): {"value": node.text}}}
    if isinstance(node, q.TermRange):
        return {"range": {_field(node.fieldname): _bounds(node)}}
    if isinstance(node, q.Not):
        return {"bool": {"must_not": [compile_query(node.query, schema)]}}
    if isinstance(node, q.AndNot):
        positive, negative = compile_query(node.a, schema), compile_query(node.b, schema)
        return {"bool": {"must": [positive], "must_not": [negative]}}
    if isinstance(node, q.AndMaybe):
        required, optional = compile_query(node.a, schema), compile_query(node.b, schema)
        return {"bool": {"must": [required], "should": [optional]}}
    if isinstance(node, q.And):
        return _and([compile_query(child, schema) for child in node.subqueries])
    if isinstance(node, q.DisjunctionMax):  # the better of alternatives (search/acronyms.py: either_form)
        return {
            "dis_max": {
                "queries": [compile_query(child, schema) for child in node.subqueries],
                "tie_breaker": node.tiebreak,
            }
        }
    if isinstance(node, q.Or):
        return {
            "bool": {
                "should": [compile_query(child, schema) for child in node.subqueries],
                "minimum_should_match": 1,
            }
        }
    raise UnsupportedQuery(f"cannot search {type(node).__name__} on OpenSearch: {node!r}")


def _and(clauses: list[dict]) -> dict:
    """Positive clauses are required; a Not child becomes a must_not of the whole conjunction."""
    must, must_not = [], []
    for clause in clauses:
        inner = clause.get("bool", {})
        if set(inner) == {"must_not"}:
            must_not.extend(inner["must_not"])
        else:
            must.append(clause)
    return {"bool": {"must": must or [MATCH_ALL], "must_not": must_not}}


def _field(fieldname: str) -> str:
    return TERMS_FIELD.get(fieldname, fieldname)


def _field_boost(schema: Schema, fieldname: str) -> float:
    field_format = schema[fieldname].format if fieldname in schema else None
    return field_format.field_boost if field_format is not None else 1.0


def _term(fieldname: str, text: str | bytes, boost: float = 1.0) -> dict:
    value = text.decode("utf-8") if isinstance(text, bytes) else text
    return {"term": {_field(fieldname): {"value": value, "boost": boost}}}


def _bounds(node: q.TermRange) -> dict:
    bounds = {}
    if node.start is not None:
        bounds["gt" if node.startexcl else "gte"] = node.start
    if node.end is not None:
        bounds["lt" if node.endexcl else "lte"] = node.end
    return bounds


def filters(request: SearchRequest) -> list[dict]:
    """The filters that stay whatever facet is chosen: the from/to range of days, the story listed."""
    found: list[dict] = [{"term": {"cluster": request.cluster}}] if request.cluster else []
    if request.date_from or request.date_to:
        days = {}
        if request.date_from:
            days["gte"] = request.date_from.isoformat()
        if request.date_to:
            days["lte"] = request.date_to.isoformat()
        found.append({"bool": {"filter": [{"range": {"day": days}}], "must_not": [_undated()]}})
    return found


def term_choices(request: SearchRequest, leaving_out: str | None = None) -> list[dict]:
    """The chosen outlets and categories (any value of a facet matches), but the facet `leaving_out`."""
    return [
        {"terms": {name: list(values)}}
        for name, values in request.term_choices().items()
        if values and name != leaving_out
    ]


def date_choice(selected: str | None) -> dict:
    """Articles within a date facet choice: "2019", "2019-09", "2019-09-10" or "none" (undated)."""
    if not selected:
        return MATCH_ALL
    if selected == facets.UNDATED:
        return _undated()
    return {"prefix": {"day": selected}}


def _undated() -> dict:
    return {"term": {"day": facets.UNDATED}}
