"""Text for the search index: normalising, tokenising, a light Cyrillic stemmer, FTS5 queries.

SQLite's ``unicode61`` tokenizer (``remove_diacritics 2``) folds case and Latin/Cyrillic
diacritics itself. Two things it does not do are done here, on the indexed text and on the
query alike, so that both sides always agree:

* NFKC, so that Arabic presentation forms and compatibility characters become ordinary letters;
* combining marks (Arabic harakat, which unicode61 would treat as word breaks) and the tatweel
  are removed, and the Arabic yeh and kaf are written as the Persian ones (ی, ک), which is what
  Persian, Dari, Pashto and Urdu keyboards type.

Queries are never passed to FTS5 as typed. They are split into words here and every word is
written as a quoted FTS5 string followed by ``*`` (a prefix query), so that ``"``, ``*``,
``NEAR``, ``OR``, ``-``, ``(`` or ``:`` in the input are only ever text.

Russian, Kazakh, Kyrgyz and Tajik inflect words by their endings ("передозировка",
"передозировки", "передозировкой"). A full stemmer per language is more than we need: a long
Cyrillic word loses a short ending (1 letter from 5-6 letter words, 2 from longer ones), then
any vowels left at its end, never going below 4 letters; the rest is matched as a prefix. So
"передозировки" searches "передозировк*", "шприцами" searches "шприц*", "налоксоном"
"налоксон*". The cost is a little over-matching on long words, which ranking absorbs.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

#: Words longer than this are cut (a prefix query of the first letters still finds them).
MAX_TOKEN = 40
#: Only the first words of a long query count: bounded work whatever an officer pastes.
MAX_TOKENS = 10
#: Shortest stem the Cyrillic rule leaves.
MIN_STEM = 4

_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_VOWELS = frozenset("аеёиоуыэюяйьъәөүұіӣӯ")
_ARABIC_FOLD = str.maketrans({"\u064a": "\u06cc", "\u0649": "\u06cc", "\u0643": "\u06a9",
                              "\u0640": None})


def normalise(text: str) -> str:
    """The form both the index and the queries are written in (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).translate(_ARABIC_FOLD)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def plain(markup: str) -> str:
    """Telegram HTML as the words an officer reads: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub(" ", markup))


def tokens(query: str) -> list[str]:
    """The distinct words of a query, in order, lower-case, at most ``MAX_TOKENS``."""
    out: list[str] = []
    for word in _WORD.findall(normalise(query).lower()):
        word = word[:MAX_TOKEN]
        if len(word) >= 2 and word not in out:
            out.append(word)
        if len(out) == MAX_TOKENS:
            break
    return out


def stem(word: str) -> str:
    """The prefix a word is searched by: the word itself, or a Cyrillic stem."""
    if len(word) < 5 or not _CYRILLIC.search(word):
        return word
    cut = word[: len(word) - (1 if len(word) <= 6 else 2)]
    while len(cut) > MIN_STEM and cut[-1] in _VOWELS:
        cut = cut[:-1]
    return cut if len(cut) >= MIN_STEM else word[:MIN_STEM]


def _term(word: str) -> str:
    return '"' + word.replace('"', '""') + '" *'


@dataclass(frozen=True)
class Query:
    """A query as typed, and the words it searches for."""

    text: str
    words: tuple[str, ...]

    @classmethod
    def parse(cls, text: str) -> Query:
        return cls(text, tuple(stem(w) for w in tokens(text)))

    @property
    def empty(self) -> bool:
        return not self.words

    def all_words(self) -> str:
        """FTS5: every word must match (as a prefix)."""
        return " AND ".join(_term(w) for w in self.words)

    def any_word(self) -> str:
        """FTS5: any word may match; bm25 ranks documents with more of them first."""
        return " OR ".join(_term(w) for w in self.words)
