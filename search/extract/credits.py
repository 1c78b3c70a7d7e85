"""Who wrote the article: the writer's credit line wherever the page prints it (in a byline box, a table, the
article's last line), else the author the page's metadata names when that is a person and not the outlet."""

from __future__ import annotations

from bs4 import BeautifulSoup, NavigableString

from search.extract.meta import PageMeta
from search.extract.tables import (
    AFTER_CREDIT_NAME,
    MAX_CREDIT_CONTEXT_CHARS,
    NOT_A_PERSON,
    WRITER_CREDIT,
    WRITER_LABEL_START,
    WRITER_ROLE_PREFIX,
)
from search.extract.text import fold, letters

_NOT_PRINTED = {"script", "style", "noscript", "template", "title", "head"}
_MAX_NAME_CHARS = 60


def find_author(soup: BeautifulSoup, page: PageMeta, outlet: str | None) -> str | None:
    """Read before the body is extracted: the body drops byline boxes and credit lines."""
    return _credited_writer(soup) or _metadata_author(page, outlet)


def _credited_writer(soup: BeautifulSoup) -> str | None:
    for label in soup.descendants:
        if type(label) is not NavigableString or not WRITER_LABEL_START.match(label):
            continue  # comments, scripts and styles are NavigableString subclasses
        if label.parent is None or label.parent.name in _NOT_PRINTED:
            continue
        name = _name_in_credit(label)
        if name:
            return name
    return None


def _name_in_credit(label: NavigableString) -> str | None:
    """The name credited next to `label`, looking up to two elements out when the label is styled apart
    ("<td>Penulis</td><td>: Nabilla Tashandra</td>")."""
    element = label.parent
    for _ in range(3):
        if element is None:
            return None
        line = fold(element.get_text(" "))
        if len(line) > MAX_CREDIT_CONTEXT_CHARS:
            return None
        match = WRITER_CREDIT.search(line)
        if match:
            return _person(
                WRITER_ROLE_PREFIX.sub("", AFTER_CREDIT_NAME.sub("", match["name"] or match["reporter"]))
            )
        element = element.parent
    return None


def _metadata_author(page: PageMeta, outlet: str | None) -> str | None:
    for name in (page.ld_value("author"), page.first("author", "article:author", "dc.creator")):
        if name and not name.lower().startswith("http") and not _names_outlet(name, outlet):
            person = _person(name)
            if person:
                return person
    return None


def _names_outlet(name: str, outlet: str | None) -> bool:
    key, outlet_key = letters(name), letters(outlet or "")
    return bool(outlet_key) and (key in outlet_key or outlet_key in key)


def _person(name: str) -> str | None:
    name = name.strip(" ,.;:|-–—()")
    if not name or len(name) > _MAX_NAME_CHARS or NOT_A_PERSON.search(name):
        return None
    return name
