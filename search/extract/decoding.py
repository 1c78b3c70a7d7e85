"""Bytes to text for saved pages, which often declare the wrong charset."""

from __future__ import annotations

import re

from search.extract.errors import ExtractError


def decode_html(raw: bytes) -> str:
    """UTF-8 first (pages often declare iso-8859-1 but are UTF-8), then the declared charset, then cp1252.

    A page cut inside a UTF-8 character, or one with a few bad bytes among valid UTF-8, stays UTF-8."""
    if b"\x00" in raw[:8192]:
        raise ExtractError("binary data, not an HTML page")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data":  # perhaps cut inside a character
            try:
                head = raw[: error.start].decode("utf-8-sig")
                if not head.isascii():
                    return head
            except UnicodeDecodeError:
                pass
    declared_match = re.search(rb"""charset\s*=\s*["']?([\w.:-]+)""", raw[:4096], re.I)
    declared = declared_match.group(1).decode("ascii").lower() if declared_match else None
    if declared in (None, "utf-8", "utf8"):
        lenient = raw.decode("utf-8-sig", errors="replace")
        bad = lenient.count("\ufffd")
        valid_non_ascii = sum(1 for ch in lenient if ord(ch) > 127) - bad
        if declared or valid_non_ascii >= bad:
            return lenient
    for encoding in (declared or "cp1252", "cp1252"):
        try:
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("latin-1")
