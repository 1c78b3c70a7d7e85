"""Marked titles and snippets: every inflected form of a query word marked, all other text escaped."""

from __future__ import annotations

import random
from html import escape

import pytest
from whoosh.analysis import StandardAnalyzer
from whoosh.highlight import highlight, set_matched_filter
from whoosh.qparser import QueryParser

from search.analysis import highlight_tokens, raw_words
from search.schema import make_schema
from search.snippets import (
    _CONTEXT,
    _FORMATTER,
    _WHOLE,
    BODY_WINDOW,
    FRAGMENT_CHARS,
    MAX_FRAGMENTS,
    _context_fragments,
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


# --- The fast path gives exactly what Whoosh's highlight() gives ------------------------------------------


def whoosh_snippet(body: str, terms: frozenset[str]) -> str:
    """The snippet as Whoosh's own highlight() makes it: the reference for the hand-written path."""
    window = body[:BODY_WINDOW]
    marked = highlight(window, terms, ANALYZER, _CONTEXT, _FORMATTER, top=MAX_FRAGMENTS, mode="index")
    return marked or escape(opening(body), quote=True)


def whoosh_title(title: str, terms: frozenset[str]) -> str:
    marked = highlight(title, terms, ANALYZER, _WHOLE, _FORMATTER, top=1, minscore=0, mode="index")
    return marked or escape(title, quote=True)


TEXTS = [
    "Kebakaran di Bekasi, anak-anak dan warga <b>panik</b> & berlari; rumah dibakar. Pembakaran hutan.",
    ", Jumat (9/4/2019) ‚ÄúBekasi‚Äù terbakar lagi; Nestl√© menyebut covid-19 dan sabu-sabu di A.M. Jum'at.",
    "Banjir. " * 40
    + "kebakaran "
    + "x" * 250
    + " kebakaran "
    + "longsor, " * 30
    + "dibakar ___ -- kebakaran",
    "kebakaran " * 120,
    "Rp10.000 dan 2.500 warga kedutaan-semua kebakaran-hutan Kebakaran-kebakaran berbalas-balasan " * 20,
    "a " * 60 + "bakar " + "bb " * 33 + "kebakaran " + "ccc " * 17 + "dibakar",
    "<script>alert(1)</script> " + "kata " * BODY_WINDOW + "kebakaran",
    "",
    "!!! ... ?",
]
TERMS = [
    frozenset({"bakar", "kebakaran"}),
    frozenset({"bekas", "bekasi", "covid", "19"}),
    frozenset({"dan", "di"}),  # stop words: never query terms today, yet marked as Whoosh would
    frozenset({"hutan", "anak", "anak-anak", "sabu"}),
    frozenset({"x" * 250, "kebakaran"}),
    frozenset({"tidak-ada"}),
]


def test_highlight_tokens_are_the_analysers_tokens() -> None:
    for text in TEXTS:
        tokens = ANALYZER(text, chars=True, mode="index", removestops=False)
        assert highlight_tokens(text) == [(t.startchar, t.endchar, t.text) for t in tokens]


@pytest.mark.parametrize("terms", TERMS)
def test_snippets_and_titles_equal_whooshs_highlight(terms: frozenset[str]) -> None:
    for text in TEXTS:
        assert marked_snippet(text, terms, ANALYZER) == whoosh_snippet(text, terms)
        assert marked_title(text, terms, ANALYZER) == whoosh_title(text, terms)


def test_random_texts_highlight_as_whoosh_does() -> None:
    """Word and gap lengths drawn so that fragments end on every path: countdown spent, a token too long for
    the fragment, a countdown of exactly zero, matches right after a fragment, compounds inside one."""
    rng = random.Random(7)
    vocabulary = [
        *["kebakaran", "dibakar", "bakar", "terbakar", "Bekasi", "bekas", "hutan", "di", "dan", "yang"],
        *["ini", "warga", "rumah", "anak-anak", "covid-19", "sabu-sabu", "x", "y", "zz", "9/4/2019"],
        *["A.M.", "Jum'at", "___", "Nestl√©", "w" * 70, "kebakaran" * 8],
    ]
    gaps = [" ", ", ", ". ", " (", ") ", " - ", "  \n", "‚Äú", "&<>"]
    for _ in range(300):
        text = "".join(rng.choice(gaps) + rng.choice(vocabulary) for _ in range(rng.randrange(1, 400)))
        terms = frozenset(rng.sample(["bakar", "kebakaran", "bekas", "hutan", "dan", "covid", "19", "x"], 2))
        assert fragments(text, terms) == whoosh_fragments(text, terms)
        assert marked_snippet(text, terms, ANALYZER) == whoosh_snippet(text, terms)
        assert marked_title(text[:300], terms, ANALYZER) == whoosh_title(text[:300], terms)


def fragments(text: str, terms: frozenset[str]) -> list[tuple]:
    words, bounds = raw_words(text)
    found = _context_fragments(text, words, bounds, terms, _CONTEXT.maxchars, _CONTEXT.surround)
    return [(f.startchar, f.endchar, [(m.startchar, m.endchar, m.text) for m in f.matches]) for f in found]


def whoosh_fragments(text: str, terms: frozenset[str]) -> list[tuple]:
    """Every fragment ContextFragmenter makes, the never shown empty ones included."""
    tokens = set_matched_filter(ANALYZER(text, chars=True, mode="index", removestops=False), terms)
    return [
        (f.startchar, f.endchar, [(m.startchar, m.endchar, m.text) for m in f.matches])
        for f in _CONTEXT.fragment_tokens(text, tokens)
    ]


def test_a_snippet_starts_after_the_punctuation_before_its_first_word() -> None:
    body = "Lorem ipsum dolor. " * 10 + ", Jumat (9/4), rumah warga dibakar."
    snippet = marked_snippet(body, terms_of("kebakaran"), ANALYZER)
    assert snippet == whoosh_snippet(body, terms_of("kebakaran"))
    assert not snippet.startswith((",", " ", ".")) and "<mark>dibakar</mark>" in snippet


def test_another_analyser_still_goes_through_whoosh() -> None:
    analyzer = StandardAnalyzer()
    body = "Rumah & <b>gudang</b> terbakar. " * 20
    expected = highlight(body, {"terbakar"}, analyzer, _CONTEXT, _FORMATTER, top=MAX_FRAGMENTS, mode="index")
    assert marked_snippet(body, {"terbakar"}, analyzer) == expected
    assert "<mark>terbakar</mark>" in expected


@pytest.mark.parametrize(
    "text",
    [
        "bakar" + " x" * 127 + " ___ y y bakar",  # the countdown spent exactly, then a word without tokens
        "bakar" + " x" * 127 + " covid-19 bakar",  # ... then a compound
        "bakar" + " x" * 126 + " zz bakar",  # spent one character past zero
        "bakar " + "y" * 300 + " bakar",  # a token too long for any fragment
        "bakar" + " zz" * 98 + " bakar",  # too long for the fragment before the countdown runs out
    ],
)
def test_fragments_end_where_whooshs_do(text: str) -> None:
    terms = frozenset({"bakar"})
    assert fragments(text, terms) == whoosh_fragments(text, terms)
    assert marked_snippet(text, terms, ANALYZER) == whoosh_snippet(text, terms)
