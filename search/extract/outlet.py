"""The outlet a page or dump belongs to, named as readers know it.

Per-outlet knowledge is limited to the host -> outlet-name table in `tables` (outlets' own og:site_name is
often a bare domain or a sub-channel).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from search.extract.meta import PageMeta
from search.extract.tables import OUTLET_BY_LOWER_NAME, OUTLETS
from search.extract.text import attribute, fold, letters


def outlet_name(name: str | None, url: str | None = None) -> str | None:
    """The outlet as readers know it: a known name ("KOMPAS.com" -> "Kompas.com"), else the name as given,
    else from the URL's host."""
    if name:
        known = OUTLET_BY_LOWER_NAME.get(name.strip().lower()) or outlet_for_host(name.strip().lower())
        if known:
            return known
        return name.strip()[0].upper() + name.strip()[1:] if looks_like_domain(name) else name.strip()
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    return outlet_for_host(host) or registrable_domain(host).capitalize()


def page_outlet(page: PageMeta, host: str | None, affix: str | None) -> str | None:
    """A site name that is a domain (a sister site's "ihram.co.id" on republika.co.id), the known name for the
    host, og:site_name / JSON-LD publisher, the <title>'s affix, the host itself."""
    site_names = [name for name in (page.first("og:site_name"), page.ld_value("publisher")) if name]
    for name in site_names:
        if looks_like_domain(name):
            return outlet_name(name)
    if host and outlet_for_host(host):  # a channel's own name ("Tempo Gaya") is not the outlet's
        return outlet_for_host(host)
    site_label = registrable_domain(host).split(".")[0] if host else ""
    for name in site_names:
        # A site name naming neither the host nor a domain is a sub-channel ("sepakbola" on sport.detik.com).
        if not site_label or site_label in letters(name):
            return outlet_name(name)
    if affix:
        return outlet_name(affix)
    return outlet_name(None, f"http://{host}") if host else None


def title_affix(soup: BeautifulSoup, headline: str) -> str | None:
    """What the <title> adds around the headline, which is the site's name: "ANTARA News" in
    "29 penerbangan ... dibatalkan - ANTARA News"."""
    page_title = fold(soup.title.get_text()) if soup.title else ""
    if not headline or headline not in page_title:
        return None
    before, _, after = page_title.partition(headline)
    affix = (before if len(before.strip(" |-–—:·»")) > len(after.strip(" |-–—:·»")) else after).strip(
        " |-–—:·»"
    )
    return affix if 2 <= len(affix) <= 40 else None


def outlet_for_host(host: str) -> str | None:
    host = host.removeprefix("www.").removeprefix("m.")
    while host:
        if host in OUTLETS:
            return OUTLETS[host]
        host = host.partition(".")[2]
    return None


def registrable_domain(host: str) -> str:
    parts = host.removeprefix("www.").split(".")
    keep = 3 if len(parts) >= 3 and parts[-2] in {"co", "or", "ac", "go", "web", "my"} else 2
    return ".".join(parts[-keep:])


def looks_like_domain(name: str) -> bool:
    return bool(re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", name.strip()))


def dominant_host(soup: BeautifulSoup) -> str | None:
    """The site a page without a URL belongs to: the domain most of its absolute links point to."""
    counts: dict[str, int] = {}
    for tag in soup.find_all(["a", "link"], href=re.compile(r"^https?://", re.I), limit=2000):
        host = urlsplit(attribute(tag, "href")).hostname
        if host:
            counts[registrable_domain(host)] = counts.get(registrable_domain(host), 0) + 1
    if not counts:
        return None
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= 5 else None
