"""How the product lays out its indexes on a cluster: physical indexes behind an alias, and their metadata.

<alias>               the alias readers search, on exactly one physical index
<alias>-previous      the alias on the index it replaced (a reader may still be using it)
<alias>-g<time>       one physical index per build
<alias>-writer-lock   exists while a build or update runs (search/opensearch/writing.py)
"""

from __future__ import annotations

from opensearchpy import OpenSearch
from opensearchpy.exceptions import NotFoundError

from search.opensearch.cluster import ENGINE_VERSION, META_KEYS, ClusterAddress
from search.schema import index_format
from search.store import IndexVersionError


def previous_alias(alias: str) -> str:
    return f"{alias}-previous"


def generation_prefix(alias: str) -> str:
    return f"{alias}-g"


def expected_meta() -> dict[str, str]:
    return {**index_format(), "engine_version": ENGINE_VERSION}


def physical_index(client: OpenSearch, alias: str) -> str | None:
    """The index `alias` points to, or None when there is no such alias yet."""
    try:
        found = client.indices.get_alias(name=alias)
    except NotFoundError:
        return None
    return max(found) if found else None


def read_meta(client: OpenSearch, index: str) -> dict:
    return client.indices.get_mapping(index=index)[index]["mappings"].get("_meta", {})


def check_meta(client: OpenSearch, address: ClusterAddress, index: str) -> dict:
    """The index's metadata; IndexVersionError when another schema, analyser or layout built it."""
    meta = read_meta(client, index)
    expected = expected_meta()
    found = {key: meta.get(key) for key in META_KEYS}
    if found != expected:
        raise IndexVersionError(
            f"the search index at {address} was built with {found}, but this program uses {expected}: "
            f"rebuild it with `python indexer.py build --index {address} PATH...`"
        )
    return meta
