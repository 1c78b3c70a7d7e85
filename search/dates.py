"""Indonesian dates and times, from structured fields and from free text, to ISO 8601.

    >>> parse_indonesian_datetime("Selasa, 09 Apr 2019 14:05 WIB")
    '2019-04-09T14:05:00+07:00'
    >>> parse_indonesian_datetime("kata Anies di Balai Kota, Selasa (9/4/2019).")
    '2019-04-09'

Why regular expressions and not dateparser: dateparser is about a hundred times slower (see its row under
"Dependencies" in the README), needs the date already cut out of its sentence, returns midnight when only a
date is known (we must return a bare date then), and missed a real page's "Jumat , 17 February 2017, 13:16
WIB". The formats Indonesian outlets use are few and regular: ISO-like stamps (also malformed ones such as
"2015-11-05 T10:08:58Z" and "2022-12-10T13-19-56Z"), "d Month yyyy [hh:mm] [WIB]" with Indonesian or English
month names or abbreviations, English "Month d, yyyy" (also with a 12-hour "8:05 PM"), "d/m/yyyy" (day first)
and RFC 2822 ("Thu, 17 Jun 2021 11:38:29 GMT").

A time without a stated zone is taken as WIB (+07:00): that is how Indonesian outlets print clock time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

WIB = "+07:00"

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "agus": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nopember": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip

ZONES = {"wib": "+07:00", "wita": "+08:00", "wit": "+09:00", "z": "+00:00", "utc": "+00:00", "gmt": "+00:00"}
INDONESIAN_OFFSETS = frozenset({"+07:00", "+08:00", "+09:00"})

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_ZONE = r"(?P<zone>WITA|WIB|WIT|UTC|GMT|Z(?![a-z])|[+-]\d{2}:?\d{2})"
# The time after a date, with a little punctuation between ("14:56", "- 15:56 wib", ", at 09:10").
_TIME = (
    r"(?:\s*(?:[,|\-–—]|\bat\b|\bpukul\b|\bjam\b)?\s*T?\s*"
    r"(?P<hour>[01]?\d|2[0-3])[:.\-](?P<minute>[0-5]\d)(?:[:.\-](?P<second>[0-5]\d))?(?:\.\d+)?(?!\d)"
    r"(?:\s*(?P<ampm>[ap])\.?m\b\.?)?\s*" + _ZONE + r"?)?"
)
_ISO = re.compile(r"(?P<year>(?:19|20)\d{2})[-/](?P<month>[01]?\d)[-/](?P<day>[0-3]?\d)(?!\d)" + _TIME, re.I)
_WORDS = re.compile(
    r"(?<![\w])(?P<day>[0-3]?\d)\s*(?P<monthname>"
    + _MONTH_NAMES
    + r")\.?,?\s*(?P<year>(?:19|20)\d{2})(?!\d)"
    + _TIME,
    re.I,
)
_NUMERIC = re.compile(
    r"(?<![\w/.])(?P<day>[0-3]?\d)[/.-](?P<month>[01]?\d)[/.-](?P<year>(?:19|20)\d{2})(?![\d/])" + _TIME, re.I
)
# English order, as on English-language editions: "Sep 11, 2019 14:05 WIB", "November 5th, 2015".
_MONTH_FIRST = re.compile(
    r"(?<![\w])(?P<monthname>"
    + _MONTH_NAMES
    + r")\.?\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,\s*(?P<year>(?:19|20)\d{2})(?!\d)"
    + _TIME,
    re.I,
)
_PATTERNS = (_ISO, _WORDS, _NUMERIC, _MONTH_FIRST)


@dataclass(frozen=True)
class ParsedDate:
    """A date as written: its wall-clock time (if any) and the zone the text states (None if none)."""

    year: int
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None
    second: int = 0
    offset: str | None = None
    start: int = 0  # where the match began in the text, for callers that weigh several candidates

    @property
    def has_time(self) -> bool:
        return self.hour is not None

    def iso(self, default_offset: str = WIB) -> str:
        """ISO 8601; a bare date when no time is known; the stated zone, else `default_offset`."""
        date = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if not self.has_time:
            return date
        return f"{date}T{self.hour:02d}:{self.minute:02d}:{self.second:02d}{self.offset or default_offset}"

    def wall_clock(self) -> tuple[int, int, int, int | None, int | None]:
        return (self.year, self.month, self.day, self.hour, self.minute)

    def in_indonesian_time(self) -> ParsedDate:
        """The same instant in WIB when the stated zone is not WIB/WITA/WIT (UTC stamps); else unchanged."""
        return self if self.offset is None or self.offset in INDONESIAN_OFFSETS else self.in_offset(WIB)

    def in_offset(self, offset: str) -> ParsedDate:
        """The same instant expressed in another zone (only meaningful when a time and a zone are known)."""
        if not self.has_time or self.offset is None or self.hour is None or self.minute is None:
            return self
        moment = datetime(
            self.year, self.month, self.day, self.hour, self.minute, self.second, tzinfo=_tz(self.offset)
        ).astimezone(_tz(offset))
        return ParsedDate(
            moment.year,
            moment.month,
            moment.day,
            moment.hour,
            moment.minute,
            moment.second,
            offset,
            self.start,
        )


def parse_indonesian_datetime(text: str | None, default_offset: str = WIB) -> str | None:
    """The first date (with its time, when one follows it) found in `text`, as ISO 8601, or None."""
    found = find_date(text)
    return found.iso(default_offset) if found else None


def find_date(text: str | None) -> ParsedDate | None:
    """The earliest well-formed date in `text` (see `find_dates`)."""
    dates = find_dates(text)
    return dates[0] if dates else None


def find_dates(text: str | None) -> list[ParsedDate]:
    """Every well-formed date in `text`, in order of position; impossible ones (31/02) are left out."""
    if not text:
        return []
    found: dict[int, ParsedDate] = {}
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            parsed = _from_match(match)
            if parsed and not any(match.start() <= s < match.end() for s in found):
                found[match.start()] = parsed
    return [found[start] for start in sorted(found)]


def _from_match(match: re.Match[str]) -> ParsedDate | None:
    parts = match.groupdict()
    month = MONTHS[parts["monthname"].lower()] if parts.get("monthname") else int(parts["month"])
    year, day = int(parts["year"]), int(parts["day"])
    try:
        datetime(year, month, day)
    except ValueError:
        return None
    if parts["hour"] is None:
        return ParsedDate(year, month, day, start=match.start())
    hour = int(parts["hour"])
    if parts["ampm"] and hour <= 12:  # "8:05 PM" is 20:05, "12:30 AM" is 00:30
        hour = hour % 12 + (12 if parts["ampm"].lower() == "p" else 0)
    return ParsedDate(
        year,
        month,
        day,
        hour,
        int(parts["minute"]),
        int(parts["second"] or 0),
        _offset(parts["zone"]),
        match.start(),
    )


def _offset(zone: str | None) -> str | None:
    if not zone:
        return None
    if zone.lower() in ZONES:
        return ZONES[zone.lower()]
    digits = zone.replace(":", "")
    return f"{digits[:3]}:{digits[3:]}"


def _tz(offset: str) -> timezone:
    sign = -1 if offset.startswith("-") else 1
    return timezone(sign * timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])))
