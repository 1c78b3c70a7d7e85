"""Facet counts over every match of a query, as JSON-ready items.

Modelled on Datasette's facets.py: each facet value is a dict with value, label, count, selected and the
query string that toggles it, so the HTML page and its JSON twin render the same data.

The date facet drills down by one level at a time. Nothing chosen: counts per year; a year chosen: per month
of that year; a month or a day chosen: per day of that month. Every level is a prefix of the article's
"day" value ("2019-09-10"), so one column read per match serves all levels. Undated articles have the day
"none" and show as "tanpa tanggal".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date

UNDATED = "none"  # the date facet value of an article without a usable date; also what the index stores
UNDATED_LABEL = "tanpa tanggal"
ALL_DATES_LABEL = "Semua tanggal"
MAX_SOURCE_ITEMS = 20

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
WEEKDAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")

YEAR, MONTH, DAY = 4, 7, 10  # lengths of "2019", "2019-09", "2019-09-10"


def is_date_selection(value: str) -> bool:
    """True for "none" and for real dates written as "2019", "2019-09" or "2019-09-10"."""
    if value == UNDATED:
        return True
    try:
        if len(value) == YEAR and value.isdigit():
            return True
        if len(value) == MONTH:
            date.fromisoformat(value + "-01")
            return True
        if len(value) == DAY:
            date.fromisoformat(value)
            return True
    except ValueError:
        return False
    return False


def date_label(value: str) -> str:
    """ "2019" -> "2019", "2019-09" -> "September 2019", "2019-09-10" -> "10 Sep 2019" (short enough for a
    histogram row on a phone)."""
    if value == UNDATED:
        return UNDATED_LABEL
    if len(value) == MONTH:
        return f"{MONTHS[int(value[5:7]) - 1]} {value[:4]}"
    if len(value) == DAY:
        return f"{int(value[8:10])} {MONTHS[int(value[5:7]) - 1][:3]} {value[:4]}"
    return value


def long_date(day: str) -> str:
    """The Indonesian way to write a day: "2019-09-10" -> "Selasa, 10 September 2019"."""
    if day == UNDATED:
        return UNDATED_LABEL
    when = date.fromisoformat(day)
    return f"{WEEKDAYS[when.weekday()]}, {when.day} {MONTHS[when.month - 1]} {when.year}"


def date_scope(selected: str | None) -> tuple[str, int]:
    """The prefix the date facet counts within, and the length of the values it counts.

    None -> ("", 4) years; "2019" -> ("2019", 7) months; "2019-09" and "2019-09-10" -> ("2019-09", 10) days.
    """
    if not selected:
        return "", YEAR
    if selected == UNDATED:
        return UNDATED, YEAR
    if len(selected) == YEAR:
        return selected, MONTH
    return selected[:MONTH], DAY


def date_bucket(day: str, granularity: int) -> str:
    return UNDATED if day == UNDATED else day[:granularity]


def in_date_selection(day: str, selected: str | None) -> bool:
    if not selected:
        return True
    return day == selected if selected == UNDATED else day.startswith(selected)


@dataclass(frozen=True)
class FacetCounts:
    """Counts over all matches. `date` counts within the date facet's scope ignoring the chosen day, and
    `source` counts ignore the chosen outlet, so both show the alternatives; `total` honours every choice."""

    date: dict[str, int]
    source: dict[str, int]
    total: int
    docs: AbstractSet[int] | None = None  # the matches that honour every choice, when asked for


def count_facets(
    docnums: Iterable[int],
    day_of: Callable[[int], str],
    source_of: Callable[[int], str],
    selected_date: str | None,
    selected_source: str | None,
    keep_docs: bool = False,
) -> FacetCounts:
    """Counts over the matching documents, reading the day and outlet columns of each.

    Each column is read per match by `map` and counted by `Counter`, both in C, and the date buckets are
    made from the few distinct days: a Python loop per match cost as much as the search itself. With
    `keep_docs`, the document numbers that honour every choice come back too: a ready filter for the
    ranked search, far cheaper than Whoosh evaluating a filter query over the whole index.
    """
    matches = docnums if isinstance(docnums, (set, frozenset)) else set(docnums)
    every_day = Counter(map(day_of, matches))
    source_ok, day_counts = matches, every_day
    if selected_source:
        source_ok = {docnum for docnum in matches if source_of(docnum) == selected_source}
        day_counts = Counter(map(day_of, source_ok))
    date_ok = matches
    if selected_date:
        chosen_days = {day for day in every_day if in_date_selection(day or UNDATED, selected_date)}
        date_ok = {docnum for docnum in matches if day_of(docnum) in chosen_days}
    scope, granularity = date_scope(selected_date)
    dates: Counter[str] = Counter()
    for day, count in day_counts.items():
        day = day or UNDATED
        if in_date_selection(day, scope or None):
            dates[date_bucket(day, granularity)] += count
    sources = Counter(source for source in map(source_of, date_ok) if source)
    chosen = (
        source_ok & date_ok
        if selected_source and selected_date
        else source_ok
        if selected_source
        else date_ok
    )
    return FacetCounts(
        date=dict(dates), source=dict(sources), total=len(chosen), docs=chosen if keep_docs else None
    )


def date_facet_items(
    counts: FacetCounts, selected: str | None, toggle: Callable[[str | None], str]
) -> list[dict]:
    """Chronological items (undated last); choosing an item narrows to it, choosing it again goes up."""
    values = sorted(counts.date, key=lambda value: (value == UNDATED, value))
    items = []
    for value in values:
        chosen = value == selected
        parent = None if len(value) <= YEAR else value[: MONTH if len(value) == DAY else YEAR]
        items.append(
            {
                "value": value,
                "label": date_label(value),
                "count": counts.date[value],
                "selected": chosen,
                "toggle": toggle(parent if chosen else value),
            }
        )
    return items


def date_trail(selected: str | None, toggle: Callable[[str | None], str]) -> list[dict]:
    """The way back up from a chosen date: "Semua tanggal", then the year, then the month."""
    if not selected:
        return []
    trail = [{"value": None, "label": ALL_DATES_LABEL, "toggle": toggle(None)}]
    if selected != UNDATED:
        for length in (YEAR, MONTH):
            if len(selected) > length:
                value = selected[:length]
                trail.append({"value": value, "label": date_label(value), "toggle": toggle(value)})
    return trail


def source_facet_items(
    counts: FacetCounts, selected: str | None, toggle: Callable[[str | None], str]
) -> list[dict]:
    """Outlets by number of matches, the chosen one always shown."""
    ranked = sorted(counts.source.items(), key=lambda item: (-item[1], item[0]))[:MAX_SOURCE_ITEMS]
    if selected and selected not in dict(ranked):
        ranked.append((selected, counts.source.get(selected, 0)))
    return [
        {
            "value": source,
            "label": source,
            "count": count,
            "selected": source == selected,
            "toggle": toggle(None if source == selected else source),
        }
        for source, count in ranked
    ]
