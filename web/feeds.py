"""What lets a reader follow the site: an Atom feed of a search's newest matches, and an OpenSearch
description so a browser can add the site as a search engine from its address bar."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from search.request import Hit, SearchResponse

ATOM = "http://www.w3.org/2005/Atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
SITE_NAME = "Cari Berita"
WIB = "+07:00"  # a date without a time is read as the start of that day in Jakarta


def atom_time(published: str) -> str:
    """RFC 3339, as Atom requires: "2019-09-10" -> "2019-09-10T00:00:00+07:00"; a time without an offset
    is read as WIB."""
    when = datetime.fromisoformat(published)
    text = when.isoformat(timespec="seconds")
    return text if when.tzinfo else text + WIB


def atom_feed(response: SearchResponse, feed_url: str, page_url: str, base_url: str) -> bytes:
    """The feed of `response` (newest first); undated articles are left out: a feed orders by time."""
    dated = [(hit, hit.published) for hit in response.results if hit.published]
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    query = response.request.q
    _add(feed, "title", f"{SITE_NAME}: {query}" if query else f"{SITE_NAME}: berita terbaru")
    _add(feed, "id", feed_url)
    _add(
        feed, "updated", max((atom_time(published) for _, published in dated), default="1970-01-01T00:00:00Z")
    )
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = _add(feed, "author")
    _add(author, "name", SITE_NAME)
    for hit, published in dated:
        _entry(feed, hit, published, base_url)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _entry(feed: ET.Element, hit: Hit, published: str, base_url: str) -> None:
    entry = _add(feed, "entry")
    _add(entry, "title", hit.title, type="text")
    _add(entry, "id", hit.web_url or f"tag:{urlsplit(base_url).hostname},2019:{hit.id}")
    if hit.web_url:
        _add(entry, "link", rel="alternate", type="text/html", href=hit.web_url)
    _add(entry, "published", atom_time(published))
    _add(entry, "updated", atom_time(published))
    if hit.source:
        _add(_add(entry, "author"), "name", hit.source)
    _add(entry, "summary", hit.snippet, type="html")  # escaped HTML, matches in <mark>


def opensearch_description(base_url: str) -> bytes:
    """The OpenSearch 1.1 description: the page, the feed and the completions, each as a URL template."""
    ET.register_namespace("", OPENSEARCH)
    root = ET.Element(f"{{{OPENSEARCH}}}OpenSearchDescription")
    _add(root, "ShortName", SITE_NAME, namespace=OPENSEARCH)
    _add(root, "Description", "Cari di arsip berita berbahasa Indonesia", namespace=OPENSEARCH)
    _add(root, "InputEncoding", "UTF-8", namespace=OPENSEARCH)
    _add(root, "Language", "id", namespace=OPENSEARCH)
    kinds = (("text/html", "search"), ("application/atom+xml", "search.atom"))
    for kind, path in (*kinds, ("application/x-suggestions+json", "api/suggest")):
        _add(
            root,
            "Url",
            namespace=OPENSEARCH,
            type=kind,
            method="get",
            template=f"{base_url}{path}?q={{searchTerms}}",
        )
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _add(
    parent: ET.Element, tag: str, text: str | None = None, namespace: str = ATOM, **attributes: str
) -> ET.Element:
    element = ET.SubElement(parent, f"{{{namespace}}}{tag}", attributes)
    element.text = text
    return element
