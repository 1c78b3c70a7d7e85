"""The Whoosh schema, the document each article becomes, and the version recorded in every index.

Field names and facet value formats are a contract with the query side:
    id, url, source, title, body                       -- the article
    category       -- the article's category as facets.category_key spells it ("nasional"), for the facet
    published      -- local wall-clock datetime, sortable (a column, not stored)
    published_iso  -- the article's own ISO 8601 text ("2019-09-10T21:48:00+07:00" or "2019-09-10"), stored
    year "2019", month "2019-09", day "2019-09-10"     -- date facets; "none" for an article without a date
    url_key                                            -- the normalised URL, so a re-crawled URL replaces
    title_words    -- the title's words as written (lowercased, no stop words) and its two-word phrases,
                      for completions as a reader types ("keba" -> "kebakaran", "kebakaran hutan")
    cluster        -- the id of the article's story: copies and rewrites of one text share it
                      (search/duplicates.py); an article without copies has its own id
    near_keys      -- the band keys of its body's signature, so that an update finds its earlier copies
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from itertools import pairwise

from whoosh.analysis import Analyzer
from whoosh.fields import DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from search.analysis import ANALYZER_VERSION, indonesian_analyzer, text_field
from search.article import Article, normalise_url
from search.facets import UNDATED, category_key

# Bump when a field, its options or the document mapping changes: indexes built before must be rebuilt.
SCHEMA_VERSION = "4"

TITLE_BOOST = 2.0


def index_format() -> dict[str, str]:
    """What an index was built with; an index whose format differs from this one must be rebuilt."""
    return {"schema_version": SCHEMA_VERSION, "analyzer_version": ANALYZER_VERSION}


def make_schema(analyzer: Analyzer | None = None) -> Schema:
    """The index's fields; `analyzer` replaces the Indonesian one (the benchmark's plain-Whoosh baseline)."""

    def text(field_boost: float = 1.0) -> TEXT:
        if analyzer is None:
            return text_field(stored=True, field_boost=field_boost)
        return TEXT(analyzer=analyzer, stored=True, field_boost=field_boost, spelling=True)

    facet = ID(stored=True, sortable=True)
    return Schema(
        id=ID(stored=True, unique=True),
        url=ID(stored=True),
        url_key=ID,
        source=facet,
        category=facet,
        title=text(TITLE_BOOST),
        body=text(),
        published=DATETIME(sortable=True),
        published_iso=STORED,
        year=facet,
        month=facet,
        day=facet,
        title_words=KEYWORD(commas=True, scorable=False),
        cluster=facet,
        near_keys=KEYWORD(scorable=False),
    )


def title_words(title: str) -> list[str]:
    """The words of `title` as a reader writes them, and each two neighbouring words (only a space between
    them, no stop word): "Kebakaran Hutan di Riau" -> ["hutan", "kebakaran", "kebakaran hutan", "riau"]."""
    surfaces: dict[int, tuple[str, int, int]] = {}
    for token in indonesian_analyzer()(title, positions=True, chars=True, mode="index"):
        known = surfaces.get(token.pos)
        if known is None or len(token.text) > len(known[0]):  # a surface form is never shorter than its stem
            surfaces[token.pos] = (token.text, token.startchar, token.endchar)
    words = [surface for surface in surfaces.values() if re.search(r"[^\W\d_]", surface[0])]
    phrases = {
        f"{first} {second}"
        for (first, _, end), (second, start, _) in pairwise(words)
        if title[end:start].isspace()
    }
    return sorted({word for word, _, _ in words} | phrases)


def parse_published(published: str | None) -> datetime | None:
    """The wall-clock time of an ISO 8601 `Article.published`; the offset is dropped (facets: the local day).

    "2019-09-10T21:48:00+07:00" -> 2019-09-10 21:48; "2019-09-10" -> 2019-09-10 00:00; None or junk -> None.
    """
    if not published:
        return None
    try:
        return datetime.fromisoformat(published.strip()).replace(tzinfo=None)
    except ValueError:
        return None


def article_document(article: Article, cluster: str | None = None, near_keys: Iterable[str] = ()) -> dict:
    """The fields Whoosh gets for one article, in the story `cluster` (None: a story of its own) found by
    its body's `near_keys`; absent values are left out rather than stored empty, but for the facet columns."""
    published = parse_published(article.published)
    if published is None:
        year = month = day = UNDATED
    else:
        year, month, day = f"{published:%Y}", f"{published:%Y-%m}", f"{published:%Y-%m-%d}"
    doc: dict[str, object] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "year": year,
        "month": month,
        "day": day,
        "title_words": ",".join(title_words(article.title)),
        "cluster": cluster or article.id,
        "near_keys": " ".join(near_keys),
    }
    if article.url:
        doc["url"] = article.url
        doc["url_key"] = normalise_url(article.url)
    # Every document has a value in each facet column, "" when unknown: Whoosh reads past the end of a
    # segment's column whose last documents have none.
    doc["source"] = article.source or ""
    doc["category"] = category_key(article.category) if article.category else ""
    if published is not None and article.published:
        doc["published"] = published
        doc["published_iso"] = article.published.strip()
    return doc
