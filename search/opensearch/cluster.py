"""Where a cluster is and how to talk to it; every failure to reach it becomes one clear error.

An index location "http://127.0.0.1:9200/berita" names the alias "berita" that readers search; several
hosts may share one URL for failover: "http://127.0.0.1:9200,127.0.0.1:9201/berita".
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from opensearchpy import OpenSearch
from opensearchpy.exceptions import ConnectionError as ClusterConnectionError
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, TransportError

from search.store import EngineUnavailableError, SearchIndexError

REQUEST_TIMEOUT = 30  # seconds for one request; a bulk request or a health wait passes its own
RETRIES = 2  # a request that fails to connect is retried on the next host
POOL_SIZE = 16  # connections kept per host: one per server thread searching at once

_ALIAS = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,200}$")

# Fields of the OpenSearch index: our analysed text of title and body lives beside the stored originals.
TERMS_FIELD = {"title": "title_terms", "body": "body_terms"}
# Index metadata (the mapping's _meta) recording what built the index, as build.json does for Whoosh.
META_KEYS = ("schema_version", "analyzer_version", "engine_version")
# The acronym definitions mined from the articles (search/acronyms.py), beside them in the same _meta.
ACRONYMS_META = "acronyms"
ENGINE_VERSION = "3"  # bump when the OpenSearch settings, mapping or document layout changes


class InvalidLocationError(SearchIndexError):
    """An index URL that cannot name a cluster and an alias."""


@dataclass(frozen=True)
class ClusterAddress:
    hosts: tuple[str, ...]  # "http://127.0.0.1:9200", one per node given
    alias: str

    @classmethod
    def parse(cls, location: str) -> ClusterAddress:
        """ "http://h1:9200,h2:9201/berita" -> hosts (http://h1:9200, http://h2:9201), alias "berita"."""
        parts = urlsplit(location.strip())
        alias = parts.path.strip("/")
        if not parts.netloc or not _ALIAS.match(alias):
            raise InvalidLocationError(
                f"{location!r} is not an OpenSearch index URL: give the cluster and the alias, "
                "e.g. http://127.0.0.1:9200/berita (lowercase letters, digits, '-', '_' or '.')"
            )
        hosts = tuple(f"{parts.scheme}://{host.strip()}" for host in parts.netloc.split(",") if host.strip())
        return cls(hosts=hosts, alias=alias)

    def __str__(self) -> str:
        return f"{','.join(self.hosts)}/{self.alias}"

    def connect(self) -> OpenSearch:
        """A client over every host given: a request that cannot reach one node goes to the next."""
        return OpenSearch(
            hosts=list(self.hosts),
            timeout=REQUEST_TIMEOUT,
            max_retries=RETRIES,
            retry_on_timeout=True,
            pool_maxsize=POOL_SIZE,
        )


@contextlib.contextmanager
def answering(address: ClusterAddress) -> Iterator[None]:
    """Turn the client's connection and server errors into EngineUnavailableError with a message for a
    person (a missing index is the caller's to handle: NotFoundError passes through)."""
    try:
        yield
    except NotFoundError:
        raise
    except (ClusterConnectionError, ConnectionTimeout) as error:
        raise EngineUnavailableError(
            f"the OpenSearch cluster at {', '.join(address.hosts)} does not answer ({_reason(error)}): "
            "start it (`make cluster` starts a local one) or check the --index URL"
        ) from None
    except TransportError as error:
        raise EngineUnavailableError(
            f"the OpenSearch cluster at {', '.join(address.hosts)} refused a request for "
            f"{address.alias} ({error.status_code}: {_reason(error)})"
        ) from None


def _reason(error: TransportError) -> str:
    info = error.info
    if isinstance(info, dict) and isinstance(info.get("error"), dict):
        return str(info["error"].get("reason") or info["error"].get("type"))
    if isinstance(info, Exception):
        return type(info).__name__
    return str(error.error)
