"""Acronyms and their long forms: a query in one form also finds the articles that write only the other.

The index's writer counts the definitions the articles give ("operasi tangkap tangan (OTT)", see
search/acronym_mining.py) and stores the counts with the index version (Whoosh: TABLE_FILE in the
generation folder; OpenSearch: the index's `_meta`). Here they become a table: a definition given by at
least MIN_ARTICLES articles, and by DOMINANCE times as many as any other long form of that acronym (typos
and rival senses split the votes: "infeksi saluran pernapasan akut" 24, "... atas" 13), is trusted;
search/data/acronyms.txt then adds the ones the corpus gets wrong or too rarely and removes the ones it
should not have. An acronym that is also an everyday word (API, TIM, LIMA: Sastrawi's dictionary of root
words) expands only when typed in capitals, and its long form never adds it (a search for "asosiasi
pertekstilan indonesia" must not find every fire, "api"). A query's acronym becomes "acronym OR the long
form as a phrase", a long form typed in full becomes "long form OR acronym": `expand` rewrites the query
text before it is parsed and says what it did, so the answer can name it. Once parsed, `either_form` makes
each such pair count once: an article with both forms scores as the better of them, not their sum (which
would rank the articles that define an acronym above those about it), and an added long form counts as
one word, not as the several words of its phrase.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from whoosh.matching import DisjunctionMaxMatcher
from whoosh.query import DisjunctionMax, Or, Phrase, Query

Definitions = dict[str, dict[str, int]]  # acronym -> long form -> articles that define it so, all lowercase

TABLE_FILE = "acronyms.json"
CURATED_PATH = Path(__file__).with_name("data") / "acronyms.txt"
MIN_ARTICLES = 3  # a definition fewer articles give may be a one-off (a name's initials, a typo)
DOMINANCE = 1.5

# The pieces of a query: a quoted phrase, a field's word (title:x), an exclusion (-x, NOT x) or an operator
# are kept as typed; a plain word may be an acronym or part of a long form.
_PIECE = re.compile(r'"[^"]*"?|(?<!\S)-\S+|\bNOT\s+\S+|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE)\b|\S+:\S+|([\w-]+)')


@dataclass(frozen=True)
class Expansion:
    """One rewrite `expand` made: the words as typed and the other form searched with them."""

    typed: str
    added: str

    def to_json(self) -> dict:
        return {"typed": self.typed, "added": self.added}


def encode(definitions: Definitions) -> str:
    return json.dumps(definitions, ensure_ascii=False, sort_keys=True)


def decode(text: str | None) -> Definitions:
    """The definitions stored with an index; none for an index written before they were kept."""
    return json.loads(text) if text else {}


def trusted(definitions: Definitions) -> dict[str, str]:
    """acronym -> long form, for the definitions enough articles give and far more than any rival."""
    table = {}
    for acronym, long_forms in definitions.items():
        (long_form, count), *rivals = sorted(long_forms.items(), key=lambda item: (-item[1], item[0]))
        if count >= MIN_ARTICLES and all(count >= DOMINANCE * rival for _, rival in rivals):
            table[acronym] = long_form
    return table


@cache
def everyday_words() -> frozenset[str]:
    """Sastrawi's dictionary of Indonesian root words, which the stemmer loads anyway."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return frozenset(StemmerFactory().get_words())


@cache
def curated() -> tuple[dict[str, str], frozenset[str]]:
    """search/data/acronyms.txt: "acronym = long form" lines to add or correct, "-acronym" lines to drop."""
    added: dict[str, str] = {}
    removed: set[str] = set()
    for line in CURATED_PATH.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line.startswith("-"):
            removed.add(line[1:].strip())
        elif "=" in line:
            acronym, long_form = (part.strip() for part in line.split("=", 1))
            added[acronym] = " ".join(long_form.split())
    return added, frozenset(removed)


class AcronymTable:
    """The acronyms a query may use in either form, from an index's mined definitions and the curated file."""

    def __init__(self, definitions: Definitions) -> None:
        added, removed = curated()
        self.mined = trusted(definitions)
        self.long_form = {
            acronym: long_form
            for acronym, long_form in {**self.mined, **added}.items()
            if acronym not in removed
        }
        self._acronym_of = {
            long_form: acronym
            for acronym, long_form in self.long_form.items()
            if acronym not in everyday_words()
        }
        self._longest = max((len(long_form.split()) for long_form in self._acronym_of), default=0)

    def expand(self, text: str) -> tuple[str, list[Expansion]]:
        """`text` with each acronym as (acronym OR "long form") and each long form typed as a run of plain
        words as ("long form" OR acronym); quoted phrases, exclusions and field words stay as typed."""
        pieces = [(match.start(), match.end(), match.group(1)) for match in _PIECE.finditer(text)]
        rewritten: list[str] = []
        expansions: list[Expansion] = []
        done = 0
        at = 0
        while at < len(pieces):
            start, end, word = pieces[at]
            found = self._long_form_at(pieces, at)
            if found:
                last = at + found - 1
                typed = text[start : pieces[last][1]]
                acronym = self._acronym_of[" ".join(piece[2].lower() for piece in pieces[at : last + 1])]
                replacement = f'("{typed}" OR {acronym})'
                expansions.append(Expansion(typed, acronym))
                end, at = pieces[last][1], last + 1
            elif word and word.lower() in self.long_form and self._is_acronym(word):
                long_form = self.long_form[word.lower()]
                replacement = f'({word} OR "{long_form}")'
                expansions.append(Expansion(word, long_form))
                at += 1
            else:
                at += 1
                continue
            rewritten += [text[done:start], replacement]
            done = end
        return "".join([*rewritten, text[done:]]), expansions

    def _is_acronym(self, word: str) -> bool:
        """An everyday word stands for its acronym only when typed in capitals ("API", not "api")."""
        return word.isupper() or word.lower() not in everyday_words()

    def _long_form_at(self, pieces: list[tuple[int, int, str | None]], at: int) -> int:
        """How many plain words from `at` on spell a long form (the longest one), 0 when none does."""
        for length in range(min(self._longest, len(pieces) - at), 1, -1):
            run = pieces[at : at + length]
            if (
                all(word for _, _, word in run)
                and " ".join(str(word).lower() for _, _, word in run) in self._acronym_of
            ):
                return length
        return 0


class _BetterMatcher(DisjunctionMaxMatcher):
    """Whoosh's dis_max matcher (whoosh3 3.54.0) scores a document with the better of both sides even when
    one side is on another document; this one takes only the sides on the current document."""

    def score(self) -> float:
        here = self.id()
        return max(side.score() for side in (self.a, self.b) if side.is_active() and side.id() == here)


class BetterOf(DisjunctionMax):
    """Matches what any alternative matches, scored by the best alternative that matches."""

    def _matcher(self, subs, searcher, context):
        reader = searcher.reader()
        return self._tree_matcher(
            subs, _BetterMatcher, searcher, context, lambda sub: sub.estimate_size(reader)
        )


def either_form(query: Query, expansions: list[Expansion], stems: Callable[[str], list[str]]) -> Query:
    """`query` with each expanded acronym's "form OR other form" (an Or of its word's terms and its long
    form's phrases, as the parser flattens them) made the better of the two; a long form `expand` added is
    weighed as one word. `stems` analyses text into the words a parsed phrase holds."""
    long_forms: dict[tuple[str, ...], float] = {}
    for expansion in expansions:
        for text, added in ((expansion.typed, False), (expansion.added, True)):
            words = tuple(stems(text))
            if len(words) > 1:
                long_forms[words] = 1 / len(words) if added else 1.0

    def best_of_both(node: Query) -> Query:
        if not isinstance(node, Or):
            return node
        phrases = [child for child in node.subqueries if isinstance(child, Phrase)]
        others = [child for child in node.subqueries if not isinstance(child, Phrase)]
        if not others or not any(tuple(phrase.words) in long_forms for phrase in phrases):
            return node
        weighed = []
        for phrase in phrases:
            phrase = copy.copy(phrase)
            phrase.boost *= long_forms.get(tuple(phrase.words), 1.0)
            weighed.append(phrase)
        return BetterOf([Or(others), Or(weighed)])

    return query.accept(best_of_both)


def read_table_file(folder: Path) -> Definitions:
    """The definitions stored in a Whoosh generation folder (none in one written before they were kept)."""
    path = folder / TABLE_FILE
    return decode(path.read_text(encoding="utf-8")) if path.is_file() else {}
