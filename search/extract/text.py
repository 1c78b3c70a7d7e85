"""Whitespace folding and letter-only keys, for comparing what the page says in different places."""

from __future__ import annotations

import re

from search.extract.tables import WHITESPACE


def fold(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())
