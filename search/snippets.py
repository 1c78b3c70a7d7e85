"""Snippets and titles with every inflected form of the query words marked, all other text HTML-escaped.

The stored text is re-analysed with the field's own analyser, so a token matches when its stem (or surface
form) is one of the query's terms: a search for "kebakaran" (stem "bakar") marks "dibakar" and "Kebakaran".
Re-analysis is the dominant cost of a results page, so only the shown page is highlighted and only the first
BODY_WINDOW characters of each body are read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import escape

from whoosh.analysis import Analyzer
from whoosh.highlight import ContextFragmenter, Formatter, WholeFragmenter, get_text, highlight
from whoosh.query import AndNot, Not, Phrase, Query

BODY_WINDOW = 4000
FRAGMENT_CHARS = 200
MAX_FRAGMENTS = 3
SEPARATOR = " … "
TEXT_FIELDS = ("title", "body")


_LEADING_PUNCTUATION = re.compile(r"^[\s,.;:!?)\]}…–—-]+")


def without_leading_punctuation(text: str) -> str:
    """A fragment cut mid-sentence must not open on the punctuation before its first word (", Jumat")."""
    return _LEADING_PUNCTUATION.sub("", text)


class MarkFormatter(Formatter):
    """Wraps each match in <mark> and escapes everything, matches included: "a<b kebakaran" with the match
    "kebakaran" gives "a&lt;b <mark>kebakaran</mark>"; no fragment starts on punctuation."""

    between = SEPARATOR

    def _text(self, text: str) -> str:
        return escape(text, quote=True)

    def format_fragment(self, fragment, replace: bool = False) -> str:
        return without_leading_punctuation(super().format_fragment(fragment, replace))

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"<mark>{self._text(get_text(text, token, replace))}</mark>"


_FORMATTER = MarkFormatter()
# charlimit=None: no limit (whoosh's annotation says int; its code takes None)
_WHOLE = WholeFragmenter(charlimit=None)  # type: ignore[arg-type]
_CONTEXT = ContextFragmenter(
    maxchars=FRAGMENT_CHARS,
    surround=FRAGMENT_CHARS // 3,
    charlimit=None,  # type: ignore[arg-type]
)


def highlight_terms(query: Query) -> frozenset[str]:
    """The title and body terms a hit should show as matches; terms under a NOT are left out."""
    terms: set[str] = set()

    def walk(node: Query) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, AndNot):
            walk(node.a)
            return
        if node.is_leaf() or isinstance(node, Phrase):
            terms.update(
                text if isinstance(text, str) else text.decode("utf-8")
                for fieldname, text in node.terms(phrases=True)
                if fieldname in TEXT_FIELDS
            )
            return
        for child in node.children():
            walk(child)

    walk(query)
    return frozenset(terms)


def marked_title(title: str, terms: Iterable[str], analyzer: Analyzer) -> str:
    """The whole title as safe HTML, matches marked."""
    marked = highlight(title, terms, analyzer, _WHOLE, _FORMATTER, top=1, minscore=0, mode="index")
    return marked or escape(title, quote=True)


def marked_snippet(body: str, terms: Iterable[str], analyzer: Analyzer) -> str:
    """One to three fragments of about FRAGMENT_CHARS characters around the matches, as safe HTML.

    A body with no match in its first BODY_WINDOW characters (a title-only match) gets its opening instead.
    """
    window = body[:BODY_WINDOW]
    marked = (
        highlight(window, terms, analyzer, _CONTEXT, _FORMATTER, top=MAX_FRAGMENTS, mode="index")
        if terms
        else ""
    )
    if marked:
        return marked
    return escape(opening(body), quote=True)


def opening(text: str, limit: int = FRAGMENT_CHARS) -> str:
    """The first `limit` characters, cut at a word boundary, with an ellipsis when cut."""
    text = without_leading_punctuation(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
