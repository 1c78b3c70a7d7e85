"""The article record that every reader produces and the index stores."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass


@dataclass
class Article:
    """One news article, cleaned.

    `published` is ISO 8601: "2019-09-10T21:48:00+07:00" when the time is known (WIB is +07:00),
    a bare "2019-09-10" when only the date is, None when unknown.
    `source` is the outlet as a reader knows it ("Kompas.com", "detikNews").
    `author` is who wrote it, as credited ("Rina Wulandari"; never the outlet), None when nobody is named.
    """

    id: str
    url: str | None
    source: str | None
    title: str
    body: str
    published: str | None = None
    category: str | None = None
    author: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def article_id(url: str | None, title: str = "", body: str = "") -> str:
    """A stable 12-hex id: from the URL when there is one (same URL, same article), else from the text."""
    key = normalise_url(url) if url else f"{title}\n{body}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def normalise_url(url: str) -> str:
    """Fold the differences that do not make another article: scheme, "www.", trailing slash, fragment."""
    url = url.strip().split("#", 1)[0]
    for prefix in ("https://", "http://"):
        if url.lower().startswith(prefix):
            url = url[len(prefix) :]
            break
    if url.lower().startswith("www."):
        url = url[4:]
    return url.rstrip("/")
