"""Related coverage ("Berita terkait"): other stories on an article's topic, on any engine.

More-like-this as an explicit query: the article's most distinctive stems (frequent in it, rare in the
index, by tf-idf) become one "any of these words" query, each word boosted by its weight, and the
article's own story (its cluster of copies) is left out. The best RELATED_STORIES stories, one article
each, are shown newest first. Both engines answer the same query object through the seam, so a Whoosh
folder and an OpenSearch cluster relate alike.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from whoosh.query import AndNot, Or, Term

from search.query import Engine
from search.request import Hit, InvalidRequest, SearchRequest, web_url

DISTINCTIVE_TERMS = 25
RELATED_STORIES = 10
MIN_TERM_LENGTH = 3  # shorter stems are mostly particles and abbreviations that relate nothing


class UnknownArticle(InvalidRequest):
    """No article in the index has the id asked for."""


@dataclass
class RelatedResponse:
    """An article (its stored fields) and the articles of other stories related to it, newest first."""

    article: dict
    results: list[Hit] = field(default_factory=list)

    @property
    def article_url(self) -> str | None:
        return web_url(self.article.get("url"))

    def to_json(self) -> dict:
        return {
            "article": {
                "id": self.article.get("id"),
                "title": self.article.get("title"),
                "url": self.article.get("url"),
                "source": self.article.get("source"),
                "published": self.article.get("published_iso"),
                "cluster": self.article.get("cluster"),
            },
            "results": [hit.to_json() for hit in self.results],
        }


def distinctive_terms(engine: Engine, text: str, limit: int = DISTINCTIVE_TERMS) -> dict[str, float]:
    """The `limit` stems of `text` with the highest tf-idf in the index, each with its weight (the best 1.0).
    A stem no other article has relates nothing and is left out."""
    analyzer = engine.analyzer("body")
    stems: Counter[str] = Counter()
    last = None
    for token in analyzer(text, positions=True, mode="index"):
        if token.pos != last and len(token.text) >= MIN_TERM_LENGTH and not re.fullmatch(r"\d+", token.text):
            stems[token.text] += 1  # the stem comes first at each position, its surface forms after it
        last = token.pos
    frequencies = engine.backend.body_frequencies(stems)
    articles = engine.backend.doc_count()
    weights = {
        stem: count * (math.log(articles / (frequencies[stem] + 1)) + 1)
        for stem, count in stems.items()
        if frequencies.get(stem, 0) > 1
    }
    best = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:limit]
    top = best[0][1] if best else 1.0
    return {stem: weight / top for stem, weight in best}


def related(engine: Engine, article_id: str) -> RelatedResponse:
    """The stories related to the article `article_id`; UnknownArticle when the index has no such id."""
    stored = engine.backend.stored(article_id)
    if stored is None:
        raise UnknownArticle(f"Tidak ada artikel dengan id {article_id[:40]!r} di indeks.")
    terms = distinctive_terms(engine, f"{stored.get('title', '')}\n{stored.get('body', '')}")
    response = RelatedResponse(article=stored)
    if not terms:
        return response
    query = AndNot(
        Or([Term("body", stem, boost=weight) for stem, weight in terms.items()]),
        Term("cluster", stored.get("cluster") or article_id),
    )
    best = engine.matching_hits(query, SearchRequest(per_page=RELATED_STORIES, collapse=True))
    response.results = sorted(best, key=lambda hit: hit.published or "", reverse=True)
    return response
