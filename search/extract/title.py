"""The headline: the visible heading (h1/h2) that matches the page's meta title (og:title, JSON-LD headline,
<title>), else the meta title with the site's prefix/suffix cut off."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from search.extract.meta import PageMeta
from search.extract.outlet import registrable_domain
from search.extract.tables import TITLE_SEPARATORS
from search.extract.text import fold, letters


def find_headline(soup: BeautifulSoup, page: PageMeta, host: str | None) -> tuple[Tag | None, str]:
    """(the headline element, the headline): the visible heading that matches a meta title, else the cleaned
    meta title, else the first substantial h1."""
    meta_titles = [
        t
        for t in (
            page.first("og:title"),
            page.ld_value("headline"),
            page.first("twitter:title"),
            fold(soup.title.get_text()) if soup.title else None,
        )
        if t
    ]
    site_words = _site_words(page, host)
    cleaned = [_strip_site_affixes(t, site_words) for t in meta_titles]
    headings = [(h, fold(h.get_text(" "))) for h in soup.find_all(["h1", "h2"], limit=60)]
    headings = [(h, text) for h, text in headings if 8 <= len(text) <= 300]
    for candidate in cleaned + meta_titles:  # as cleaned, or as given when the headline names the site
        key = letters(candidate)
        for node, text in headings:
            if letters(text) == key:
                return node, text
    for candidate in cleaned:
        key = letters(candidate)
        for node, text in headings:
            heading_key = letters(text)
            if len(heading_key) >= 0.6 * len(key) and heading_key in key:
                return node, text
    if cleaned:
        return None, cleaned[0]
    for node, text in headings:
        if node.name == "h1" and len(text) >= 20:
            return node, text
    return None, ""


def _site_words(page: PageMeta, host: str | None) -> set[str]:
    words = {letters(name) for name in (page.first("og:site_name"), page.ld_value("publisher")) if name}
    if host:
        words.add(registrable_domain(host).split(".")[0])
    return {w for w in words if len(w) >= 3}


def _strip_site_affixes(title: str, site_words: set[str]) -> str:
    """Cut "KapanLagi.com: ", " - Kompas.com Regional", " | Republika Online" off a page title."""
    parts = [p for p in TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title.strip()

    def is_site(part: str) -> bool:
        key = letters(part)
        return any(word in key for word in site_words) and len(part) <= 40

    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[start]):
        start += 1
    while end - start > 1 and is_site(parts[end - 1]):
        end -= 1
    if start == 0 and end == len(parts):
        return title.strip()
    # Keep the title's own punctuation: cut the original string at the kept parts' edges.
    first_at = title.find(parts[start])
    last = parts[end - 1]
    last_at = title.rfind(last)
    return title[first_at : last_at + len(last)].strip()


def title_from_body(body: str, limit: int = 100) -> str:
    """A title for an untitled text: its first sentence, cut at a word boundary near `limit` characters."""
    first = fold(body.strip().split("\n", 1)[0])
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", first, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return cut + "…"
