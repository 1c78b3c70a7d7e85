"""The article's text: the element with the densest paragraph text (paragraphs credit their parent and,
half, their grandparent), widened to its same-class siblings for pages split into sections, read block by
block (<p>, <br>-separated text), dropping link lists and reader furniture ("Baca juga", "ADVERTISEMENT",
credits, share buttons, tags, copyright lines)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bs4 import BeautifulSoup, Comment, NavigableString, Tag

from search.dates import find_date
from search.extract.gallery import gallery_captions
from search.extract.tables import (
    AUTHOR_SIGNATURE,
    BLOCK_TAGS,
    BOILERPLATE_CLASS_WORDS,
    CLASS_WORD_SPLIT,
    COMPOUND_BOILERPLATE_WORDS,
    CONTAINS_FURNITURE,
    CONTINUATION,
    CREDIT_LINE,
    CREDIT_ONLY,
    DATELINE_LEAD,
    DATELINE_ONLY,
    FOLLOW_US,
    FURNITURE,
    HASHTAGS_ONLY,
    HEADINGS,
    MAX_CAPTION_CHARS,
    MAX_CONTINUATION_CHARS,
    MAX_CREDIT_LINE_CHARS,
    MAX_FOLLOW_US_CHARS,
    PHOTO_CREDIT,
    PICTURE_SOURCE_ONLY,
    SKIP_TAGS,
    STAMP_WORDS,
    SYNDICATION_TAIL,
    TRAILING_CREDIT,
)
from search.extract.text import attribute, fold, letters


@dataclass
class Block:
    """One paragraph of a page as a reader sees it."""

    text: str
    link_chars: int = 0
    heading: bool = False

    @property
    def link_density(self) -> float:
        return self.link_chars / max(len(self.text), 1)


def body_text(soup: BeautifulSoup, title: str) -> str:
    """The article's paragraphs, separated by blank lines. It prunes `soup`: read everything else first."""
    captions = gallery_captions(soup)
    # Detached, not decomposed: the whole tree is garbage after extraction anyway, and decompose() walks
    # every node it removes.
    for skipped in soup.find_all(SKIP_TAGS):
        skipped.extract()
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    total = _paragraph_chars(soup.body or soup)
    for node in soup.find_all(_is_boilerplate_box):
        if _is_in(node, soup) and not _holds_the_article(node, total):
            node.extract()
    container = _main_container(soup)
    if container is None:
        return ""
    blocks = _blocks(container)
    blocks = _lead_outside(container, blocks) + blocks + _rest_outside(container)
    paragraphs = _clean_blocks(blocks, title)
    return "\n\n".join(_with_captions(paragraphs, captions))


def _is_in(node: Tag, soup: BeautifulSoup) -> bool:
    """Whether `node` is still in the page (not inside a box already taken out)."""
    while node.parent is not None:
        node = node.parent
    return node is soup


def _with_captions(paragraphs: list[str], captions: list[str]) -> list[str]:
    """A gallery's story: the paragraphs that are not captions (an intro), then every caption once. Only when
    the captions say more than the rest of the page: an article with a few captioned photos stays as it is."""
    if not captions:
        return paragraphs
    caption_keys = [letters(caption)[:60] for caption in captions]
    own = [p for p in paragraphs if not any(letters(p).startswith(key) for key in caption_keys)]
    if sum(map(len, own)) >= 0.5 * sum(map(len, captions)):
        return paragraphs
    return own + captions


def _is_boilerplate_box(tag: Tag) -> bool:
    if tag.name in ("html", "body") or tag.attrs is None:
        return False
    return _names_boilerplate(f"{attribute(tag, 'class')} {attribute(tag, 'id')}")


@lru_cache(maxsize=8192)
def _names_boilerplate(class_and_id: str) -> bool:
    """Cached: a page repeats the same few class names on thousands of elements."""
    return any(_is_boilerplate_word(word) for word in CLASS_WORD_SPLIT.split(class_and_id.lower()) if word)


def _is_boilerplate_word(word: str) -> bool:
    return (
        word in BOILERPLATE_CLASS_WORDS
        or word.startswith(COMPOUND_BOILERPLATE_WORDS)
        or word.endswith(COMPOUND_BOILERPLATE_WORDS)
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
    text = fold(node.get_text(" "))
    links = sum(len(fold(a.get_text(" "))) for a in node.find_all("a"))
    return len(text) >= 400 and links < 0.25 * len(text)


def _paragraph_chars(node: Tag) -> int:
    return sum(len(p.get_text()) for p in node.find_all("p"))


def _own_text(node: Tag) -> tuple[int, int]:
    """(characters, characters inside links) of the text directly in `node` and its inline children."""
    chars = links = 0
    for child in node.children:
        if isinstance(child, NavigableString):
            chars += len(fold(child))
        elif isinstance(child, Tag) and child.name not in BLOCK_TAGS:
            text = len(fold(child.get_text()))
            chars += text
            if child.name == "a":
                links += text
            else:
                links += sum(len(fold(a.get_text())) for a in child.find_all("a"))
    return chars, links


def _lead_before(node: Tag) -> str:
    """The non-link text run written directly before `node` in its parent, back to the previous block."""
    pieces = []
    for sibling in node.previous_siblings:
        if isinstance(sibling, Comment):
            continue
        if isinstance(sibling, NavigableString):
            pieces.append(str(sibling))
        elif isinstance(sibling, Tag) and sibling.name not in BLOCK_TAGS:
            pieces.append("" if sibling.name == "a" else sibling.get_text())
        else:
            break
    return fold(" ".join(pieces))


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
    widened: Tag | None = best
    for _ in range(3):
        if widened is None or widened.parent is None or widened.name == "body":
            break
        if widened.get("class") and any(
            sibling is not widened
            and sibling.get("class") == widened.get("class")
            and len(sibling.get_text(strip=True)) >= 100
            for sibling in widened.parent.find_all(widened.name, recursive=False)
        ):
            return widened.parent
        widened = widened.parent
    return best


_MIN_LEAD_CHARS = 60


def _lead_outside(container: Tag, blocks: list[Block]) -> list[Block]:
    """The paragraphs that open the story before the densest container: a styled intro, a lead cut off from
    the rest by an inline ad or a "Baca juga" box. Read from the container's earlier siblings (and its
    parent's, while only furniture stands between), back to the first heading, date line or short line.
    None when the container opens with a dateline ("Semarang (ANTARA) - "): the story starts there."""
    opening = next((b.text for b in blocks if not _is_furniture(b.text) and b.link_density <= 0.5), "")
    if not opening or DATELINE_LEAD.match(opening) or DATELINE_ONLY.match(opening):
        return []
    found: list[Block] = []
    node = container
    for _ in range(3):
        if node.parent is None or node.name in ("body", "html", "[document]"):
            break
        for sibling in node.previous_siblings:
            if not isinstance(sibling, Tag) or _is_picture_box(sibling):
                continue
            if sibling.name in HEADINGS or sibling.find(HEADINGS):
                return found
            sibling_blocks = _blocks(sibling)
            prose = [
                b
                for b in sibling_blocks
                if not _is_furniture(b.text) and b.link_density <= 0.5 and not _is_date_stamp(b.text)
            ]
            if not prose and any(_is_date_stamp(b.text) for b in sibling_blocks):
                return found
            if prose and max(len(b.text) for b in prose) < _MIN_LEAD_CHARS:
                return found
            if prose and not _repeats(prose, opening):
                found = sibling_blocks + found
        node = node.parent
    return found


def _rest_outside(container: Tag) -> list[Block]:
    """The parts of a long or paged article after the densest one, when a pager, an ad or a "read on" line
    splits them: later siblings of the container (and of its parent, while nothing else follows) that are
    prose and continue it: the part right after a pager, a <p>, a box named like the container. Stops at a
    link list, a date line, a credit, a short line or other prose: the end of the story."""
    found: list[Block] = []
    container_words = _class_words(container)
    paged = False
    node = container
    for _ in range(3):
        if node.parent is None or node.name in ("body", "html", "[document]"):
            break
        for sibling in node.next_siblings:
            if not isinstance(sibling, Tag) or _is_picture_box(sibling):
                continue
            sibling_blocks = _blocks(sibling)
            text = " ".join(b.text for b in sibling_blocks)
            if not text:
                continue
            if len(text) <= MAX_CONTINUATION_CHARS and CONTINUATION.search(text):
                paged = True
                continue
            prose = [b for b in sibling_blocks if not _is_furniture(b.text) and b.link_density <= 0.5]
            if not prose:
                if any(_is_date_stamp(b.text) or CREDIT_LINE.match(b.text) for b in sibling_blocks):
                    return found
                if sum(b.link_chars for b in sibling_blocks) > 0.5 * len(text):
                    return found
                continue
            continues = paged or sibling.name == "p" or bool(container_words & _class_words(sibling))
            if not continues or max(len(b.text) for b in prose) < _MIN_LEAD_CHARS:
                return found
            found += sibling_blocks
            paged = False  # a pager opens the one part after it
        node = node.parent
    return found


def _class_words(node: Tag) -> set[str]:
    return {word for word in CLASS_WORD_SPLIT.split(" ".join(node.get("class") or []).lower()) if word}


def _repeats(prose: list[Block], opening: str) -> bool:
    """A teaser that says again what the container's first paragraph says."""
    teaser, first = letters(prose[0].text)[:80], letters(opening)[:80]
    return teaser.startswith(first) or first.startswith(teaser)


def _blocks(container: Tag) -> list[Block]:
    """The container's text as a reader sees paragraphs: a break at each block element and each <br>."""
    blocks: list[Block] = []
    pieces: list[str] = []
    link_chars = 0

    def flush(heading: bool = False) -> None:
        nonlocal link_chars
        text = fold("".join(pieces))
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
                    link_chars += len(fold(child))
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                flush()
            elif child.name in BLOCK_TAGS:
                flush()
                if not _is_picture_box(child):
                    walk(child, in_link)
                flush(heading=child.name in HEADINGS)
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
    title_key = letters(title)
    for block in blocks:
        text = TRAILING_CREDIT.sub("", SYNDICATION_TAIL.sub("", block.text)).strip()
        if not text or _is_furniture(text) or block.link_density > 0.5:
            continue
        if not any(len(b.text) >= 100 for b in kept) and _is_date_stamp(text):
            continue  # the publication date printed above the article
        if letters(text) == title_key or (not kept and re.fullmatch(r"[\W\d_]*", text)):
            continue
        kept.append(Block(text, 0, block.heading))
    # A heading with no text after it (before the next heading) introduces a list we dropped.
    kept = [b for i, b in enumerate(kept) if not b.heading or (i + 1 < len(kept) and not kept[i + 1].heading)]
    paragraphs: list[str] = []
    pending_dateline = ""
    for block in kept:
        if not paragraphs and not pending_dateline and DATELINE_ONLY.match(block.text) and len(kept) > 1:
            pending_dateline = block.text + " "
            continue
        paragraphs.append(pending_dateline + block.text)
        pending_dateline = ""
    while paragraphs and AUTHOR_SIGNATURE.match(paragraphs[-1]):
        paragraphs.pop()
    return paragraphs


def _is_date_stamp(text: str) -> bool:
    """A short line that is a date and little else: "Kamis, 05 November 2015 | 11:13 WIB"."""
    if len(text) > 100 or find_date(text) is None:
        return False
    rest = STAMP_WORDS.sub(" ", text.lower())
    return len(re.sub(r"[\W\d_]+", "", rest)) <= 12


def _is_furniture(text: str) -> bool:
    if FURNITURE.match(text) or CREDIT_ONLY.match(text) or HASHTAGS_ONLY.match(text):
        return True
    if len(text) <= MAX_CREDIT_LINE_CHARS and CREDIT_LINE.match(text):
        return True
    if (len(text) < MAX_CAPTION_CHARS and PHOTO_CREDIT.search(text)) or PICTURE_SOURCE_ONLY.match(text):
        return True
    if len(text) < MAX_FOLLOW_US_CHARS and FOLLOW_US.search(text):
        return True
    return len(text) < 200 and bool(CONTAINS_FURNITURE.search(text))
