"""Mojibake repair: the tokenizer's offset-keeping repair and the export cleaner's agree on the text."""

from __future__ import annotations

from search.analysis import index_terms
from search.sources import clean_export_body
from search.text import ZERO_WIDTH_SPACE, repair_mojibake

MOJIBAKE = "Kecamatan¬†Tanjungpinang ‚ÄúBekasi‚Äù Jum‚Äôat Nestl√©"
REPAIRED = "Kecamatan\xa0Tanjungpinang “Bekasi” Jum’at Nestlé"


def test_both_repairs_give_the_same_text() -> None:
    padded = repair_mojibake(MOJIBAKE, keep_offsets=True)
    assert len(padded) == len(MOJIBAKE)
    assert padded.replace(ZERO_WIDTH_SPACE, "") == repair_mojibake(MOJIBAKE) == REPAIRED


def test_a_cleaned_export_body_is_indexed_like_the_raw_text() -> None:
    assert index_terms(clean_export_body(MOJIBAKE)) == index_terms(MOJIBAKE) == index_terms(REPAIRED)


def test_utf8_read_as_cp1252_is_repaired_in_exports() -> None:
    assert repair_mojibake("Jum\u00e2\u20ac\u2122at") == "Jum’at"


def test_real_punctuation_and_accents_are_left_alone() -> None:
    text = "coup d’état, “Salut” — Nestlé"
    assert repair_mojibake(text, keep_offsets=True) == text
    assert repair_mojibake("Nestlé “Salut”") == "Nestlé “Salut”"
