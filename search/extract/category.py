"""The section an article is filed under, as one of a small set of Indonesian names (`CATEGORY_WORDS`), so
the category facet and filter group every source the same way. Public: exports can pass their own
category, subcategory and URL fields to `normalise_category`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from search.extract.meta import PageMeta
from search.extract.tables import CATEGORY_WORDS, GENERAL_CATEGORY_WORDS
from search.extract.text import attribute, fold

_SECTION_BY_WORD = {word: section for section, words in CATEGORY_WORDS.items() for word in words}
_SECTION_WORD = re.compile(r"\b(?:" + "|".join(sorted(_SECTION_BY_WORD, key=len, reverse=True)) + r")\b")
_GENERAL_WORD = re.compile(r"\b(?:" + "|".join(GENERAL_CATEGORY_WORDS) + r")\b")
_SEPARATORS = re.compile(r"[\W_]+")
_URL = re.compile(r"\s*(?:https?:)?//", re.I)


def normalise_category(*raw: str | None) -> str | None:
    """The section named by the first of `raw` (section names, breadcrumbs, URLs, most trusted first) that
    names one; a word for news in general ("news") only when none names a specific section; else None.
    A URL counts by its host and folders ("regional.kompas.com", "/bola/"), not by its slug."""
    return _first_section(raw)


def _first_section(raw: Iterable[str | None]) -> str | None:
    """`normalise_category` over a lazy sequence: sources after the first specific section are not read."""
    general = None
    for text in raw:
        if not text:
            continue
        words = _SEPARATORS.sub(" ", _sections_of_url(text).lower())
        specific = _SECTION_WORD.search(words)
        if specific:
            return _SECTION_BY_WORD[specific.group()]
        if general is None and (match := _GENERAL_WORD.search(words)):
            general = GENERAL_CATEGORY_WORDS[match.group()]
    return general


def _sections_of_url(text: str) -> str:
    """A URL's host and folders, without its last part: the slug repeats the headline's words."""
    if not _URL.match(text):
        return text
    parts = urlsplit(text.strip())
    folders = [folder for folder in parts.path.split("/")[:-1] if not folder.isdigit()]
    return " ".join([parts.hostname or "", *folders])


def page_category(soup: BeautifulSoup, page: PageMeta, url: str | None) -> str | None:
    return _first_section(_category_sources(soup, page, url))


def _category_sources(soup: BeautifulSoup, page: PageMeta, url: str | None) -> Iterator[str | None]:
    """The article's section metadata, its JSON-LD breadcrumb, the URL (host and folders), then the visible
    breadcrumb, which costs a walk over the whole page."""
    yield page.first("article:section2", "article:section")
    yield page.ld_value("articleSection")
    yield " ".join(page.breadcrumb)
    yield url
    yield _visible_breadcrumb(soup)


def _visible_breadcrumb(soup: BeautifulSoup) -> str | None:
    """The linked steps of the page's breadcrumb: the last step, often the headline itself, is not linked."""
    trail = soup.find(_is_breadcrumb)
    if trail is None:
        return None
    steps = [fold(link.get_text(" ")) for link in trail.find_all("a")]
    return " ".join(steps) if steps else fold(trail.get_text(" "))


def _is_breadcrumb(tag: Tag) -> bool:
    names = f"{attribute(tag, 'class')} {attribute(tag, 'id')}"
    return "crumb" in names.lower()
