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
from collections.abc import Callable, Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, datetime, timedelta

UNDATED = "none"  # the date facet value of an article without a usable date; also what the index stores
UNDATED_LABEL = "tanpa tanggal"
ALL_DATES_LABEL = "Semua tanggal"
MAX_TERM_ITEMS = 20

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


TERM_FACETS = ("source", "category")  # facets of one keyword each, any number of values chosen at once


@dataclass(frozen=True)
class FacetCounts:
    """Counts over all matches. `date` counts within the date facet's scope ignoring the chosen day, and
    each of `terms` (outlet, category) ignores its own choices, so every facet shows the alternatives;
    `total` honours every choice, and `stories` counts the distinct stories (clusters of copies) among
    those."""

    date: dict[str, int]
    terms: dict[str, dict[str, int]]
    total: int
    docs: AbstractSet[int] | None = None  # the matches that honour every choice, when asked for
    stories: int = 0


def count_facets(
    docnums: Iterable[int],
    day_of: Callable[[int], str],
    term_of: Mapping[str, Callable[[int], str]],
    selected_date: str | None,
    chosen: Mapping[str, tuple[str, ...]],
    keep_docs: bool = False,
    cluster_of: Callable[[int], str] | None = None,
) -> FacetCounts:
    """Counts over the matching documents, reading the day and each term facet's column of each.

    Each column is read per match by `map` and counted by `Counter`, both in C, the matches a choice admits
    are sets, and the date buckets are made from the few distinct days: a Python loop per match cost as
    much as the search itself. With `keep_docs`, the document numbers that honour every choice come back
    too: a ready filter for the ranked search, far cheaper than Whoosh evaluating a filter query over the
    whole index. With `cluster_of`, the stories among those are counted too.
    """
    matches = docnums if isinstance(docnums, (set, frozenset)) else set(docnums)
    every_day = Counter(map(day_of, matches))
    date_ok: AbstractSet[int] = matches
    if selected_date:
        chosen_days = {day for day in every_day if in_date_selection(day or UNDATED, selected_date)}
        date_ok = {docnum for docnum in matches if day_of(docnum) in chosen_days}
    admitted = {
        name: {docnum for docnum in matches if (column(docnum) or "") in chosen[name]}
        for name, column in term_of.items()
        if chosen.get(name)
    }

    def honouring(names: Iterable[str]) -> AbstractSet[int]:
        """The matches every choice of the facets `names` admits."""
        found: AbstractSet[int] = matches
        for name in names:
            found = found & admitted[name]
        return found

    term_ok = honouring(admitted)
    day_counts = every_day if term_ok is matches else Counter(map(day_of, term_ok))
    scope, granularity = date_scope(selected_date)
    dates: Counter[str] = Counter()
    for day, count in day_counts.items():
        day = day or UNDATED
        if in_date_selection(day, scope or None):
            dates[date_bucket(day, granularity)] += count
    terms = {}
    for name, column in term_of.items():
        counted = date_ok & honouring(set(admitted) - {name})  # its own choices ignored
        terms[name] = dict(Counter(value for value in map(column, counted) if value))
    chosen_docs = term_ok & date_ok
    return FacetCounts(
        date=dict(dates),
        terms=terms,
        total=len(chosen_docs),
        docs=chosen_docs if keep_docs else None,
        stories=len(set(map(cluster_of, chosen_docs))) if cluster_of else len(chosen_docs),
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


def term_facet_items(
    counts: dict[str, int],
    chosen: tuple[str, ...],
    toggle: Callable[[tuple[str, ...]], str],
    label: Callable[[str], str],
) -> list[dict]:
    """Values by number of matches, the chosen ones always shown; each item's toggle adds or removes it."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:MAX_TERM_ITEMS]
    ranked += [(value, counts.get(value, 0)) for value in chosen if value not in dict(ranked)]
    return [
        {
            "value": value,
            "label": label(value),
            "count": count,
            "selected": value in chosen,
            "toggle": toggle(
                tuple(other for other in chosen if other != value) if value in chosen else (*chosen, value)
            ),
        }
        for value, count in ranked
    ]


# Words of a category kept in capitals in its label; every other word is capitalised ("sepak bola" ->
# "Sepak Bola").
_UPPERCASE_WORDS = frozenset({"tv", "dki", "kpk", "bumn", "ri", "pon", "ham", "it"})


def category_key(category: str) -> str:
    """The one spelling of a category the index keeps and filters compare: "NASIONAL", "Nasional" and
    " nasional " are the same category to a reader -> "nasional"."""
    return " ".join(category.split()).casefold()


def category_label(key: str) -> str:
    """How a category key reads on the page: "nasional" -> "Nasional", "news & entertainment" ->
    "News & Entertainment", "tv" -> "TV"."""
    return " ".join(word.upper() if word in _UPPERCASE_WORDS else word.capitalize() for word in key.split())


TERM_LABELS: dict[str, Callable[[str], str]] = {"source": str, "category": category_label}


# Quick date ranges beside the histogram, counted back from the newest article's day (an archive is not
# always fresh): (label, days before that day, or None for the start of its year). Filters work on whole
# days, so "24 jam terakhir" is the newest article's day and the day before.
QUICK_RANGES = (("24 jam terakhir", 1), ("7 hari terakhir", 6), ("30 hari terakhir", 29), ("tahun ini", None))


def quick_date_ranges(
    newest_published: str | None,
    chosen: tuple[date | None, date | None],
    toggle: Callable[[date | None, date | None], str],
) -> list[dict]:
    """Each quick range as {"label", "from", "to", "selected", "toggle"}; choosing it again clears it."""
    if not newest_published:
        return []
    newest = date.fromisoformat(newest_published[:DAY])
    items = []
    for label, days_back in QUICK_RANGES:
        start = (
            newest - timedelta(days=days_back) if days_back is not None else newest.replace(month=1, day=1)
        )
        selected = chosen == (start, newest)
        items.append(
            {
                "label": label,
                "from": start.isoformat(),
                "to": newest.isoformat(),
                "selected": selected,
                "toggle": toggle(None, None) if selected else toggle(start, newest),
            }
        )
    return items


RECENT = timedelta(days=7)  # newer results also show how long ago they were published


def time_ago(published: str | None, now: datetime) -> str | None:
    """ "3 jam lalu" for an article published three hours before `now` (an aware datetime); None for an
    article without a time and offset, from the future, or older than RECENT."""
    try:
        when = datetime.fromisoformat(published or "")
    except ValueError:
        return None
    if when.tzinfo is None or not timedelta(0) <= now - when < RECENT:
        return None
    minutes = int((now - when).total_seconds() // 60)
    if minutes < 1:
        return "baru saja"
    if minutes < 60:
        return f"{minutes} menit lalu"
    if minutes < 24 * 60:
        return f"{minutes // 60} jam lalu"
    return f"{minutes // (24 * 60)} hari lalu"
