"""Snippets and titles with every inflected form of the query words marked, all other text HTML-escaped.

The stored text is re-analysed with the field's own analyser, so a token matches when its stem (or surface
form) is one of the query's terms: a search for "kebakaran" (stem "bakar") marks "dibakar" and "Kebakaran".
Re-analysis is the dominant cost of a results page, so only the shown page is highlighted and only the first
BODY_WINDOW characters of each body are read.

The output is what Whoosh's highlight() gives with ContextFragmenter (or WholeFragmenter for titles),
BasicFragmentScorer and MarkFormatter. For the Indonesian analyser the tokens come as plain tuples from
analysis.highlight_tokens and _context_fragments walks them as ContextFragmenter walks Token objects, quirks
included; a body with no matching token skips the walk. Whoosh's own scoring, ordering and formatting are
kept. Any other analyser goes through highlight() itself.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from html import escape
from itertools import accumulate, compress, repeat
from operator import mul, not_, or_, sub

from whoosh.analysis import Analyzer
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.highlight import (
    FIRST,
    BasicFragmentScorer,
    ContextFragmenter,
    Formatter,
    Fragment,
    WholeFragmenter,
    get_text,
    highlight,
    mkfrag,
    top_fragments,
)
from whoosh.query import AndNot, Not, Phrase, Query

from search.analysis import (
    CompoundTexts,
    IndonesianTokenizer,
    IndonesianWordFilter,
    highlight_tokens,
    raw_words,
    word_texts,
    word_tokens,
)

BODY_WINDOW = 4000
FRAGMENT_CHARS = 200
MAX_FRAGMENTS = 3
SEPARATOR = " … "
TEXT_FIELDS = ("title", "body")


_LEADING_PUNCTUATION = re.compile(r"^[\s,.;:!?)\]}…–—-]+")


def without_leading_punctuation(text: str) -> str:
    """A fragment cut mid-sentence must not open on the punctuation before its first word (", Jumat")."""
    return _LEADING_PUNCTUATION.sub("", text)


class MarkFormatter(Formatter):
    """Wraps each match in <mark> and escapes everything, matches included: "a<b kebakaran" with the match
    "kebakaran" gives "a&lt;b <mark>kebakaran</mark>"; no fragment starts on punctuation."""

    between = SEPARATOR

    def _text(self, text: str) -> str:
        return escape(text, quote=True)

    def format_fragment(self, fragment, replace: bool = False) -> str:
        return without_leading_punctuation(super().format_fragment(fragment, replace))

    def format_token(self, text: str, token, replace: bool = False) -> str:
        return f"<mark>{self._text(get_text(text, token, replace))}</mark>"


_FORMATTER = MarkFormatter()
# charlimit=None: no limit (whoosh's annotation says int; its code takes None)
_WHOLE = WholeFragmenter(charlimit=None)  # type: ignore[arg-type]
_CONTEXT = ContextFragmenter(
    maxchars=FRAGMENT_CHARS,
    surround=FRAGMENT_CHARS // 3,
    charlimit=None,  # type: ignore[arg-type]
)


def highlight_terms(query: Query) -> frozenset[str]:
    """The title and body terms a hit should show as matches; terms under a NOT are left out."""
    terms: set[str] = set()

    def walk(node: Query) -> None:
        if isinstance(node, Not):
            return
        if isinstance(node, AndNot):
            walk(node.a)
            return
        if node.is_leaf() or isinstance(node, Phrase):
            terms.update(
                text if isinstance(text, str) else text.decode("utf-8")
                for fieldname, text in node.terms(phrases=True)
                if fieldname in TEXT_FIELDS
            )
            return
        for child in node.children():
            walk(child)

    walk(query)
    return frozenset(terms)


_SCORER = BasicFragmentScorer()


class _Match:
    """A matched token as Whoosh's Fragment, scorer and formatter read it (they read no other attribute)."""

    __slots__ = ("boost", "endchar", "startchar", "text")

    def __init__(self, text: str, startchar: int, endchar: int) -> None:
        self.text = text
        self.startchar = startchar
        self.endchar = endchar
        self.boost = 1.0


def _is_indonesian(analyzer: Analyzer) -> bool:
    """True for IndonesianTokenizer() | IndonesianWordFilter(), whose tokens highlight_tokens gives."""
    return (
        isinstance(analyzer, CompositeAnalyzer)
        and len(analyzer.items) == 2
        and type(analyzer.items[0]) is IndonesianTokenizer
        and type(analyzer.items[1]) is IndonesianWordFilter
    )


def _context_fragments(
    text: str,
    words: list[str],
    bounds: list[int],
    termset: frozenset[str],
    maxchars: int = FRAGMENT_CHARS,
    surround: int = FRAGMENT_CHARS // 3,
) -> list[Fragment]:
    """ContextFragmenter(maxchars, surround, charlimit=None).fragment_tokens over the tokens of the raw
    `words` (as analysis.raw_words gives them), a token matching when its text is in `termset`: the same
    fragments, down to the empty ones it makes when a fragment ends with its countdown at exactly zero
    (they score 0 and are never shown).

    Outside a fragment ContextFragmenter only keeps `firsts`, the startchars of the tokens since the last
    fragment, each dropped from the left once it starts more than `surround` characters before the end of
    the latest token; a matching token then opens a fragment at firsts[0]. Token starts and ends never
    decrease, so firsts[0] is the start of the earliest token since the last fragment that starts at or after
    (the previous token's end - surround), which _fragment_start finds by walking back from the match.
    So between fragments nothing is walked: the walk jumps to the next word with a matching token.
    """
    texts = word_texts(words)
    matching = list(map(not_, map(termset.isdisjoint, texts)))  # a token of the word is in termset
    ahead = list(compress(range(len(words)), matching))
    fragments: list[Fragment] = []
    if not ahead:
        return fragments
    # Words walked token by token: those with a matching token and those whose tokens have own offsets
    # (compounds, and words with no token, which are compounds too). Every other word has one token or
    # more, all spanning the word.
    special = list(map(or_, matching, map(isinstance, texts, repeat(CompoundTexts))))
    specials = list(compress(range(len(words)), special))
    # weight[i]: the total length of the tokens of words 0 to i, a word's tokens each as long as the word
    weight = list(accumulate(map(mul, map(len, texts), map(sub, bounds[1::2], bounds[0::2]))))
    first: int | None = None
    countdown = -1
    tks: list[_Match] = []
    endchar = 0
    currentlen = 0
    since = (0, 0)  # (word, token in it) of the first token after the last fragment
    i = 0
    next_hit = 0  # index into `ahead`
    while i < len(words):
        if countdown < 0:  # between fragments: on to the next word with a matching token
            while next_hit < len(ahead) and ahead[next_hit] < i:
                next_hit += 1
            if next_hit == len(ahead):
                break  # no match ahead: nothing more is emitted
            i = ahead[next_hit]
        if not special[i]:
            # A run of words up to the next special one whose tokens all match nothing and span their
            # word: inside a fragment they only add their lengths to currentlen and take them from the
            # countdown until a token is too long for the fragment or the countdown runs out. The word
            # holding that token is found by bisection on the running total of token lengths.
            run_end = specials[bisect_right(specials, i)] if i < specials[-1] else len(words)
            before = weight[i - 1] if i else 0
            room = max(1, min(maxchars - currentlen + 1, countdown))
            stop = bisect_left(weight, before + room, i, run_end)
            if stop > i:
                consumed = weight[stop - 1] - before
                currentlen += consumed
                countdown -= consumed
                if consumed:
                    endchar = bounds[2 * bisect_left(weight, weight[stop - 1], i, stop) + 1]
                i = stop
                if i == run_end:
                    continue
        word_texts_i = texts[i]
        wordstart, wordend = bounds[2 * i], bounds[2 * i + 1]
        k = 0
        if not special[i]:
            # The word whose token k ends the fragment: too long from token k_long on, the countdown
            # run out from token k_countdown on.
            length = wordend - wordstart
            k_long = max(0, (maxchars - currentlen) // length)
            k_countdown = max(0, -(-countdown // length) - 1)
            k = min(k_long, k_countdown)
            countdown = -length if k_long <= k_countdown else countdown - (k + 1) * length
            endchar = wordend
            fragments.append(mkfrag(text, tks, startchar=first, endchar=wordend))
            tks = []
            since = (i, k + 1)
            first = None
            currentlen = 0
            k += 1  # the word's other tokens go through the loop below
        tokens = word_tokens(word_texts_i, wordstart, wordend)
        for k in range(k, len(tokens)):  # noqa: B020  # the loop goes on from the k above
            startchar, endchar, term = tokens[k]
            tlength = endchar - startchar
            matched = term in termset
            if countdown < 0 and not matched:
                pass  # ContextFragmenter adds it to firsts; _fragment_start reads it back when needed
            elif currentlen + tlength > maxchars:
                countdown = 0
            elif matched:
                countdown = surround
                if first is None:
                    first = _fragment_start(texts, bounds, (i, k), since, surround)
                    if first is None:
                        first = startchar
                        countdown += surround
                tks.append(_Match(term, startchar, endchar))
            if countdown >= 0:
                currentlen += tlength
                countdown -= tlength
                if countdown <= 0:
                    fragments.append(mkfrag(text, tks, startchar=first, endchar=endchar))
                    tks = []
                    since = (i, k + 1)
                    first = None
                    currentlen = 0
        i += 1
    if tks:
        fragments.append(mkfrag(text, tks, startchar=first, endchar=endchar))
    return fragments


def _fragment_start(
    texts: list[tuple[str, ...]],
    bounds: list[int],
    match: tuple[int, int],
    since: tuple[int, int],
    surround: int,
) -> int | None:
    """ContextFragmenter's firsts[0] when the token `match` (word, token in it) opens a fragment and the
    tokens from `since` to just before it were all walked outside a fragment; None when firsts is empty."""
    threshold = None
    found = None
    word, stop = match
    while True:
        tokens = word_tokens(texts[word], bounds[2 * word], bounds[2 * word + 1])
        low = since[1] if word == since[0] else 0
        for start, end, _ in reversed(tokens[low:stop]):
            if threshold is None:
                threshold = end - surround
            if start < threshold:
                return found  # starts never increase going back: no earlier token is in firsts
            found = start
        if word <= since[0]:
            return found
        word -= 1
        stop = len(texts[word])  # one text per token, a compound's too


def marked_title(title: str, terms: Iterable[str], analyzer: Analyzer) -> str:
    """The whole title as safe HTML, matches marked."""
    if _is_indonesian(analyzer):
        termset = frozenset(terms)
        matches = [
            _Match(term, start, end) for start, end, term in highlight_tokens(title) if term in termset
        ]
        best = top_fragments([Fragment(title, matches)], 1, _SCORER, FIRST, minscore=0)
        marked = _FORMATTER.format(best)
    else:
        marked = highlight(title, terms, analyzer, _WHOLE, _FORMATTER, top=1, minscore=0, mode="index")
    return marked or escape(title, quote=True)


def marked_snippet(body: str, terms: Iterable[str], analyzer: Analyzer) -> str:
    """One to three fragments of about FRAGMENT_CHARS characters around the matches, as safe HTML.

    A body with no match in its first BODY_WINDOW characters (a title-only match) gets its opening instead.
    """
    window = body[:BODY_WINDOW]
    if not terms:
        marked = ""
    elif _is_indonesian(analyzer):
        marked = _marked_window(window, frozenset(terms))
    else:
        marked = highlight(window, terms, analyzer, _CONTEXT, _FORMATTER, top=MAX_FRAGMENTS, mode="index")
    if marked:
        return marked
    return escape(opening(body), quote=True)


def _marked_window(window: str, termset: frozenset[str]) -> str:
    """What highlight(window, termset, indonesian analyser, _CONTEXT, _FORMATTER, top=MAX_FRAGMENTS) gives."""
    words, bounds = raw_words(window)
    fragments = _context_fragments(window, words, bounds, termset, _CONTEXT.maxchars, _CONTEXT.surround)
    return _FORMATTER.format(top_fragments(fragments, MAX_FRAGMENTS, _SCORER, FIRST, minscore=1))


def opening(text: str, limit: int = FRAGMENT_CHARS) -> str:
    """The first `limit` characters, cut at a word boundary, with an ellipsis when cut."""
    text = without_leading_punctuation(text)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut + " …"
