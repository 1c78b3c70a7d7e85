"""What a page says about itself in markup: meta tags, JSON-LD, the canonical link."""

from __future__ import annotations

import json
import re

from bs4 import BeautifulSoup, Tag

from search.extract.text import attribute, fold


class PageMeta:
    """The page's meta tags (by property/name/itemprop, lower-cased), its JSON-LD article object (the first
    with a headline or datePublished) and the names in its JSON-LD breadcrumb."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.meta: dict[str, list[str]] = {}
        for tag in soup.find_all("meta"):
            key = attribute(tag, "property") or attribute(tag, "name") or attribute(tag, "itemprop")
            content = attribute(tag, "content")
            if key and content.strip():
                self.meta.setdefault(key.strip().lower(), []).append(content.strip())
        objects = _json_ld_objects(soup)
        self.ld = next((item for item in objects if item.get("headline") or item.get("datePublished")), {})
        self.breadcrumb = _breadcrumb_names(objects)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            if self.meta.get(key):
                return fold(self.meta[key][0])
        return None

    def all(self, *keys: str) -> list[str]:
        return [value for key in keys for value in self.meta.get(key, [])]

    def ld_value(self, key: str) -> str | None:
        value = self.ld.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("name")
        return fold(value) if isinstance(value, str) and value.strip() else None


def _json_ld_objects(soup: BeautifulSoup) -> list[dict]:
    """Every JSON-LD object on the page, nested lists and @graph opened, in page order."""
    found: list[dict] = []
    for script in soup.find_all("script", type=re.compile("ld\\+json", re.I)):
        try:
            data = json.loads(script.string or "", strict=False)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                found.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])
    return found


def _breadcrumb_names(objects: list[dict]) -> list[str]:
    trail = next((item for item in objects if item.get("@type") == "BreadcrumbList"), {})
    names = []
    for step in trail.get("itemListElement") or []:
        if not isinstance(step, dict):
            continue
        item = step.get("item")
        name = step.get("name") or (item.get("name") if isinstance(item, dict) else None)
        if isinstance(name, str) and name.strip():
            names.append(fold(name))
    return names


def canonical_url(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", rel="canonical")
    return attribute(link, "href") or None if isinstance(link, Tag) else None
