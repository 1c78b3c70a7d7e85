"""Dates printed relative to when the page was read ("2 jam yang lalu", "kemarin, 14:05"), resolved against
the time the page was saved or crawled, when the saving tool wrote one into the page. Without it there is
no date rather than a wrong one: the page's own modified time (og:updated_time, dateModified) is not when
it was read."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from search.dates import MONTHS, WIB, ParsedDate, find_date
from search.extract.tables import HTTRACK_SAVED, RELATIVE_DATE, SINGLEFILE_SAVED, WAYBACK_SAVED

_WIB = timezone(timedelta(hours=7))
_UNIT_SECONDS = {
    "detik": 1, "second": 1, "menit": 60, "mnt": 60, "minute": 60, "min": 60, "jam": 3600, "hour": 3600,
    "hr": 3600, "hari": 86400, "day": 86400, "minggu": 604800, "pekan": 604800, "week": 604800,
}  # fmt: skip
_DAY_UNITS = {"hari", "day", "minggu", "pekan", "week"}


def saved_time(html: str) -> datetime | None:
    """When the page was saved (SingleFile) or crawled (HTTrack, the Wayback Machine), from the note the tool
    left in it; None when there is none."""
    match = SINGLEFILE_SAVED.search(html)
    if match:
        offset = match["offset"]
        zone = timezone(
            (-1 if offset[0] == "-" else 1) * timedelta(hours=int(offset[1:3]), minutes=int(offset[3:]))
        )
        return _moment(match, zone)
    match = WAYBACK_SAVED.search(html)
    if match:
        return _moment(match, UTC)
    match = HTTRACK_SAVED.search(html)
    stamp = find_date(match["stamp"]) if match else None
    if stamp and stamp.has_time and stamp.offset:
        return datetime.fromisoformat(stamp.iso())
    return None


def _moment(match: re.Match[str], zone: timezone) -> datetime | None:
    month = MONTHS.get(match["month"].lower())
    if month is None:
        return None
    year, day, hour, minute, second = (int(match[key]) for key in ("year", "day", "hour", "minute", "second"))
    return datetime(year, month, day, hour, minute, second, tzinfo=zone)


def resolve_relative(text: str, saved: datetime) -> ParsedDate | None:
    """The date `text` states relative to `saved`, in WIB: with its time for minutes and hours ago, "kemarin
    14:05" and "baru saja"; a bare date for days and weeks ago and a "kemarin" without a clock time."""
    match = RELATIVE_DATE.search(text)
    if match is None:
        return None
    now = saved.astimezone(_WIB)
    if match["now"]:
        return _parsed(now, with_time=True)
    if match["day"]:
        day = now - timedelta(days=0 if match["day"].lower() in ("hari ini", "today") else 1)
        if match["hour"] is None:
            return _parsed(day, with_time=False)
        clock = day.replace(hour=int(match["hour"]), minute=int(match["minute"]), second=0)
        return _parsed(clock, with_time=True)
    unit = match["unit"].lower()
    unit = unit.removesuffix("s")  # English plurals; no Indonesian unit ends in "s"
    count = int(match["count"]) if match["count"] else 1
    moment = now - timedelta(seconds=count * _UNIT_SECONDS[unit])
    return _parsed(moment, with_time=unit not in _DAY_UNITS)


def _parsed(moment: datetime, with_time: bool) -> ParsedDate:
    if not with_time:
        return ParsedDate(moment.year, moment.month, moment.day)
    return ParsedDate(moment.year, moment.month, moment.day, moment.hour, moment.minute, 0, WIB)
