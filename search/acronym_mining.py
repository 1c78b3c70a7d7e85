"""Acronym definitions mined from the articles as an index is written (the write side of search/acronyms.py).

Indonesian news defines an acronym in running text, either way round: "operasi tangkap tangan (OTT)" and
"OTT (operasi tangkap tangan)", "ojek online (ojol)", "kebakaran hutan dan lahan (karhutla)". A candidate is
kept only when the acronym's letters fit the long form's words, in the manner of Schwartz and Hearst's
algorithm: read backwards, each letter of the acronym is found in order in the long form, its first letter
starts the long form's first word, and every content word of the long form gives at least one letter (so
syllable acronyms such as "karhutla" fit, and "Presiden Joko Widodo (Jokowi)" yields "joko widodo", not
"presiden joko widodo"). Each article counts a definition once; search/acronyms.py decides from the counts
which definitions to trust. An update adds its articles' counts to those stored with the index it copies
(an article it replaces counts again: a few more votes for a definition an article repeats).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from search.acronyms import TABLE_FILE, Definitions, encode
from search.analysis import stopwords
from search.article import Article

MAX_ACRONYM = 10  # letters; longer words in brackets are names or words, not acronyms
LONGEST_LONG_FORM = 10  # words

_WORD = re.compile(r"[^\W_][\w'’-]*")
# Text in brackets: one word ("long form (ACRONYM)") or words only ("ACRONYM (long form)").
_BRACKETED = re.compile(r"\(([^()]{2,120})\)")
_ONE_WORD = re.compile(rf"[^\W_]{{2,{MAX_ACRONYM}}}")
_WORDS_ONLY = re.compile(r"[\w'’ -]+")
_CLAUSE_END = re.compile(r".*[^\w\s'’-]", re.DOTALL)
LOOK_BACK = 160  # characters before the bracket where its long form may start


def looks_like_acronym(word: str) -> bool:
    """Two capitals or more ("KPK", "PMI", "DPRD"), or a lowercase or capitalised word of three letters or
    more ("ojol", "karhutla", "Kemenkes"); never a number or a stop word."""
    if word.isdigit() or word.lower() in stopwords() or not word[0].isalpha():
        return False
    capitals = sum(char.isupper() for char in word)
    return capitals >= 2 or (len(word) >= 3 and word[1:].islower())


def fitting_long_form(acronym: str, words: list[str]) -> list[str] | None:
    """The shortest tail of `words` whose letters fit `acronym` (see the module's header), or None."""
    letters = [char for char in acronym.lower() if char.isalnum()]
    text = " ".join(words).lower()
    word_of = [index for index, word in enumerate(words) for _ in range(len(word) + 1)]
    matched: set[int] = set()
    at = len(text) - 1
    for position in range(len(letters) - 1, -1, -1):
        first = position == 0
        while at >= 0 and (text[at] != letters[position] or (first and at > 0 and text[at - 1] != " ")):
            at -= 1
        if at < 0:
            return None
        matched.add(word_of[at])
        at -= 1
    start = word_of[at + 1]
    long_form = words[start:]
    content = [index for index in range(start, len(words)) if words[index].lower() not in stopwords()]
    if len(long_form) < 2 or len(long_form) > min(len(letters) + 5, 2 * len(letters)):
        return None
    if not all(index in matched for index in content):
        return None
    return long_form


def definitions_in(text: str) -> set[tuple[str, str]]:
    """The (acronym, long form) pairs `text` defines, both lowercase: "operasi tangkap tangan (OTT)" ->
    {("ott", "operasi tangkap tangan")}."""
    found: set[tuple[str, str]] = set()
    for match in _BRACKETED.finditer(text):
        before = _WORD.findall(_CLAUSE_END.sub("", text[max(0, match.start() - LOOK_BACK) : match.start()]))
        if not before:
            continue
        inside = match.group(1).strip()
        if _ONE_WORD.fullmatch(inside):
            acronym, long_form = inside, fitting_long_form(inside, before[-LONGEST_LONG_FORM:])
        elif _WORDS_ONLY.fullmatch(inside):
            acronym, words = before[-1], _WORD.findall(inside)
            long_form = words if fitting_long_form(acronym, words) == words else None
        else:
            continue
        if long_form and looks_like_acronym(acronym):
            found.add((acronym.lower(), " ".join(long_form).lower()))
    return found


class AcronymMiner:
    """Counts, over the articles of a build or update, how many define each acronym with each long form."""

    def __init__(self, earlier: Definitions | None = None) -> None:
        self.definitions: Definitions = {
            acronym: dict(long_forms) for acronym, long_forms in (earlier or {}).items()
        }

    def read(self, article: Article) -> None:
        for acronym, long_form in definitions_in(f"{article.title}.\n{article.body}"):
            long_forms = self.definitions.setdefault(acronym, {})
            long_forms[long_form] = long_forms.get(long_form, 0) + 1

    def reading(self, articles: Iterable[Article]) -> Iterable[Article]:
        """`articles`, each read on its way through."""
        for article in articles:
            self.read(article)
            yield article


def save_definitions(folder: Path, definitions: Definitions) -> None:
    """Write the counts into a Whoosh generation folder. Through a new file renamed over the old name: an
    update's folder holds hard links to the files of the generation that still serves."""
    partial = folder / f"{TABLE_FILE}.partial"
    partial.write_text(encode(definitions), encoding="utf-8")
    os.replace(partial, folder / TABLE_FILE)
