"""Photo and gallery pages: a set of pictures, each with a caption paragraph. The story on such a page is the
sequence of captions in page order, each once (thumbnail strips and lightboxes print them again)."""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag

from search.extract.tables import CAPTION_CREDIT
from search.extract.text import fold, letters

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
        if picture.parent is None or picture.parent.name == "a":  # a linked thumbnail
            continue
        caption = _caption_of(picture)
        key = letters(caption)[:120] if caption else ""
        if caption and key and key not in seen and picture.find_parent(_FURNITURE_BOXES) is None:
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
        text = _text_up_to(box, _MAX_CAPTION_CHARS)
        if text is None:
            return None
        if text:
            if len(text) < _MIN_CAPTION_CHARS or len(box.find_all("img", limit=2)) > 1:
                return None
            if sum(len(fold(link.get_text())) for link in box.find_all("a")) > 0.5 * len(text):
                return None
            return CAPTION_CREDIT.sub("", text).strip() or None
        box = box.parent
    return None


def _text_up_to(box: Tag, limit: int) -> str | None:
    """The box's text, or None as soon as it runs past `limit` characters: most pictures sit in a box as
    long as the article, which need not be read to the end."""
    pieces: list[str] = []
    length = 0
    for string in box.strings:
        piece = string.strip()
        if piece:
            pieces.append(piece)
            length += len(piece) + 1
            if length > limit + 1:
                return None
    return fold(" ".join(pieces))
