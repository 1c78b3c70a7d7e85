"""The section an article is filed under, as one of a small set of Indonesian names (`CATEGORY_WORDS`), so
the category facet and filter group every source the same way. Public: exports can pass their own
category, subcategory and URL fields to `normalise_category`."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from search.extract.meta import PageMeta
from search.extract.tables import CATEGORY_WORDS, GENERAL_CATEGORY_WORDS
from search.extract.text import fold

_SECTION_BY_WORD = {word: section for section, words in CATEGORY_WORDS.items() for word in words}
_SECTION_WORD = re.compile(r"\b(?:" + "|".join(sorted(_SECTION_BY_WORD, key=len, reverse=True)) + r")\b")
_GENERAL_WORD = re.compile(r"\b(?:" + "|".join(GENERAL_CATEGORY_WORDS) + r")\b")
_SEPARATORS = re.compile(r"[\W_]+")
_BREADCRUMB_CLASS = re.compile(r"crumb", re.I)
_URL = re.compile(r"\s*(?:https?:)?//", re.I)


def normalise_category(*raw: str | None) -> str | None:
    """The section named by the first of `raw` (section names, breadcrumbs, URLs, most trusted first) that
    names one; a word for news in general ("news") only when none names a specific section; else None.
    A URL counts by its host and folders ("regional.kompas.com", "/bola/"), not by its slug."""
    words = [_SEPARATORS.sub(" ", _sections_of_url(text).lower()) for text in raw if text]
    for text in words:
        match = _SECTION_WORD.search(text)
        if match:
            return _SECTION_BY_WORD[match.group()]
    for text in words:
        match = _GENERAL_WORD.search(text)
        if match:
            return GENERAL_CATEGORY_WORDS[match.group()]
    return None


def _sections_of_url(text: str) -> str:
    """A URL's host and folders, without its last part: the slug repeats the headline's words."""
    if not _URL.match(text):
        return text
    parts = urlsplit(text.strip())
    folders = [folder for folder in parts.path.split("/")[:-1] if not folder.isdigit()]
    return " ".join([parts.hostname or "", *folders])


def page_category(soup: BeautifulSoup, page: PageMeta, url: str | None) -> str | None:
    """From the article's section metadata, then the breadcrumb, then the URL (its host and path)."""
    return normalise_category(
        page.first("article:section2", "article:section"),
        page.ld_value("articleSection"),
        " ".join(page.breadcrumb),
        _visible_breadcrumb(soup),
        url,
    )


def _visible_breadcrumb(soup: BeautifulSoup) -> str | None:
    """The linked steps of the page's breadcrumb: the last step, often the headline itself, is not linked."""
    trail = soup.find(class_=_BREADCRUMB_CLASS) or soup.find(id=_BREADCRUMB_CLASS)
    if trail is None:
        return None
    steps = [fold(link.get_text(" ")) for link in trail.find_all("a")]
    return " ".join(steps) if steps else fold(trail.get_text(" "))
