"""One saved HTML page to an `Article`: the order in which title, date, outlet and body are read."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from search.article import Article, article_id
from search.extract.body import body_text
from search.extract.category import page_category
from search.extract.credits import find_author
from search.extract.decoding import decode_html
from search.extract.errors import ExtractError
from search.extract.meta import PageMeta, canonical_url
from search.extract.outlet import dominant_host, page_outlet, title_affix
from search.extract.published import published_date
from search.extract.relative import saved_time
from search.extract.tables import MAX_PAGE_BYTES
from search.extract.text import fold
from search.extract.title import find_headline, title_from_body


def extract_html(raw: bytes, url: str | None = None) -> Article:
    """The article in one saved HTML page; ExtractError when there is none."""
    if not raw.strip():
        raise ExtractError("empty file")
    if len(raw) > MAX_PAGE_BYTES:
        raise ExtractError(
            f"HTML page of {len(raw) / 1e6:.1f} MB exceeds the {MAX_PAGE_BYTES // 2**20} MB limit"
        )
    text = decode_html(raw)
    if not re.search(r"<\s*(?:html|body|p|div|h1|title|meta|article)\b", text[:200_000], re.I):
        raise ExtractError("no HTML markup found")
    soup = BeautifulSoup(text, "lxml")
    page = PageMeta(soup)
    url = page.first("og:url") or canonical_url(soup) or url
    host = urlsplit(url).hostname if url else dominant_host(soup)
    headline_node, title = find_headline(soup, page, host)
    published = published_date(soup, page, headline_node, title, url, saved_time(text))
    source = page_outlet(page, host, title_affix(soup, title))
    author = find_author(soup, page, source)
    category = page_category(soup, page, url)
    body = body_text(soup, title)  # prunes the tree: everything read from the page comes before it
    if len(body) < 200:  # a page drawn by scripts, or a gallery: what the metadata says
        ld_body = page.ld.get("articleBody")
        if isinstance(ld_body, str) and len(ld_body.strip()) > len(body):
            body = "\n\n".join(fold(line) for line in ld_body.splitlines() if line.strip())
    if not body:
        body = page.first("og:description", "description", "twitter:description") or ""
    if not title and not body:
        raise ExtractError("no headline or article text found")
    if not title:
        title = title_from_body(body)
    return Article(
        id=article_id(url, title, body),
        url=url,
        source=source,
        title=title,
        body=body,
        published=published,
        category=category,
        author=author,
    )
