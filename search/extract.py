"""Clean articles out of saved news pages and plain-text dumps.

Generic rules come first so that an outlet never seen still comes out right:
- title: the visible headline (h1/h2) that matches the page's meta title (og:title, JSON-LD headline,
  <title>), else the meta title with the site's prefix/suffix cut off;
- date: machine-readable stamps (JSON-LD, meta tags, <time>) checked against the date the reader sees next to
  the headline; outlets print WIB clock time with a wrong zone (merdeka "-07:00", old detik "Z"), so when the
  two disagree the visible one wins;
- body: the element with the densest paragraph text (paragraphs credit their parent and, half, their
  grandparent), widened to its same-class siblings for pages split into sections, read block by block
  (<p>, <br>-separated text), dropping link lists and reader furniture ("Baca juga", "ADVERTISEMENT",
  credits, share buttons, tags, copyright lines).
Per-outlet knowledge is limited to a host -> outlet-name table (outlets' own og:site_name is often a bare
domain or a sub-channel).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from search.article import Article, article_id
from search.dates import MONTHS, WIB, ParsedDate, find_date, find_dates

MAX_HTML_BYTES = 10 * 1024 * 1024

OUTLETS = {
    "antaranews.com": "ANTARA News",
    "bisnis.com": "Bisnis.com",
    "cnbcindonesia.com": "CNBC Indonesia",
    "cnnindonesia.com": "CNN Indonesia",
    "detik.com": "detikcom",  # its channels (inet.detik.com, "detikInet") are one outlet: one facet value
    "fimela.com": "Fimela.com",
    "idntimes.com": "IDN Times",
    "jawapos.com": "JawaPos.com",
    "kapanlagi.com": "KapanLagi.com",
    "kompas.com": "Kompas.com",
    "kontan.co.id": "Kontan",
    "kumparan.com": "kumparan",
    "liputan6.com": "Liputan6.com",
    "mediaindonesia.com": "Media Indonesia",
    "merdeka.com": "Merdeka.com",
    "okezone.com": "Okezone",
    "posmetro-medan.com": "Posmetro Medan",
    "republika.co.id": "Republika",
    "sindonews.com": "SINDOnews",
    "suara.com": "Suara.com",
    "tempo.co": "Tempo.co",
    "tirto.id": "Tirto.id",
    "tribunnews.com": "Tribunnews.com",
    "viva.co.id": "VIVA",
    "wowkeren.com": "WowKeren",
}
DETIK_CHANNELS = ("news", "inet", "sport", "finance", "hot", "health", "travel", "food", "oto", "edu")
_OUTLET_BY_LOWER_NAME = (
    {name.lower(): name for name in OUTLETS.values()}
    | {"republika online": "Republika", "antara": "ANTARA News"}
    | {f"detik{channel}": "detikcom" for channel in DETIK_CHANNELS}
)

# Containers that never hold the article's own prose.
_SKIP_TAGS = {
    "script", "style", "noscript", "iframe", "svg", "form", "button", "select", "input", "textarea",
    "template", "nav", "footer", "aside", "figure", "figcaption", "video", "audio", "object", "embed",
    "canvas", "map", "head", "title", "meta", "link",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "table", "tr",
    "td", "th", "tbody", "thead", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "center", "header", "hr",
}  # fmt: skip
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# class/id words of boxes that are not the article: related links, sharing, tags, comments, ads.
_BOILERPLATE_CLASS_WORDS = {
    "related", "terkait", "share", "sharing", "social", "sosmed", "socmed", "comment", "comments", "komentar",
    "tag", "tags", "breadcrumb", "breadcrumbs", "newsletter", "sidebar", "popular", "terpopuler", "populer",
    "recommendation", "rekomendasi", "advertisement", "ads", "iklan", "banner", "juga", "bacajuga", "footer",
    "author", "byline", "editor", "penulis", "reporter", "caption", "copyright", "rating", "subscribe",
    "tweet", "instagram", "tiktok",
}  # fmt: skip
_CLASS_WORD_SPLIT = re.compile(r"[^a-z0-9]+")

# Paragraphs that are reader furniture wherever they appear in a body.
_FURNITURE = re.compile(
    r"""^(?:
        (?:baca|lihat|simak|tonton|saksikan|cek)\s+(?:juga|selanjutnya|video|berita|artikel|breaking)\b
      | baca\s*:
      | pilihan\s+editor\s*:
      | artikel\s+ini\s+(?:telah\s+)?(?:tayang|terbit)
      | dapatkan\s+(?:update|informasi|berita)\b
      | dilarang\s+keras\s+mengambil\b
      | laporan\s+wartawan\b
      | halaman\s+(?:selanjutnya|berikutnya|sebelumnya)\b
      | (?:berita|artikel|kumpulan\s+berita)\s+(?:terkait|lainnya|rekomendasi|pilihan)\b
      | (?:jangan\s+lewatkan|terpopuler|pilihan|terkini|rekomendasi|populer|tags?|topik)\s*:?\s*$
      | jangan\s+lewatkan(?:\s+\w+){1,3}\s*:\s*$
      | advertisement\s*$ | iklan\s*$
      | scroll\s+(?:to|down)\b
      | lanjutkan\s+membaca\b
      | (?:perbesar|komentar(?:\s+pembaca)?)\s*$
      | \d+\s+dari\s+\d+\s+halaman\s*$
      | halaman\s*[\d\s]+(?:selanjutnya)?\s*$
      | \[gambas:
      | (?:editor|penulis|pewarta|reporter|redaktur|red|rep|foto|fotografer|penyunting|kontributor)
        (?:\s*(?:&|,|/|dan)\s*(?:editor|penulis|pewarta|reporter|redaktur|fotografer|penyunting))*\s*:
      | (?:copyright|hak\s+cipta)\b | ©
      | tweets\s+by\b
      | (?:copy\s+link|bagikan|share)\s*:?\s*$
      | jangan\s+sampai\s+ketinggalan\b
      | rate\s+artikel\b
      | a-\s*a\+\s*$
    )""",
    re.I | re.X,
)
_CONTAINS_FURNITURE = re.compile(r"google\s+news|berikan\s+komentar", re.I)
# Invitations to follow the outlet elsewhere, which run a little longer: "Simak breaking news ... WhatsApp
# Channel : https://...", "Ikuti kami di Instagram", "Download aplikasi ... sekarang".
_FOLLOW_US = re.compile(
    r"whats\s*app\s+channel|wa\s+channel|saluran\s+whats\s*app|grup\s+telegram|telegram\s+channel"
    r"|^(?:ikuti|follow)\s+(?:kami|juga|saluran|kanal|channel|akun|berita|update|instagram|twitter|tiktok)\b"
    r"|^(?:download|unduh)\s+(?:aplikasi|app)\b",
    re.I,
)
_MAX_FOLLOW_US_CHARS = 300
# A picture's caption printed as a paragraph ends with the photo credit: "... Foto: Grammy",
# "... (AP Photo/Vincent Yu)", "... (Foto/Ist)".
_PHOTO_CREDIT = re.compile(
    r"(?:^|[\s(\[])(?:foto|photo|sumber\s+foto|ilustrasi|gambar)\s*[:/]\s*(?:dok\.\s*)?[^.:()\[\]]{1,60}[)\]]?\s*\.?$",
    re.I,
)
_MAX_CAPTION_CHARS = 300
# A caption that is only the picture's source: "shutterstock", "Ilustrasi shutterstock.com", "Dok. Istimewa".
_PICTURE_SOURCE_ONLY = re.compile(
    r"^\(?(?:(?:ilustrasi|foto|photo|dok\.?|dokumentasi|gambar|image)\s*[:/.]?\s*)*"
    r"(?:shutterstock|freepik|unsplash|pexels|pixabay|istimewa|ist|istockphoto|getty\s*images|canva)"
    r"(?:\.com)?(?:\s*/\s*[^()/]{2,30})?\)?\.?$",
    re.I,
)
_HASHTAGS_ONLY = re.compile(r"^(?:#\S+(?:\s+\S+){0,3}\s*)+$")
# Author/editor initials that close an article: "(mdk/yan)", "(kpl/pur/tch)", "(H-4)"; alone: "(ren)".
# Also, after a sentence, lower-case initials alone ("... katanya. (jpnn)", "... petani.(tsa)") and the outlet
# with the reporter's name or the rubric ("(Tribunnews.com/Ani Lestari)", "(tirto.id - Ekonomi)").
_TRAILING_CREDIT = re.compile(
    r"\s*\((?:[A-Za-z0-9]{1,6}\s*[/-]\s*)+[A-Za-z0-9]{1,6}\)\s*$"
    r"|(?<=[.!?\"”])\s*\((?:[a-z]{2,6}|[\w-]+(?:\.[a-z]{2,3})+\s*[/\-–]\s*[^()/]{2,40})\)\s*$"
)
_CREDIT_ONLY = re.compile(r"^\(\s*(?:[a-z]{2,6}|[\w-]+(?:\.[a-z]{2,3})+\s*[/\-–]\s*[^()/]{2,40})\s*\)$", re.I)
# A reporter's name or agency closing an article: "DINI TEJA", "ANTARA", "REUTERS | AFP".
_AUTHOR_SIGNATURE = re.compile(r"^(?=(?:\S+\s+){0,4}\S+$)[A-Z][A-Z .,'’|/()&-]{1,40}$")
_STAMP_WORDS = re.compile(
    r"\b(?:senin|selasa|rabu|kamis|jum'?at|sabtu|minggu|ahad|mon|tue|wed|thu|fri|sat|sun)\w*"
    r"|\b(?:wib|wita|wit|utc|gmt|pukul|jam|diperbarui|dipublikasikan|diterbitkan|terbit|updated?|published|on|at)\b"
    r"|\b(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b"
)
_UPDATE_WORDS = re.compile(
    r"\b(?:diperbarui|diperbaharui|pembaruan|diubah|update[ds]?|last\s+modified|modified|edited)\b", re.I
)
_DATELINE_ONLY = re.compile(r"^[A-Z][\w .,()]{1,60}\s*(?:-|–|—|--)$")
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:·»]\s+|\s*\|\s*|:\s+")
_WHITESPACE = re.compile(r"\s+")


class ExtractError(ValueError):
    """The input holds no article that can be extracted; the message says why."""


@dataclass
class Block:
    """One paragraph of a page as a reader sees it."""

    text: str
    link_chars: int = 0
    heading: bool = False

    @property
    def link_density(self) -> float:
        return self.link_chars / max(len(self.text), 1)


# ---------------------------------------------------------------- decoding


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


# ---------------------------------------------------------------- HTML


def extract_html(raw: bytes, url: str | None = None) -> Article:
    """The article in one saved HTML page; ExtractError when there is none."""
    if not raw.strip():
        raise ExtractError("empty file")
    if len(raw) > MAX_HTML_BYTES:
        raise ExtractError(
            f"HTML page of {len(raw) / 1e6:.1f} MB exceeds the {MAX_HTML_BYTES // 2**20} MB limit"
        )
    text = decode_html(raw)
    if not re.search(r"<\s*(?:html|body|p|div|h1|title|meta|article)\b", text[:200_000], re.I):
        raise ExtractError("no HTML markup found")
    soup = BeautifulSoup(text, "lxml")
    page = _PageMeta(soup)
    url = page.first("og:url") or _canonical(soup) or url
    host = urlsplit(url).hostname if url else _dominant_host(soup)
    headline_node, title = _title(soup, page, host)
    published = _published(soup, page, headline_node, title, url)
    source = _outlet(page, host, _title_affix(soup, title))
    body = _body(soup, title)  # prunes the tree: everything read from the page comes before it
    if len(body) < 200:  # a page drawn by scripts, or a gallery: what the metadata says
        ld_body = page.ld.get("articleBody")
        if isinstance(ld_body, str) and len(ld_body.strip()) > len(body):
            body = "\n\n".join(_fold(line) for line in ld_body.splitlines() if line.strip())
    if not body:
        body = page.first("og:description", "description", "twitter:description") or ""
    if not title and not body:
        raise ExtractError("no headline or article text found")
    if not title:
        title = title_from_body(body)
    return Article(
        id=article_id(url, title, body),
        url=url,
        source=source,
        title=title,
        body=body,
        published=published,
        category=page.first("article:section2", "article:section") or page.ld_value("articleSection"),
    )


class _PageMeta:
    """The page's meta tags (by property/name/itemprop, lower-cased) and its JSON-LD article object."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.meta: dict[str, list[str]] = {}
        for tag in soup.find_all("meta"):
            key = tag.get("property") or tag.get("name") or tag.get("itemprop")
            content = tag.get("content")
            if key and content and content.strip():
                self.meta.setdefault(key.strip().lower(), []).append(content.strip())
        self.ld = _json_ld_article(soup)

    def first(self, *keys: str) -> str | None:
        for key in keys:
            if self.meta.get(key):
                return _fold(self.meta[key][0])
        return None

    def all(self, *keys: str) -> list[str]:
        return [value for key in keys for value in self.meta.get(key, [])]

    def ld_value(self, key: str) -> str | None:
        value = self.ld.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("name")
        return _fold(value) if isinstance(value, str) and value.strip() else None


def _json_ld_article(soup: BeautifulSoup) -> dict:
    """The first JSON-LD object that looks like the article (has a headline or datePublished)."""
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
    for item in found:
        if item.get("headline") or item.get("datePublished"):
            return item
    return {}


def _dominant_host(soup: BeautifulSoup) -> str | None:
    """The site a page without a URL belongs to: the domain most of its absolute links point to."""
    counts: dict[str, int] = {}
    for tag in soup.find_all(["a", "link"], href=re.compile(r"^https?://", re.I), limit=2000):
        host = urlsplit(tag["href"]).hostname
        if host:
            counts[_registrable(host)] = counts.get(_registrable(host), 0) + 1
    if not counts:
        return None
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] >= 5 else None


def _canonical(soup: BeautifulSoup) -> str | None:
    link = soup.find("link", rel="canonical")
    return link.get("href") if link and link.get("href") else None


def _fold(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _letters(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower())


# ---------------------------------------------------------------- outlet


def outlet_name(name: str | None, url: str | None = None) -> str | None:
    """The outlet as readers know it: a known name ("KOMPAS.com" -> "Kompas.com"), else the name as given,
    else from the URL's host."""
    if name:
        known = _OUTLET_BY_LOWER_NAME.get(name.strip().lower()) or _outlet_for_host(name.strip().lower())
        if known:
            return known
        return name.strip()[0].upper() + name.strip()[1:] if _looks_like_domain(name) else name.strip()
    host = urlsplit(url).hostname if url else None
    if not host:
        return None
    return _outlet_for_host(host) or _registrable(host).capitalize()


def _outlet(page: _PageMeta, host: str | None, title_affix: str | None) -> str | None:
    """A site name that is a domain (a sister site's "ihram.co.id" on republika.co.id), the known name for the
    host, og:site_name / JSON-LD publisher, the <title>'s affix, the host itself."""
    site_names = [name for name in (page.first("og:site_name"), page.ld_value("publisher")) if name]
    for name in site_names:
        if _looks_like_domain(name):
            return outlet_name(name)
    if host and _outlet_for_host(host):  # a channel's own name ("Tempo Gaya") is not the outlet's
        return _outlet_for_host(host)
    site_label = _registrable(host).split(".")[0] if host else ""
    for name in site_names:
        # A site name naming neither the host nor a domain is a sub-channel ("sepakbola" on sport.detik.com).
        if not site_label or site_label in _letters(name):
            return outlet_name(name)
    if title_affix:
        return outlet_name(title_affix)
    return outlet_name(None, f"http://{host}") if host else None


def _title_affix(soup: BeautifulSoup, headline: str) -> str | None:
    """What the <title> adds around the headline, which is the site's name: "ANTARA News" in
    "29 penerbangan ... dibatalkan - ANTARA News"."""
    page_title = _fold(soup.title.get_text()) if soup.title else ""
    if not headline or headline not in page_title:
        return None
    before, _, after = page_title.partition(headline)
    affix = (before if len(before.strip(" |-–—:·»")) > len(after.strip(" |-–—:·»")) else after).strip(
        " |-–—:·»"
    )
    return affix if 2 <= len(affix) <= 40 else None


def _outlet_for_host(host: str) -> str | None:
    host = host.removeprefix("www.").removeprefix("m.")
    while host:
        if host in OUTLETS:
            return OUTLETS[host]
        host = host.partition(".")[2]
    return None


def _registrable(host: str) -> str:
    parts = host.removeprefix("www.").split(".")
    keep = 3 if len(parts) >= 3 and parts[-2] in {"co", "or", "ac", "go", "web", "my"} else 2
    return ".".join(parts[-keep:])


def _looks_like_domain(name: str) -> bool:
    return bool(re.fullmatch(r"[\w-]+(?:\.[\w-]+)+", name.strip()))


# ---------------------------------------------------------------- title


def _title(soup: BeautifulSoup, page: _PageMeta, host: str | None) -> tuple[Tag | None, str]:
    """(the headline element, the headline): the visible heading that matches a meta title, else the cleaned
    meta title, else the first substantial h1."""
    meta_titles = [
        t
        for t in (
            page.first("og:title"),
            page.ld_value("headline"),
            page.first("twitter:title"),
            _fold(soup.title.get_text()) if soup.title else None,
        )
        if t
    ]
    site_words = _site_words(page, host)
    cleaned = [_strip_site_affixes(t, site_words) for t in meta_titles]
    headings = [(h, _fold(h.get_text(" "))) for h in soup.find_all(["h1", "h2"], limit=60)]
    headings = [(h, text) for h, text in headings if 8 <= len(text) <= 300]
    for candidate in cleaned + meta_titles:  # as cleaned, or as given when the headline names the site
        key = _letters(candidate)
        for node, text in headings:
            if _letters(text) == key:
                return node, text
    for candidate in cleaned:
        key = _letters(candidate)
        for node, text in headings:
            heading_key = _letters(text)
            if len(heading_key) >= 0.6 * len(key) and heading_key in key:
                return node, text
    if cleaned:
        return None, cleaned[0]
    for node, text in headings:
        if node.name == "h1" and len(text) >= 20:
            return node, text
    return None, ""


def _site_words(page: _PageMeta, host: str | None) -> set[str]:
    words = {_letters(name) for name in (page.first("og:site_name"), page.ld_value("publisher")) if name}
    if host:
        words.add(_registrable(host).split(".")[0])
    return {w for w in words if len(w) >= 3}


def _strip_site_affixes(title: str, site_words: set[str]) -> str:
    """Cut "KapanLagi.com: ", " - Kompas.com Regional", " | Republika Online" off a page title."""
    parts = [p for p in _TITLE_SEPARATORS.split(title) if p.strip()]
    if len(parts) < 2:
        return title.strip()

    def is_site(part: str) -> bool:
        letters = _letters(part)
        return any(word in letters for word in site_words) and len(part) <= 40

    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[start]):
        start += 1
    while end - start > 1 and is_site(parts[end - 1]):
        end -= 1
    if start == 0 and end == len(parts):
        return title.strip()
    # Keep the title's own punctuation: cut the original string at the kept parts' edges.
    first_at = title.find(parts[start])
    last = parts[end - 1]
    last_at = title.rfind(last)
    return title[first_at : last_at + len(last)].strip()


# ---------------------------------------------------------------- date


_STRUCTURED_DATE_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "dtk:publishdate",
    "publishdate",
    "pubdate",
    "publish-date",
    "date",
    "dc.date.issued",
    "dc.date",
    "sailthru.date",
    "content_publishdate",
)


def _published(
    soup: BeautifulSoup, page: _PageMeta, headline: Tag | None, title: str, url: str | None
) -> str | None:
    structured = [
        parsed
        for value in [
            page.ld.get("datePublished"),
            *page.all(*_STRUCTURED_DATE_KEYS),
            *_time_attributes(soup),
        ]
        if isinstance(value, str) and (parsed := find_date(value))
    ]
    visible, updated = _visible_dates(soup, headline, title)
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
    return [t["datetime"] for t in soup.find_all("time", datetime=True, limit=20)]


def _visible_dates(
    soup: BeautifulSoup, headline: Tag | None, title: str, window: int = 400
) -> tuple[list[ParsedDate], list[ParsedDate]]:
    """Dates printed in short text near the headline (a dateline, not a sentence), nearest first: those
    that may be the publication date, and those labelled as an update ("Diperbarui 12/09/2019, 10:00")."""
    nodes = [
        s
        for s in soup.find_all(string=True)
        if not isinstance(s, Comment) and s.parent is not None and s.parent.name not in _SKIP_TAGS
    ]
    anchor = _headline_index(nodes, headline, title)
    found: list[tuple[int, ParsedDate]] = []
    updates: list[tuple[int, ParsedDate]] = []
    for index in range(max(0, anchor - window), min(len(nodes), anchor + window)):
        node = nodes[index]
        if not any(ch.isdigit() for ch in node):
            continue
        context = _fold(node.parent.get_text(" "))
        if len(context) > 120:
            context = _fold(str(node))
            if len(context) > 120:
                continue
        previous_end = 0
        for parsed in find_dates(context):
            said_before, previous_end = context[previous_end : parsed.start], parsed.start + 1
            # Dates after the headline are its dateline; dates before it belong to the page header.
            distance = index - anchor if index >= anchor else (anchor - index) * 3
            (updates if _UPDATE_WORDS.search(said_before) else found).append((distance, parsed))
    return _nearest_first(found), _nearest_first(updates)


def _nearest_first(dates: list[tuple[int, ParsedDate]]) -> list[ParsedDate]:
    return [parsed for _, parsed in sorted(dates, key=lambda pair: pair[0])]


def _headline_index(nodes: list[NavigableString], headline: Tag | None, title: str) -> int:
    """Where the headline is among the page's text nodes. Without a headline element, the first text that
    starts like the title and is not a link: the same title linked from a carousel or a "popular" list
    above the article is not the article's own headline."""
    if headline is not None:
        first_text = headline.find(string=True)
        return next((i for i, node in enumerate(nodes) if node is first_text), 0)
    title_start = _fold(title)[:40]
    if not title_start:
        return 0
    matches = [i for i, node in enumerate(nodes) if title_start in _fold(node)]
    unlinked = [i for i in matches if nodes[i].find_parent("a") is None]
    return (unlinked or matches or [0])[0]


def _date_in_url(url: str | None) -> str | None:
    match = re.search(r"/((?:19|20)\d\d)/(\d\d)/(\d\d)/", url or "")
    return f"{match[1]}-{match[2]}-{match[3]}" if match else None


# ---------------------------------------------------------------- body


def _body(soup: BeautifulSoup, title: str) -> str:
    for node in soup.find_all(_SKIP_TAGS):
        node.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    total = _paragraph_chars(soup.body or soup)
    for node in soup.find_all(_is_boilerplate_box):
        if not node.decomposed and not _holds_the_article(node, total):
            node.decompose()
    container = _main_container(soup)
    if container is None:
        return ""
    blocks = _blocks(container)
    return "\n\n".join(_clean_blocks(blocks, title))


def _is_boilerplate_box(tag: Tag) -> bool:
    if tag.name in ("html", "body") or tag.attrs is None:
        return False
    classes = tag.get("class") or []
    words = " ".join([*classes, tag.get("id") or ""]).lower()
    return any(_is_boilerplate_word(word) for word in _CLASS_WORD_SPLIT.split(words) if word)


# Boilerplate words that also name a box run together with another word: "commentlist", "relatedposts",
# "sidebarleft", "bacajugabox" (not short or ambiguous ones: "ads" is in "address", "editor" in "ckeditor").
_COMPOUND_BOILERPLATE_WORDS = (
    "related", "terkait", "comment", "komentar", "sidebar", "breadcrumb", "newsletter", "popular",
    "populer", "recommendation", "rekomendasi", "advertisement", "bacajuga", "subscribe", "copyright",
    "sosmed", "socmed",
)  # fmt: skip


def _is_boilerplate_word(word: str) -> bool:
    return (
        word in _BOILERPLATE_CLASS_WORDS
        or word.startswith(_COMPOUND_BOILERPLATE_WORDS)
        or word.endswith(_COMPOUND_BOILERPLATE_WORDS)
    )


# A page whose prose sits in <div>s has almost no <p> text: an embedded tweet's one <p> is then "most of the
# page's paragraphs" without being the article.
_MIN_ARTICLE_PARAGRAPH_CHARS = 200


def _holds_the_article(node: Tag, page_paragraph_chars: int) -> bool:
    """A box with a boilerplate-sounding class that is in fact the article: most of the page's <p> text,
    or a long run of plain (non-link) text."""
    paragraph_chars = _paragraph_chars(node)
    if paragraph_chars >= 0.5 * page_paragraph_chars and paragraph_chars >= _MIN_ARTICLE_PARAGRAPH_CHARS:
        return True
    text = _fold(node.get_text(" "))
    links = sum(len(_fold(a.get_text(" "))) for a in node.find_all("a"))
    return len(text) >= 400 and links < 0.25 * len(text)


def _paragraph_chars(node: Tag) -> int:
    return sum(len(p.get_text()) for p in node.find_all("p"))


def _own_text(node: Tag) -> tuple[int, int]:
    """(characters, characters inside links) of the text directly in `node` and its inline children."""
    chars = links = 0
    for child in node.children:
        if isinstance(child, NavigableString):
            chars += len(_fold(child))
        elif isinstance(child, Tag) and child.name not in _BLOCK_TAGS:
            text = len(_fold(child.get_text()))
            chars += text
            if child.name == "a":
                links += text
            else:
                links += sum(len(_fold(a.get_text())) for a in child.find_all("a"))
    return chars, links


def _lead_before(node: Tag) -> str:
    """The non-link text run written directly before `node` in its parent, back to the previous block."""
    pieces = []
    for sibling in node.previous_siblings:
        if isinstance(sibling, Comment):
            continue
        if isinstance(sibling, NavigableString):
            pieces.append(str(sibling))
        elif isinstance(sibling, Tag) and sibling.name not in _BLOCK_TAGS:
            pieces.append("" if sibling.name == "a" else sibling.get_text())
        else:
            break
    return _fold(" ".join(pieces))


def _main_container(soup: BeautifulSoup) -> Tag | None:
    """The element whose paragraphs hold the most non-link text, widened to cover same-class siblings."""
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    for node in soup.find_all(["p", "div", "td", "article", "section", "blockquote", "center", "font"]):
        chars, links = _own_text(node)
        useful = chars - links
        if useful < 25 or links > 0.5 * chars:
            continue
        credit = node.parent if node.name == "p" else node
        for share, target in ((1.0, credit), (0.5, credit.parent if credit else None)):
            if isinstance(target, Tag) and target.name not in ("html", "[document]"):
                scores[id(target)] = scores.get(id(target), 0.0) + share * useful
                nodes[id(target)] = target
    if not scores:
        return None
    best = nodes[max(scores, key=scores.__getitem__)]
    # A lead written straight into the parent, just before a nested <div>, opens the same article.
    while best.parent is not None and best.parent.name not in ("body", "html", "[document]"):
        if len(_lead_before(best)) < 40:
            break
        best = best.parent
    node: Tag | None = best
    for _ in range(3):
        if node is None or node.parent is None or node.name == "body":
            break
        if node.get("class") and any(
            sibling is not node
            and sibling.get("class") == node.get("class")
            and len(sibling.get_text(strip=True)) >= 100
            for sibling in node.parent.find_all(node.name, recursive=False)
        ):
            return node.parent
        node = node.parent
    return best


def _blocks(container: Tag) -> list[Block]:
    """The container's text as a reader sees paragraphs: a break at each block element and each <br>."""
    blocks: list[Block] = []
    pieces: list[str] = []
    link_chars = 0

    def flush(heading: bool = False) -> None:
        nonlocal link_chars
        text = _fold("".join(pieces))
        if text:
            blocks.append(Block(text, link_chars, heading))
        pieces.clear()
        link_chars = 0

    def walk(node: Tag, in_link: bool) -> None:
        nonlocal link_chars
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, NavigableString):
                pieces.append(str(child))
                if in_link:
                    link_chars += len(_fold(child))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                flush()
            elif child.name in _BLOCK_TAGS:
                flush()
                if not _is_picture_box(child):
                    walk(child, in_link)
                flush(heading=child.name in _HEADINGS)
            else:
                walk(child, in_link or child.name == "a")

    walk(container, False)
    flush()
    return blocks


def _is_picture_box(node: Tag) -> bool:
    """A box around a picture and its caption ("Rektor UNY buka ... KOMUNIKA ONLINE"), not prose."""
    return (
        node.name not in ("p", "blockquote", "li")
        and node.find("img") is not None
        and node.find("p") is None
        and len(node.get_text(strip=True)) < 250
    )


def _clean_blocks(blocks: list[Block], title: str) -> list[str]:
    """Drop furniture and link lists; glue a lone dateline ("Jakarta -") to the paragraph it opens."""
    kept: list[Block] = []
    title_key = _letters(title)
    for block in blocks:
        text = _TRAILING_CREDIT.sub("", block.text).strip()
        if not text or _is_furniture(text) or block.link_density > 0.5:
            continue
        if not any(len(b.text) >= 100 for b in kept) and _is_date_stamp(text):
            continue  # the publication date printed above the article
        if _letters(text) == title_key or (not kept and re.fullmatch(r"[\W\d_]*", text)):
            continue
        kept.append(Block(text, 0, block.heading))
    # A heading with no text after it (before the next heading) introduces a list we dropped.
    kept = [b for i, b in enumerate(kept) if not b.heading or (i + 1 < len(kept) and not kept[i + 1].heading)]
    paragraphs: list[str] = []
    pending_dateline = ""
    for block in kept:
        if not paragraphs and not pending_dateline and _DATELINE_ONLY.match(block.text) and len(kept) > 1:
            pending_dateline = block.text + " "
            continue
        paragraphs.append(pending_dateline + block.text)
        pending_dateline = ""
    while paragraphs and _AUTHOR_SIGNATURE.match(paragraphs[-1]):
        paragraphs.pop()
    return paragraphs


def _is_date_stamp(text: str) -> bool:
    """A short line that is a date and little else: "Kamis, 05 November 2015 | 11:13 WIB"."""
    if len(text) > 100 or find_date(text) is None:
        return False
    rest = _STAMP_WORDS.sub(" ", text.lower())
    return len(re.sub(r"[\W\d_]+", "", rest)) <= 12


def _is_furniture(text: str) -> bool:
    if _FURNITURE.match(text) or _CREDIT_ONLY.match(text) or _HASHTAGS_ONLY.match(text):
        return True
    if (len(text) < _MAX_CAPTION_CHARS and _PHOTO_CREDIT.search(text)) or _PICTURE_SOURCE_ONLY.match(text):
        return True
    if len(text) < _MAX_FOLLOW_US_CHARS and _FOLLOW_US.search(text):
        return True
    return len(text) < 200 and bool(_CONTAINS_FURNITURE.search(text))


# ---------------------------------------------------------------- plain-text dumps

# The dateline that opens a dump: "Suara.com - ", "JAKARTA, KOMPAS.com - ", "Medan (ANTARA) - ".
_DUMP_LEAD = re.compile(r"^(?P<lead>(?:(?![.!?]\s)[^\"“]){2,70}?)\s*(?:--|-|–|—)\s+(?=\S)")
_LEAD_OUTLET = re.compile(r"[A-Za-z][\w-]*(?:\.[A-Za-z]{2,6})+|(?<=\()[A-Z][A-Za-z ]{2,30}(?=\))")
_LINK_LIST_START = re.compile(
    r"^(?:baca\s+juga|berita\s+terkait|artikel\s+terkait|terpopuler|pilihan|terkini|rekomendasi|"
    r"berita\s+lainnya|tags?\s*:|topik\s*:|editor\s*:|penulis\s*:|copyright)\b",
    re.I,
)


def extract_text_dump(text: str) -> Article:
    """An article from a plain-text dump: an optional title line, the "Outlet - " lead, the body up to the
    site's link lists ("Baca Juga:", "Berita Terkait", "Terpopuler", ...)."""
    lines = [_fold(line) for line in text.replace("\r\n", "\n").split("\n")]
    paragraphs: list[str] = []
    for line in lines:
        if paragraphs and _LINK_LIST_START.match(line):
            break
        if line:
            paragraphs.append(line)
    if not paragraphs:
        raise ExtractError("no text")
    title = ""
    if len(paragraphs) > 1 and len(paragraphs[0]) <= 150 and not re.search(r"[.!?\"”,]$", paragraphs[0]):
        title = paragraphs.pop(0)  # a headline line: short, no closing punctuation
    lead = _DUMP_LEAD.match(paragraphs[0])
    outlet = _LEAD_OUTLET.search(lead["lead"]) if lead else None
    first = paragraphs[0][lead.end() :] if outlet else paragraphs[0]
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


def title_from_body(body: str, limit: int = 100) -> str:
    """A title for an untitled text: its first sentence, cut at a word boundary near `limit` characters."""
    first = _fold(body.strip().split("\n", 1)[0])
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", first, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:-–— ")
    return cut + "…"
