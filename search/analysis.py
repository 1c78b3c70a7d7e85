"""Indonesian text analysis shared by the index and the query parser.

The pipeline is ``IndonesianTokenizer() | IndonesianWordFilter()``:

1. The tokenizer finds words with one regular expression: hyphenated words stay whole ("anak-anak"),
   apostrophes stay inside words ("Jum'at"), digit groups stay whole ("9/4/2019", "2.500", "Rp10.000"),
   dotted abbreviations stay whole ("A.M."). Before matching it repairs UTF-8 text that was decoded as Mac
   Roman ("‚Äú" -> "“", "¬†" -> no-break space, "Nestl√©" -> "Nestlé"), as found in the click-id bodies
   (search/text.py), padding each repair with zero-width spaces so every character offset still points
   into the stored text.
2. The filter turns each word into index terms through a per-process cache keyed by the raw word, so the
   work below runs once per distinct word: Unicode normalisation (NFKD with accents dropped, so
   "Nestlé" = "nestle"; zero-width characters, apostrophes and underscores removed; lower case), the
   curated stop-word list (search/data/stopwords.txt: function words only), Sastrawi stemming (itself
   cached, bounded, and persistable with save_stem_cache/load_stem_cache), and hyphen handling: Sastrawi
   resolves reduplication ("berbalas-balasan" -> balas); an exact reduplication it cannot resolve
   ("sabu-sabu") is stemmed through its half; any other compound ("kedutaan-semua", "covid-19") is split
   into its parts, each at its own position.

Damaged names. Sastrawi maps Bekasi -> bekas, Bali -> bal, berikan -> ikan, penyelidikan -> lidi. Rather
than a list of protected words (which cannot know tomorrow's names and would have to come from corpus
statistics), every word whose normalised surface form differs from its stem is indexed twice at the same
position: the stem ("bekas") and the surface form ("bekasi"). A query word goes through the same path and
becomes Or(stem, surface) (the fields use multitoken_query="or"), so "bekasi" finds every inflection of the
stem but ranks articles that contain the exact word above those that only share the stem; the same holds
for any word, named in a test or not, and for lowercase queries. It also keeps apart what Sastrawi merges
in ordinary words (pemerintah/perintah). The cost is more postings, a slower build and a larger index (see
"Measured" in the README). No cheaper subset keeps the guarantee: the damage comes from every affix
(Bekasi -i, perbankan -kan, Maluku -ku, Pemalang pe-, Kediri ke-, penyelidikan pe-...-kan).

Phrases. Whoosh analyses a quoted phrase with ``field.tokenize(text, mode="query")`` and expects one term
per position; the surface terms would break that. In query mode the filter therefore yields the stem only,
and IndonesianText.process_text, which the parser uses for single query words, asks for the surface
alternates explicitly (``alternates=True``). So "kebakaran hutan" as a phrase is Phrase([bakar, hutan]):
it matches "kebakaran hutan" and "pembakaran hutan", never "hutan kebakaran". Stop words are removed with
positions renumbered, so a phrase containing a stop word still matches.

Highlighting re-analyses stored text in index mode: stem and surface tokens carry the same startchar and
endchar, so "dibakar" and "Kebakaran" are marked for a query "kebakaran".

Spelling. The filter is not marked is_morph (Whoosh's no_morph mode would skip normalisation along with
stemming), so no separate spell_ field is written: the field is its own spelling field, and its lexicon
already holds every surface form next to the stems. search/query.py suggests a correction for a rare query
word by walking each segment's term automaton over that lexicon for words one or two edits away
(``terms_within``) and choosing a far more frequent one.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import accumulate, islice
from pathlib import Path
from typing import Any

from whoosh.analysis import Filter, Token, Tokenizer
from whoosh.fields import TEXT

from search.text import repair_mojibake

# Bump whenever the terms produced for some text change: indexes record it and refuse a mismatch.
ANALYZER_VERSION = "2"

STOPWORDS_PATH = Path(__file__).with_name("data") / "stopwords.txt"

# Distinct words in the 22,922 click-id articles: 98k normalised, 139k raw spellings (case, mojibake);
# both caches together then hold 27 MiB.
STEM_CACHE_SIZE = 250_000
WORD_CACHE_SIZE = 400_000
# Raw words whose token texts highlighting keeps (word_texts): the words of the pages shown, not the corpus.
TEXTS_CACHE_SIZE = 100_000
# Longer "words" are junk (glued text, URLs without dots): indexed as written, never given to Sastrawi.
LONGEST_STEMMED_WORD = 40

_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# A word: runs of word characters (invisible characters allowed inside) joined by an apostrophe, a hyphen,
# one of . , / : between digits, or a dot between single characters (the abbreviation A.M, U.S.A).
# The lookahead on the joiner characters first is only for speed: most words end at a space.
_WORD_RE = re.compile(
    rf"\w[\w{_INVISIBLE}]*"
    rf"(?:(?=[-'’`.,/:])(?:['’`][{_INVISIBLE}]*|-|(?<=\d)[.,/:]|(?<=\b\w)\.(?=\w\b))(?=\w)[\w{_INVISIBLE}]+)*"
)


# --- Normalisation and stop words ------------------------------------------------------------------

_DROP_CHARS = dict.fromkeys(map(ord, _INVISIBLE + "'’`_"), None)


def normalise_word(raw: str) -> str:
    """The comparable form of a raw token: "Jum'at" -> "jumat", "Nestlé" -> "nestle", "A.M." -> "am",
    "09/04/2019" -> "9/4/2019"."""
    word = raw.translate(_DROP_CHARS)
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word)
        word = unicodedata.normalize("NFC", "".join(c for c in word if not unicodedata.combining(c)))
    word = word.lower()
    if "." in word and not any(c.isdigit() for c in word):
        word = word.replace(".", "")
    if "/" in word:
        word = "/".join(part.lstrip("0") or "0" for part in word.split("/"))
    return word


def read_word_list(path: Path) -> frozenset[str]:
    """One word a line; blank lines and lines starting with # are skipped."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(line for line in lines if line and not line.startswith("#"))


@cache
def stopwords() -> frozenset[str]:
    """The curated function words that are not indexed (see the header of search/data/stopwords.txt)."""
    return read_word_list(STOPWORDS_PATH)


# --- Bounded caches and stemming ---------------------------------------------------------------------


class BoundedCache(dict):
    """A dict that forgets its oldest quarter when it reaches `maxsize` entries.

    Reads are plain dict lookups (the hot path of the filter); only inserts pay for the bound.
    """

    def __init__(self, maxsize: int) -> None:
        super().__init__()
        self.maxsize = maxsize

    def put(self, key: str, value: Any) -> None:
        if len(self) >= self.maxsize:
            for old in list(islice(iter(self), max(1, self.maxsize // 4))):
                self.pop(old, None)
        self[key] = value


_STEMS = BoundedCache(STEM_CACHE_SIZE)  # normalised word -> Sastrawi stem
_WORDS = BoundedCache(WORD_CACHE_SIZE)  # raw token -> terms (see analyse_word)


@cache
def _sastrawi():
    """The Sastrawi stemmer, created on first use and never stored on a filter (it would be pickled into
    every index's .toc with its whole dictionary)."""
    from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
    from Sastrawi.Stemmer.Stemmer import Stemmer
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return Stemmer(ArrayDictionary(StemmerFactory().get_words()))


def stem(word: str) -> str:
    """Sastrawi's stem of one normalised word, computed once per process (or loaded from a cache file)."""
    stemmed = _STEMS.get(word)
    if stemmed is None:
        stemmed = _sastrawi().stem_word(word) or word
        _STEMS.put(word, stemmed)
    return stemmed


def stem_cache_tag() -> str:
    """What a stem-cache file must have been written by: this analyser and this Sastrawi release."""
    from importlib.metadata import version

    return f"analyzer {ANALYZER_VERSION}, PySastrawi {version('PySastrawi')}"


def save_stem_cache(path: str | os.PathLike[str]) -> int:
    """Write the stems computed so far to `path` (JSON, written atomically); returns how many."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"tag": stem_cache_tag(), "stems": dict(_STEMS)}, ensure_ascii=False))
    tmp.replace(path)
    return len(_STEMS)


def load_stem_cache(path: str | os.PathLike[str]) -> int:
    """Prime the stem cache from a file written by save_stem_cache; returns how many stems were loaded.

    A missing, unreadable or stale file (other analyser or Sastrawi version) loads nothing: the stems are
    then computed again, never taken from a different stemmer.
    """
    try:
        saved = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0
    if not isinstance(saved, dict) or saved.get("tag") != stem_cache_tag():
        return 0
    stems = saved.get("stems")
    if not isinstance(stems, dict):
        return 0
    loaded = 0
    for word, stemmed in islice(stems.items(), STEM_CACHE_SIZE - len(_STEMS)):
        if isinstance(word, str) and isinstance(stemmed, str):
            _STEMS[word] = stemmed
            loaded += 1
    return loaded


def clear_caches() -> None:
    """Forget every cached word and stem (tests, benchmarks)."""
    _STEMS.clear()
    _WORDS.clear()
    _TEXTS.clear()


def cache_sizes() -> dict[str, int]:
    """How many stems and raw words this process has cached."""
    return {"stems": len(_STEMS), "words": len(_WORDS)}


def cached_stems() -> dict[str, str]:
    """A copy of the stem cache: normalised word -> Sastrawi stem."""
    return dict(_STEMS)


# --- What one raw word becomes -------------------------------------------------------------------------


class StopWord(str):
    """A stop word's normalised text: yielded as a stopped token only when stop words are kept."""

    __slots__ = ()


# A position's terms: a str, or a tuple whose first item is the stem and the rest the exact forms that
# are also indexed at that position ("bekas", "bekasi"), or a StopWord.
Terms = str | tuple[str, ...]


def _single_word_terms(word: str) -> Terms:
    if word in stopwords():
        return StopWord(word)
    if not (word.isascii() and word.isalpha()) or len(word) > LONGEST_STEMMED_WORD:
        return word  # numbers, codes such as pm10, non-Latin scripts, junk: kept as written
    stemmed = stem(word)
    return stemmed if stemmed == word else (stemmed, word)


def analyse_word(raw: str) -> Terms | list[tuple[int, int, Terms]]:
    """The terms of one raw token, cached: "Kebakaran" -> ("bakar", "kebakaran"); "hutan" -> "hutan";
    "dan" -> StopWord("dan"); "covid-19" -> [(0, 5, ("covid", "covid-19")), (6, 8, "19")] (one entry per
    position with offsets inside the token, the whole compound kept as an exact form of the first part);
    "___" -> [] (nothing)."""
    terms = _WORDS.get(raw)
    if terms is None:
        terms = _analyse_uncached(raw)
        _WORDS.put(raw, terms)
    return terms


def _analyse_uncached(raw: str) -> Terms | list[tuple[int, int, Terms]]:
    word = normalise_word(raw)
    if not word:
        return []
    if "-" not in word:
        return _single_word_terms(word)
    if word in stopwords():
        return StopWord(word)
    parts = word.split("-")
    if word.replace("-", "").isalpha() and word.isascii():
        stemmed = stem(word)
        if stemmed == word and len(set(parts)) == 1:
            stemmed = stem(parts[0])  # an exact reduplication Sastrawi leaves alone: sabu-sabu -> sabu
        if stemmed != word and "-" not in stemmed:
            return (stemmed, word)
    raw_parts = raw.split("-")
    if len(raw_parts) != len(parts):
        return word  # normalisation changed the hyphens: keep the token whole
    slots: list[tuple[int, int, Terms]] = []
    start = 0
    for part in raw_parts:
        part_terms = analyse_word(part)
        if not isinstance(part_terms, list):  # a list here is empty: "___" indexes nothing
            slots.append((start, start + len(part), part_terms))
        start += len(part) + 1
    for i, (part_start, part_end, part_terms) in enumerate(slots):
        if not isinstance(part_terms, StopWord):
            exact = part_terms if isinstance(part_terms, tuple) else (part_terms,)
            slots[i] = (part_start, part_end, (*exact, word))
            break
    return slots


# --- Whoosh components ----------------------------------------------------------------------------------


class IndonesianTokenizer(Tokenizer):
    """Finds the words of Indonesian news text, mojibake repaired, offsets into the text as given.

    "Anak-anak KPK, Jum'at (9/4/2019) ‚ÄúBekasi‚Äù" yields the raw tokens
    "Anak-anak" (0-9), "KPK" (10-13), "Jum'at" (15-21), "9/4/2019" (23-31), "Bekasi" (36-42).
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        pos = start_pos
        if not tokenize:
            t.text = value.strip()
            if keeporiginal:
                t.original = t.text  # type: ignore[attr-defined]  # whoosh tokens take attributes freely
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
        elif chars or keeporiginal:
            for match in _WORD_RE.finditer(repair_mojibake(value, keep_offsets=True)):
                t.text = match.group()
                if keeporiginal:
                    t.original = t.text  # type: ignore[attr-defined]
                if positions:
                    t.pos = pos
                    pos += 1
                if chars:
                    t.startchar = start_char + match.start()
                    t.endchar = start_char + match.end()
                yield t
        else:  # the indexing path: findall skips building match objects
            for text in _WORD_RE.findall(repair_mojibake(value, keep_offsets=True)):
                t.text = text
                t.pos = pos
                pos += 1
                yield t


class IndonesianWordFilter(Filter):
    """Replaces each raw word with its index terms: stop words dropped, Sastrawi stems, exact forms.

    Index mode (and highlighting): "Kebakaran di Bekasi, anak-anak" yields
    "bakar" and "kebakaran" at position 0, "bekas" and "bekasi" at 1, "anak" and "anak-anak" at 2
    ("di" is a stop word; positions are renumbered without it).
    Query mode yields the stems only ("bakar", "bekas", "anak": phrase-safe) unless the caller passes
    alternates=True, as IndonesianText.process_text does for single query words.
    With removestops=False a stop word comes through as a token with stopped=True.
    """

    def __call__(self, tokens: Iterable[Token]) -> Iterator[Token]:  # type: ignore[override]  # as Filter
        lookup = _WORDS.get
        pos = alternates = None
        for t in tokens:
            if pos is None:
                pos = t.pos if t.positions else 0
                alternates = getattr(t, "alternates", None)
                if alternates is None:
                    alternates = t.mode != "query"
            terms: Any = lookup(t.text)  # str, tuple, StopWord or parts: dispatched on the class below
            if terms is None:
                terms = analyse_word(t.text)
            cls = terms.__class__
            if cls is str:
                t.text = terms
                t.pos = pos
                pos += 1
                yield t
            elif cls is tuple:
                t.pos = pos
                pos += 1
                if alternates:
                    for term in terms:
                        t.text = term
                        yield t
                else:
                    t.text = terms[0]
                    yield t
            elif cls is StopWord:
                if not t.removestops:
                    t.text = str(terms)
                    t.stopped = True
                    yield t
                    t.stopped = False
            else:
                base = t.startchar if t.chars else 0
                for start, end, part in terms:
                    if t.chars:
                        t.startchar, t.endchar = base + start, base + end
                    if part.__class__ is StopWord:
                        if not t.removestops:
                            t.text = str(part)
                            t.stopped = True
                            yield t
                            t.stopped = False
                        continue
                    t.pos = pos
                    pos += 1
                    for term in part if part.__class__ is tuple else (part,):
                        t.text = term
                        yield t
                        if not alternates:
                            break


# --- The same tokens for highlighting, without Token objects -----------------------------------------

# The word pattern as one group: _WORD_SPLIT.split(text) alternates gaps and words, so every word's offsets
# follow from the lengths alone (raw_words), with no match object per word.
_WORD_SPLIT = re.compile(f"({_WORD_RE.pattern})")


def raw_words(text: str) -> tuple[list[str], list[int]]:
    """The tokenizer's raw words of `text` and their bounds: word i spans bounds[2*i] to bounds[2*i + 1].
    "Anak-anak KPK" -> (["Anak-anak", "KPK"], [0, 9, 10, 13, 13])."""
    parts = _WORD_SPLIT.split(repair_mojibake(text, keep_offsets=True))
    return parts[1::2], list(accumulate(map(len, parts)))


class CompoundTexts(tuple):
    """The token texts of a word split into parts ("covid-19": "covid", "covid-19", "19"), with `spans`:
    (start, end, text) of each token, offsets inside the word ((0, 5, "covid"), (0, 5, "covid-19"),
    (6, 8, "19"))."""

    spans: tuple[tuple[int, int, str], ...]


def _texts_uncached(raw: str) -> tuple[str, ...]:
    terms: Any = analyse_word(raw)
    cls = terms.__class__
    if cls is tuple:
        return terms
    if cls is not list:  # a str or a StopWord
        return (str(terms),)
    spans = tuple(
        (start, end, term)
        for start, end, part in terms
        for term in (part if part.__class__ is tuple else (str(part),))
    )
    texts = CompoundTexts(term for _, _, term in spans)
    texts.spans = spans
    return texts


# raw word -> the texts of its tokens (see word_texts); shares its strings and tuples with _WORDS.
_TEXTS = BoundedCache(TEXTS_CACHE_SIZE)


def word_texts(words: list[str]) -> list[tuple[str, ...]]:
    """For each raw word, the texts of the tokens IndonesianWordFilter yields for it in index mode with stop
    words kept, in order: "Kebakaran" -> ("bakar", "kebakaran"), "dan" -> ("dan",), "___" -> (). All tokens
    of a word share its offsets except in a CompoundTexts, which has its own. Cached (bounded); a list of
    tuples so that `frozenset.isdisjoint` can test every word at C speed."""
    texts: list[Any] = list(map(_TEXTS.get, words))
    if None in texts:
        for i, raw in enumerate(words):
            if texts[i] is None:
                texts[i] = found = _texts_uncached(raw)
                _TEXTS.put(raw, found)
    return texts


def highlight_tokens(text: str) -> list[tuple[int, int, str]]:
    """Every token the analyser yields for `text` in index mode with stop words kept (how highlighting
    reads stored text), as (startchar, endchar, text), in the same order: the same as
    ``[(t.startchar, t.endchar, t.text) for t in indonesian_analyzer()(text, chars=True, mode="index",
    removestops=False)]`` without a Token and two generators per word.
    "Kebakaran di anak-anak" -> [(0, 9, "bakar"), (0, 9, "kebakaran"), (10, 12, "di"), (13, 22, "anak"),
    (13, 22, "anak-anak")]."""
    words, bounds = raw_words(text)
    tokens: list[tuple[int, int, str]] = []
    for i, texts in enumerate(word_texts(words)):
        tokens += word_tokens(texts, bounds[2 * i], bounds[2 * i + 1])
    return tokens


def word_tokens(texts: tuple[str, ...], start: int, end: int) -> list[tuple[int, int, str]]:
    """The tokens (startchar, endchar, text) of one raw word at `start`-`end` whose token texts are `texts`
    (word_texts): each spans the word, except a compound's, which have their own offsets."""
    if texts.__class__ is CompoundTexts:
        return [(start + s, start + e, term) for s, e, term in texts.spans]
    return [(start, end, term) for term in texts]


def indonesian_analyzer():
    """The analyser of the title and body fields (a whoosh CompositeAnalyzer; picklable, holds no data)."""
    return IndonesianTokenizer() | IndonesianWordFilter()


class IndonesianText(TEXT):
    """A TEXT field whose single query words also match their exact form: the query parser's word "bekasi"
    becomes the terms ["bekas", "bekasi"] (joined by multitoken_query="or"), while a phrase, which Whoosh
    analyses through tokenize(), keeps one term per position."""

    def process_text(self, qstring: str, mode: str = "", **kwargs: Any) -> Iterator[str]:
        if mode == "query":
            kwargs.setdefault("alternates", True)
        return super().process_text(qstring, mode=mode, **kwargs)


def text_field(*, stored: bool = True, field_boost: float = 1.0) -> TEXT:
    """The title/body field: positions for phrases, Or of stem and exact form for a query word, and
    spelling suggestions read from the field's own lexicon (it holds the surface forms)."""
    return IndonesianText(
        analyzer=indonesian_analyzer(),
        phrase=True,
        stored=stored,
        field_boost=field_boost,
        multitoken_query="or",
        spelling=True,
    )


def index_terms(text: str) -> list[str]:
    """What the index stores for `text`, one line per position: the stem, then after "|" the exact forms
    stored at the same position. "Kebakaran di Bekasi" -> ["bakar | kebakaran", "bekas | bekasi"]."""
    lines: list[str] = []
    last_pos = None
    for t in indonesian_analyzer()(text, positions=True, mode="index"):
        if t.pos == last_pos:
            lines[-1] += f" | {t.text}"
        else:
            lines.append(t.text)
            last_pos = t.pos
    return lines
