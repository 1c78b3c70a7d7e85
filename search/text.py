"""Repairing mojibake: UTF-8 text that was decoded as Mac Roman ("‚Äú" for “, "¬†" for a no-break space,
"Nestl√©" for Nestlé), as in the click-id export, or as cp1252 ("â€™" for ’).

One repairer serves two callers with different needs. The tokenizer (search/analysis.py) repairs text as it
analyses it and must keep every character offset pointing into the stored text, so it repairs only
unambiguous sequences and pads each repair with zero-width spaces: a wrong repair would change index terms.
An exported body (search/sources.py) is repaired once, before it is stored, so whole runs of non-ASCII
characters are re-decoded, which also recovers emoji and non-Latin scripts.
"""

from __future__ import annotations

import re

# The code pages that UTF-8 is found misread as, most frequent first.
MISREAD_AS = ("mac_roman", "cp1252")

ZERO_WIDTH_SPACE = "\u200b"


def _mac_roman_sequence_pattern() -> re.Pattern[str]:
    """UTF-8 sequences read as Mac Roman: a lead byte for Latin-1 symbols, Latin letters, Arabic or general
    punctuation, then continuation bytes. Leads that are common punctuation themselves (“ ” ‘ ’ —) are left
    out so that real text such as "d’état" is never touched."""

    def mac(byte_values: range | list[int]) -> str:
        return re.escape(bytes(byte_values).decode("mac_roman"))

    follow = f"[{mac(range(0x80, 0xC0))}]"
    two_byte_leads = mac([0xC2, 0xC3, 0xC4, 0xC5, 0xD8, 0xD9])
    return re.compile(f"[{two_byte_leads}]{follow}|{mac([0xE2])}{follow}{follow}")


_SEQUENCE = _mac_roman_sequence_pattern()
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]{2,}")


def _decoded(misread: str) -> str | None:
    """The text that `misread` was before UTF-8 went through the wrong code page, or None if it never was."""
    for code_page in MISREAD_AS:
        try:
            return misread.encode(code_page).decode("utf-8")
        except UnicodeError:
            continue
    return None


def _padded_repair(match: re.Match[str]) -> str:
    bad = match.group()
    good = _decoded(bad) or bad
    return good + ZERO_WIDTH_SPACE * (len(bad) - len(good))


def _run_repair(match: re.Match[str]) -> str:
    return _decoded(match.group()) or match.group()


def repair_mojibake(text: str, *, keep_offsets: bool = False) -> str:
    """`text` with its mojibake re-decoded; other text is kept.

    keep_offsets=True repairs only the unambiguous Mac Roman sequences, each padded with zero-width spaces
    to its length, so no character moves; otherwise every non-ASCII run that re-decodes is replaced.

    >>> repair_mojibake("Nestl√© ‚ÄúBekasi‚Äù")
    'Nestlé “Bekasi”'
    >>> repair_mojibake("kata‚Äù", keep_offsets=True) == "kata”" + ZERO_WIDTH_SPACE * 2
    True
    """
    if text.isascii():
        return text
    if keep_offsets:
        return _SEQUENCE.sub(_padded_repair, text)
    return _NON_ASCII_RUN.sub(_run_repair, text)
