"""Find articles in files and folders: HTML pages, plain-text dumps, JSON lines, JSON arrays and CSV exports.

`iter_articles(paths, on_skip)` walks folders recursively, picks a reader by extension (or by the first bytes
when the extension says nothing), and yields `Article`s. Whatever cannot be read (an empty, binary, oversized
or truncated file, a bad JSON line, a record without text) is reported to `on_skip` as a `Skipped` with the
reason, and the run goes on. JSON lines and CSV are streamed, so a large export costs no memory.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from search.article import Article, article_id
from search.dates import WIB, ZONES, ParsedDate, find_date
from search.extract import (
    MAX_PAGE_BYTES,
    ExtractError,
    extract_html,
    extract_text_dump,
    outlet_name,
    title_from_body,
)
from search.text import repair_mojibake

MAX_JSON_ARRAY_BYTES = 512 * 1024 * 1024

HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".shtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson", ".jsonlines"}
CSV_SUFFIXES = {".csv", ".tsv"}

# Field names that exports use, most specific first (matched case-insensitively).
TITLE_FIELDS = ("title", "judul", "headline", "judul_berita")
BODY_FIELDS = (
    "content",
    "isi",
    "body",
    "text",
    "teks",
    "konten",
    "isi_berita",
    "article",
    "artikel",
    "berita",
)
DATE_FIELDS = ("published", "published_at", "publish_date", "date_published", "datepublished", "pubdate",
               "date", "tanggal", "tgl", "datetime", "waktu_terbit", "tanggal_terbit")  # fmt: skip
TIME_FIELDS = ("time", "jam", "waktu", "pukul")
URL_FIELDS = ("url", "link", "href", "permalink", "tautan")
SOURCE_FIELDS = ("source", "media", "publisher", "sumber", "outlet", "portal", "site", "situs")
CATEGORY_FIELDS = ("category", "kategori", "rubrik", "kanal", "section", "topik")
AUTHOR_FIELDS = ("author", "penulis", "reporter", "wartawan", "writer", "byline", "creator")
ID_FIELDS = ("id", "article_id", "_id", "uid")


@dataclass(frozen=True)
class Skipped:
    """An input (a file, or `file:line` for one record) that gave no article, and why."""

    path: str
    kind: str  # a short stable key to count skips by ("bad json", "too large"...); the reason has details
    reason: str


SkipCallback = Callable[[Skipped], None]


def iter_articles(
    paths: Iterable[str | os.PathLike], on_skip: SkipCallback | None = None
) -> Iterator[Article]:
    """Every article found under `paths` (files, or folders walked recursively in name order)."""
    report = on_skip or (lambda skipped: None)
    for path in paths:
        for file in _walk(Path(path), report):
            yield from _read_file(file, report)


def _walk(path: Path, report: SkipCallback) -> Iterator[Path]:
    if path.is_dir():
        try:
            children = sorted(path.iterdir())
        except OSError as error:
            report(Skipped(str(path), "unreadable", f"cannot list folder: {error.strerror or error}"))
            return
        for child in children:
            if not child.name.startswith("."):
                yield from _walk(child, report)
    elif path.is_file():
        yield path
    else:
        report(Skipped(str(path), "unreadable", "not found" if not path.exists() else "not a regular file"))


def _read_file(path: Path, report: SkipCallback) -> Iterator[Article]:
    try:
        kind = detect_format(path)
    except OSError as error:
        report(Skipped(str(path), "unreadable", f"cannot read: {error.strerror or error}"))
        return
    if kind is None:
        report(Skipped(str(path), "unsupported", f"unsupported file type ({path.suffix or 'no extension'})"))
        return
    if kind.startswith("skip:"):
        reason = kind.removeprefix("skip:")
        report(Skipped(str(path), reason, reason))
        return
    try:
        if kind in RECORD_READERS:
            yield from _articles_from_records(path, RECORD_READERS[kind](path, report), report)
        elif (size := path.stat().st_size) > MAX_PAGE_BYTES:
            limit = f"{MAX_PAGE_BYTES // 2**20} MB"
            report(
                Skipped(
                    str(path), "too large", f"{kind} file of {size / 1e6:.1f} MB exceeds the {limit} limit"
                )
            )
        else:
            yield from (_read_html if kind == "html" else _read_text_dump)(path, report)
    except (OSError, UnicodeDecodeError, csv.Error, ExtractError) as error:
        report(Skipped(str(path), "unreadable", f"cannot read {kind}: {error}"))
    except Exception as error:  # one odd file must not end a run over thousands; the reason names the bug
        report(
            Skipped(str(path), "extraction failed", f"extraction failed ({type(error).__name__}: {error})")
        )


def detect_format(path: Path) -> str | None:
    """'html', 'text', 'jsonl', 'json' or 'csv'; 'skip:<reason>' for empty or binary data; None if unknown."""
    with path.open("rb") as handle:
        head = handle.read(4096)
    if not head.strip():
        return "skip:empty file"
    if b"\x00" in head or _control_ratio(head) > 0.1:
        return "skip:binary data"
    suffix = path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    if suffix == ".json":
        return "jsonl" if _first_line_is_json(path) else "json"
    if start.startswith((b"<!doctype html", b"<html", b"<?xml")) or re.search(rb"<(head|body|meta)\b", start):
        return "html"
    if suffix in (".txt", ""):
        if start.startswith(b"{"):
            return "jsonl"
        if start.startswith(b"["):
            return "json"
        return "text"
    return None


def _first_line_is_json(path: Path) -> bool:
    """JSON lines start with a whole object on the first line; a pretty-printed document does not."""
    with path.open("rb") as handle:
        first = handle.readline(1 << 20)
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _control_ratio(data: bytes) -> float:
    controls = sum(1 for byte in data if byte < 32 and byte not in (9, 10, 12, 13))
    return controls / max(len(data), 1)


def _read_html(path: Path, report: SkipCallback) -> Iterator[Article]:
    try:
        yield extract_html(path.read_bytes())
    except ExtractError as error:
        report(Skipped(str(path), "no article", str(error)))


def _read_text_dump(path: Path, report: SkipCallback) -> Iterator[Article]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        yield extract_text_dump(text)
    except ExtractError as error:
        report(Skipped(str(path), "no article", str(error)))


def _read_jsonl(path: Path, report: SkipCallback) -> Iterator[tuple[str, object]]:
    with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                record = json.loads(line)
            except ValueError as error:
                report(Skipped(where, "bad json", f"invalid JSON: {error}"))
                continue
            yield where, record


def _read_json_array(path: Path, report: SkipCallback) -> Iterator[tuple[str, object]]:
    size = path.stat().st_size
    if size > MAX_JSON_ARRAY_BYTES:
        report(
            Skipped(
                str(path),
                "too large",
                f"JSON file of {size / 1e6:.0f} MB is too large to load; export it as JSON lines",
            )
        )
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig", errors="replace"))
    except ValueError as error:
        report(Skipped(str(path), "bad json", f"invalid JSON: {error}"))
        return
    if isinstance(data, dict):
        # {"articles": [...]} or {"data": [...]}: the one list of records inside.
        lists = [value for value in data.values() if isinstance(value, list)]
        data = lists[0] if len(lists) == 1 else [data]
    if not isinstance(data, list):
        report(Skipped(str(path), "bad json", "JSON holds no list of articles"))
        return
    for index, record in enumerate(data):
        yield f"{path}[{index}]", record


def _read_csv(path: Path, report: SkipCallback) -> Iterator[tuple[str, object]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    encoding = _text_encoding(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(65536)
        handle.seek(0)
        try:
            dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel_tab if path.suffix.lower() == ".tsv" else csv.excel
        reader = csv.DictReader(handle, dialect=dialect)
        for record in reader:
            yield f"{path}:{reader.line_num}", record


RECORD_READERS = {"jsonl": _read_jsonl, "json": _read_json_array, "csv": _read_csv}


def _text_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(1 << 20)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the end of the sample
            return "cp1252"
    return "utf-8-sig"


def _articles_from_records(
    path: Path, records: Iterator[tuple[str, object]], report: SkipCallback
) -> Iterator[Article]:
    """Articles from an export's records; a file whose first record has no text field is skipped whole."""
    checked = False
    for where, record in records:
        if not isinstance(record, dict):
            report(Skipped(where, "bad json", f"record is a {type(record).__name__}, not an object"))
            continue
        if not checked:
            names = {str(key).strip().lower() for key in record}
            if not names.intersection(BODY_FIELDS):
                shown = ", ".join(sorted(names)[:12])
                report(
                    Skipped(
                        str(path),
                        "no text field",
                        f"no article text field (content/isi/body/text...) among: {shown}",
                    )
                )
                return
            checked = True
        if _is_header_row(record):
            report(
                Skipped(
                    where,
                    "header row",
                    "a repeated header row (its values are its field names), not an article",
                )
            )
            continue
        article = article_from_record(record)
        if article is None:
            report(Skipped(where, "no article", "record has neither a title nor article text"))
        else:
            yield article


def _is_header_row(record: dict) -> bool:
    """A CSV header carried into an export as a record: {"title": "title", "content": "content", ...}."""
    echoed = sum(
        1
        for key, value in record.items()
        if isinstance(value, str) and value.strip().lower() == str(key).lower()
    )
    return echoed >= 3


def article_from_record(record: dict) -> Article | None:
    """An Article from an exported record with common field names; None when it has neither title nor text."""
    fields = {
        _FIELD_SEPARATORS.sub("_", str(key).strip().lower()): value for key, value in record.items() if key
    }
    title = _clean_inline(_pick(fields, TITLE_FIELDS))
    body = clean_export_body(_pick(fields, BODY_FIELDS) or "")
    if not title and not body:
        return None
    if not title:
        title = title_from_body(body)
    url = _pick(fields, URL_FIELDS)
    given_id = _pick(fields, ID_FIELDS)
    return Article(
        id=given_id or article_id(url, title, body),
        url=url,
        source=outlet_name(_pick(fields, SOURCE_FIELDS), url),
        title=title,
        body=body,
        published=record_datetime(_pick(fields, DATE_FIELDS), _pick(fields, TIME_FIELDS)),
        category=_pick(fields, CATEGORY_FIELDS),
        author=_pick(fields, AUTHOR_FIELDS),
    )


def _pick(fields: dict, names: tuple[str, ...]) -> str | None:
    for name in names:
        value = fields.get(name)
        if isinstance(value, dict):  # {"source": {"name": "Kompas.com"}}
            value = value.get("name")
        if value is not None and not isinstance(value, (dict, list)) and str(value).strip():
            return str(value).strip()
    return None


_FIELD_SEPARATORS = re.compile(r"[\s-]+")  # "Judul Berita", "isi-berita" -> judul_berita, isi_berita
_TIME_ONLY = re.compile(
    r"^(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?:[:.](?P<second>[0-5]\d))?\s*(?P<zone>WITA|WIB|WIT)?$",
    re.I,
)


def record_datetime(date: str | None, time: str | None = None) -> str | None:
    """ISO 8601 from a date field and an optional separate time field ("2019-09-10" + "21:48 WIB").

    A stamp in another zone (UTC, or Unix seconds/milliseconds) is shown in WIB, like the pages' dates.

    >>> record_datetime("2019-09-10", "21:48 WITA")
    '2019-09-10T21:48:00+08:00'
    >>> record_datetime("1568126880")
    '2019-09-10T21:48:00+07:00'
    """
    if date and date.isdigit() and len(date) in (10, 13):
        seconds = int(date) / (1000 if len(date) == 13 else 1)
        utc = datetime.fromtimestamp(seconds, UTC)
        stamp = ParsedDate(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, ZONES["utc"])
        return stamp.in_indonesian_time().iso()
    parsed = find_date(date)
    if parsed is None:
        return None
    parsed = parsed.in_indonesian_time()
    clock = _TIME_ONLY.match(time.strip()) if time and not parsed.has_time else None
    if clock is None:
        return parsed.iso()
    hour, minute, second = int(clock["hour"]), int(clock["minute"]), int(clock["second"] or 0)
    zone = ZONES.get((clock["zone"] or "").lower(), WIB)
    return ParsedDate(parsed.year, parsed.month, parsed.day, hour, minute, second, zone).iso()


# A comma that joins two paragraphs: after a sentence's end ("dia.,Next", 'katanya.",Next', "jam. ,Race").
# The pattern starts with the comma so that the regex engine can skip ahead quickly.
_PARAGRAPH_JOIN = re.compile(r",(?:(?<=[.!?\"”],)|(?<=[.!?\"”] ,)),*\s*(?=[\"“A-Z0-9])")
_ODD_SPACES = ("\t", "\u00a0", "\u200b", "\u200e", "\u200f", "\ufeff")
_SPACE_RUN = re.compile(r"  +")
# What an export leaves where it dropped a link's text: "Baca juga:" with no title after it, an empty
# "( ,)" where an abbreviation was linked, and a lone comma where an outlet's name was ("diterima , Jumat").
_EMPTY_READ_ALSO = re.compile(r",*\s*\bBaca [Jj]uga\s*:\s*(?:,+|$)")
_EMPTY_PARENTHESES = re.compile(r"\s*\(\s*[,;]?\s*\)")
_COMMA_RUN = re.compile(r"[ \t]*,(?:[ \t]*,)*")
# "- ", "– " or ", - " left at the start where an export cut the dateline ("JAKARTA, KOMPAS.com - ").
_LEADING_JUNK = re.compile(r"^[,\s]*(?:[-–—]+(?=[\s,])[\s,]*)?")


def clean_export_body(text: str) -> str:
    r"""Repair an exported body: mojibake and no-break spaces to plain text, paragraphs joined with ","
    (as in CLICK-ID: 'sentence.,Next sentence') split back into paragraphs, and what dropped link text left
    behind ("Baca juga:,,", "( ,)", "diterima , Jumat") removed.

    >>> clean_export_body("- Polisi menangkap dua orang.,¬†Keduanya diperiksa.")
    'Polisi menangkap dua orang.\n\nKeduanya diperiksa.'
    """
    text = repair_mojibake(text)
    for odd in _ODD_SPACES:
        if odd in text:
            text = text.replace(odd, " ")
    text = _LEADING_JUNK.sub("", text.replace("\r", ""))
    text = _PARAGRAPH_JOIN.sub("\n\n", _EMPTY_READ_ALSO.sub(",", text))
    text = _COMMA_RUN.sub(",", _EMPTY_PARENTHESES.sub("", text))
    text = _SPACE_RUN.sub(" ", text)
    paragraphs = (p.strip().lstrip(",;: ") for p in text.split("\n"))
    return "\n\n".join(p for p in paragraphs if p)


def _clean_inline(text: str | None) -> str:
    if not text:
        return ""
    return " ".join(repair_mojibake(text).split())
