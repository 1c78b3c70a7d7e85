"""Marked titles and snippets: every inflected form of a query word marked, all other text escaped."""

from __future__ import annotations

import pytest
from whoosh.qparser import QueryParser

from search.schema import make_schema
from search.snippets import (
    BODY_WINDOW,
    FRAGMENT_CHARS,
    highlight_terms,
    marked_snippet,
    marked_title,
    opening,
)

SCHEMA = make_schema()
ANALYZER = SCHEMA["body"].analyzer


def terms_of(query: str) -> frozenset[str]:
    return highlight_terms(QueryParser("body", SCHEMA).parse(query))


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("kebakaran", {"bakar", "kebakaran"}),  # the stem and the exact form
        ("kebakaran NOT banjir", {"bakar", "kebakaran"}),
        ("kebakaran ANDNOT banjir", {"bakar", "kebakaran"}),
        ('"hutan lindung" source:Kompas', {"hutan", "lindung"}),  # phrase words; not other fields' terms
        ("title:Bekasi OR pembangunan", {"bekas", "bekasi", "bangun", "pembangunan"}),
    ],
)
def test_highlight_terms_are_the_wanted_title_and_body_terms(query: str, terms: set[str]) -> None:
    assert terms_of(query) == terms


def test_a_title_marks_the_inflected_word_and_escapes_markup() -> None:
    title = "<script>alert(1)</script> Kebakaran di Riau"
    assert marked_title(title, terms_of("kebakaran"), ANALYZER) == (
        "&lt;script&gt;alert(1)&lt;/script&gt; <mark>Kebakaran</mark> di Riau"
    )


def test_a_title_without_a_match_is_escaped_whole() -> None:
    assert marked_title("Banjir & longsor di <Bekasi>", terms_of("kebakaran"), ANALYZER) == (
        "Banjir &amp; longsor di &lt;Bekasi&gt;"
    )


def test_a_snippet_marks_every_inflection_near_the_match_and_escapes_the_rest() -> None:
    body = "Warga <b>panik</b>. " + "Lorem ipsum dolor. " * 30 + "Rumah dibakar. Pembakaran hutan berlanjut."
    snippet = marked_snippet(body, terms_of("kebakaran"), ANALYZER)
    assert "Rumah <mark>dibakar</mark>. <mark>Pembakaran</mark> hutan" in snippet
    assert "<b>" not in snippet and "Warga" not in snippet  # only the text around the matches


def test_a_snippet_without_a_match_in_its_window_is_the_escaped_opening() -> None:
    body = "<script>x</script> " + "kata " * BODY_WINDOW + "kebakaran"
    snippet = marked_snippet(body, terms_of("kebakaran"), ANALYZER)
    assert snippet.startswith("&lt;script&gt;x&lt;/script&gt; kata kata")
    assert snippet.endswith("kata …") and "<mark>" not in snippet
    assert marked_snippet("<i>kebakaran</i>", frozenset(), ANALYZER) == "&lt;i&gt;kebakaran&lt;/i&gt;"


def test_opening_cuts_at_a_word_boundary() -> None:
    assert opening("satu dua tiga", limit=20) == "satu dua tiga"
    assert opening("satu dua tiga", limit=10) == "satu dua …"
    long_text = "kata " * 100
    assert opening(long_text).endswith("kata …")
    assert len(opening(long_text)) <= FRAGMENT_CHARS + 2
