"""The publication date: machine-readable stamps (JSON-LD, meta tags, <time>) checked against the date the
reader sees next to the headline. Outlets print WIB clock time with a wrong zone (merdeka "-07:00", old detik
"Z"), so when the two disagree the visible one wins."""

from __future__ import annotations

import re
from datetime import datetime

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from search.dates import WIB, ParsedDate, find_date, find_dates
from search.extract.meta import PageMeta
from search.extract.relative import resolve_relative
from search.extract.tables import RELATIVE_DATE, SKIP_TAGS, STRUCTURED_DATE_KEYS, UPDATE_WORDS
from search.extract.text import attribute, fold

_DIGIT = re.compile(r"\d")


def published_date(
    soup: BeautifulSoup,
    page: PageMeta,
    headline: Tag | None,
    title: str,
    url: str | None,
    saved: datetime | None = None,
) -> str | None:
    """ISO 8601 or None. `saved` is when the page was saved or crawled, for dates printed relative to it."""
    structured = [
        parsed
        for value in [
            page.ld.get("datePublished"),
            *page.all(*STRUCTURED_DATE_KEYS),
            *_time_attributes(soup),
        ]
        if isinstance(value, str) and (parsed := find_date(value))
    ]
    visible, updated, relative = _visible_dates(soup, headline, title, saved)
    timed = [v for v in visible if v.has_time]
    for seen in timed:
        for stamp in structured:
            agreed = _agree(stamp, seen)
            if agreed:
                return agreed.iso()
    if timed:
        return timed[0].iso()
    if structured:
        stamp = next((s for s in structured if s.has_time), structured[0])
        return stamp.in_indonesian_time().iso()
    if visible:
        return visible[0].iso()
    if relative:
        return relative[0].iso()
    if updated:  # some outlets label the one stamp they print "Update:"; it beats the URL's bare date
        return updated[0].iso()
    return _date_in_url(url)


def _agree(stamp: ParsedDate, seen: ParsedDate) -> ParsedDate | None:
    """The stamp (with its seconds) in the visible zone when both show the same minute: either as the same
    wall clock (a zone-less or falsely zoned stamp) or as the same instant (a true UTC stamp)."""
    if not stamp.has_time:
        return None
    zone = seen.offset or WIB
    if stamp.wall_clock() == seen.wall_clock():
        return ParsedDate(stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second, zone)
    if stamp.offset is not None and stamp.in_offset(zone).wall_clock() == seen.wall_clock():
        return stamp.in_offset(zone)
    return None


def _time_attributes(soup: BeautifulSoup) -> list[str]:
    return [attribute(t, "datetime") for t in soup.find_all("time", datetime=True, limit=20)]


def _visible_dates(
    soup: BeautifulSoup, headline: Tag | None, title: str, saved: datetime | None, window: int = 400
) -> tuple[list[ParsedDate], list[ParsedDate], list[ParsedDate]]:
    """Dates printed in short text near the headline (a dateline, not a sentence), nearest first: those
    that may be the publication date, those labelled as an update ("Diperbarui 12/09/2019, 10:00"), and
    relative ones ("2 jam yang lalu") resolved against the time the page was `saved` (none without it)."""
    nodes = [
        s
        for s in soup.find_all(string=True)
        if not isinstance(s, Comment) and s.parent is not None and s.parent.name not in SKIP_TAGS
    ]
    anchor = _headline_index(nodes, headline, title)
    found: list[tuple[int, ParsedDate]] = []
    updates: list[tuple[int, ParsedDate]] = []
    relative: list[tuple[int, ParsedDate]] = []
    for index in range(max(0, anchor - window), min(len(nodes), anchor + window)):
        node = nodes[index]
        relative_text = saved is not None and RELATIVE_DATE.search(node)
        if not relative_text and not _DIGIT.search(node):
            continue
        context = fold(node.parent.get_text(" ") if node.parent else node)
        if len(context) > 120:
            context = fold(str(node))
            if len(context) > 120:
                continue
        # Dates after the headline are its dateline; dates before it belong to the page header.
        distance = index - anchor if index >= anchor else (anchor - index) * 3
        previous_end = 0
        for parsed in find_dates(context):
            said_before, previous_end = context[previous_end : parsed.start], parsed.start + 1
            (updates if UPDATE_WORDS.search(said_before) else found).append((distance, parsed))
        if relative_text and saved is not None and (resolved := resolve_relative(context, saved)):
            relative.append((distance, resolved))
    return _nearest_first(found), _nearest_first(updates), _nearest_first(relative)


def _nearest_first(dates: list[tuple[int, ParsedDate]]) -> list[ParsedDate]:
    return [parsed for _, parsed in sorted(dates, key=lambda pair: pair[0])]


def _headline_index(nodes: list[NavigableString], headline: Tag | None, title: str) -> int:
    """Where the headline is among the page's text nodes. Without a headline element, the first text that
    starts like the title and is not a link: the same title linked from a carousel or a "popular" list
    above the article is not the article's own headline."""
    if headline is not None:
        first_text = headline.find(string=True)
        return next((i for i, node in enumerate(nodes) if node is first_text), 0)
    title_start = fold(title)[:40]
    if not title_start:
        return 0
    matches = [i for i, node in enumerate(nodes) if title_start in fold(node)]
    unlinked = [i for i in matches if nodes[i].find_parent("a") is None]
    return (unlinked or matches or [0])[0]


def _date_in_url(url: str | None) -> str | None:
    match = re.search(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/", url or "")
    return f"{match[1]}-{match[2]}-{match[3]}" if match else None
