"""Photo and gallery pages: a set of pictures, each with a caption paragraph. The story on such a page is the
sequence of captions in page order, each once (thumbnail strips and lightboxes print them again)."""

from __future__ import annotations

from bs4 import BeautifulSoup, Comment, Tag

from search.extract.tables import CAPTION_CREDIT
from search.extract.text import fold, letters

_NOT_PRINTED = {"script", "style", "noscript", "template"}
_FURNITURE_BOXES = ["nav", "aside", "footer", "header"]
_MIN_CAPTION_CHARS = 30
_MAX_CAPTION_CHARS = 600
_MIN_CAPTIONS = 3


def gallery_captions(soup: BeautifulSoup) -> list[str]:
    """The captions of a page's pictures, in order, each once, without their photo credits; empty when
    fewer than three pictures have one. Read before the body prunes figures and caption boxes."""
    captions: list[str] = []
    seen: set[str] = set()
    for picture in soup.find_all("img", limit=300):
        if picture.find_parent(_FURNITURE_BOXES) is not None:
            continue
        caption = _caption_of(picture)
        key = letters(caption)[:120] if caption else ""
        if key and key not in seen:
            seen.add(key)
            captions.append(caption)
    return captions if len(captions) >= _MIN_CAPTIONS else []


def _caption_of(picture: Tag) -> str | None:
    """The text of the nearest box around `picture` that has any, when that box holds only this picture and
    the text is not a link (a related article's thumbnail and title)."""
    box = picture.parent
    for _ in range(3):
        if box is None or box.name in ("body", "html", "[document]"):
            return None
        text = _printed_text(box)
        if text:
            if (
                len(box.find_all("img", limit=3)) > 1
                or not _MIN_CAPTION_CHARS <= len(text) <= _MAX_CAPTION_CHARS
            ):
                return None
            if sum(len(fold(link.get_text())) for link in box.find_all("a")) > 0.5 * len(text):
                return None
            return CAPTION_CREDIT.sub("", text).strip() or None
        box = box.parent
    return None


def _printed_text(box: Tag) -> str:
    return fold(
        " ".join(
            str(s)
            for s in box.find_all(string=True)
            if not isinstance(s, Comment) and s.parent is not None and s.parent.name not in _NOT_PRINTED
        )
    )
