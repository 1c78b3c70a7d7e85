"""Articles from plain-text dumps: an optional title line, the "Outlet - " lead, the body up to the site's
link lists."""

from __future__ import annotations

import re

from search.article import Article, article_id
from search.dates import find_date
from search.extract.errors import ExtractError
from search.extract.outlet import outlet_name
from search.extract.tables import DATELINE_LEAD, LEAD_OUTLET, LINK_LIST_START
from search.extract.text import fold
from search.extract.title import title_from_body


def extract_text_dump(text: str) -> Article:
    """An article from a plain-text dump: an optional title line, the "Outlet - " lead, the body up to the
    site's link lists ("Baca Juga:", "Berita Terkait", "Terpopuler", ...)."""
    lines = [fold(line) for line in text.replace("\r\n", "\n").split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if paragraphs and LINK_LIST_START.match(line):
            break
        if line:
            paragraphs.append(line)
    if not paragraphs:
        raise ExtractError("no text")
    title = ""
    if len(paragraphs) > 1 and len(paragraphs[0]) <= 150 and not re.search(r"[.!?\"”,]$", paragraphs[0]):
        title = paragraphs.pop(0)  # a headline line: short, no closing punctuation
    lead = DATELINE_LEAD.match(paragraphs[0])
    outlet = LEAD_OUTLET.search(lead["lead"]) if lead else None
    first = paragraphs[0][lead.end() :] if lead and outlet else paragraphs[0]
    body = "\n\n".join(paragraphs)
    title = title or title_from_body(first)
    found = find_date(body)
    source = outlet_name(outlet.group()) if outlet else None
    return Article(
        id=article_id(None, title, body),
        url=None,
        source=source,
        title=title,
        body=body,
        published=found.iso() if found else None,
    )
