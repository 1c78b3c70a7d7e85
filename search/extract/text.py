"""Whitespace folding and letter-only keys, for comparing what the page says in different places; an
element's attribute as text."""

from __future__ import annotations

import re

from bs4 import Tag

from search.extract.tables import WHITESPACE


def fold(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


def attribute(tag: Tag, name: str) -> str:
    """The attribute's text ("" when absent); a multi-valued one (class) joined by spaces."""
    value = tag.get(name)
    if isinstance(value, list):
        return " ".join(value)
    return value or ""
