"""Text for the search index: normalising, tokenising, a light Cyrillic stemmer, FTS5 queries.

SQLite's ``unicode61`` tokenizer (``remove_diacritics 2``) folds case and Latin/Cyrillic
diacritics itself. Two things it does not do are done here, on the indexed text and on the
query alike, so that both sides always agree:

* NFKD, then every combining mark removed (Arabic harakat, which unicode61 would treat as
  word breaks; the hamza and madda of أ إ آ ئ ؤ ۀ; the accents of ё й ӣ ӯ ў ñ ň ş ç ä ö ü ž
  ý), then NFC: presentation forms and compatibility characters become ordinary letters;
* Arabic-script letters that people type for one another fold to one letter: ي ى ې ۍ ے ئ
  -> ی; ك ڪ -> ک; Pashto ګ -> گ; ه ہ ۀ ە ة ھ -> ه; Urdu ٹ ڈ ڑ -> Pashto ټ ډ ړ (the same
  sounds); ں -> ن; أ إ آ ٱ -> ا; ؤ -> و. The tatweel, ZERO WIDTH NON-JOINER (Persian
  "می‌شود" and "میشود" are the same word) and bidi controls are removed;
* Eastern Arabic (٠-٩) and Persian (۰-۹) digits are read as 0-9;
* the Kazakh, Kyrgyz, Tajik and Uzbek Cyrillic letters fold to the Russian letters that people
  without those keyboards type (қ -> к, ғ -> г, ң -> н, ө -> о, ү ұ -> у, ә -> а, і -> и, һ ҳ
  -> х, ҷ -> ч);
* an Uzbek officer may type in Cyrillic (the older alphabet, still common): in the ``uz``
  locale a Cyrillic query is transliterated to the official Latin alphabet first (``uz_latin``:
  ш -> sh, ч -> ch, қ -> q, ғ -> gʻ, ў -> oʻ, ҳ -> h, х -> x, е -> ye at the start of a word...);
* apostrophes inside a Latin word (Uzbek oʻ gʻ and the tutuq belgisi ʼ, typed as ʻ ʼ ’ ‘ '
  or `) are removed, so "koʻrsatma", "ko'rsatma" and "korsatma" are one word; Turkmen ň, ñ
  and n are one letter (accents go with the combining marks).

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
_VOWELS = frozenset("аеёиоуыэюяйьъәөүұіӣӯ")  # folded letters stay listed: stem() is public
_FOLDS = {
    # Arabic script (fa, fa_AF, ps, ur)
    "ی": "يىېۍےۓئ", "ک": "كڪ", "گ": "ګ", "ه": "ہۀەةھۂ", "ټ": "ٹ", "ډ": "ڈ", "ړ": "ڑ",
    "ن": "ں", "ا": "أإآٱ", "و": "ؤ",
    "0": "٠۰", "1": "١۱", "2": "٢۲", "3": "٣۳", "4": "٤۴", "5": "٥۵", "6": "٦۶",
    "7": "٧۷", "8": "٨۸", "9": "٩۹",
    # Cyrillic (kk, ky, tg, uz written in Cyrillic)
    "к": "қ", "г": "ғ", "н": "ң", "о": "ө", "у": "үұў", "а": "ә", "и": "іӣ", "х": "һҳ",
    "ч": "ҷ", "е": "ё",
}
_FOLD = str.maketrans(
    {v: k for k, vs in _FOLDS.items() for v in vs}
    | {v.upper(): k.upper() for k, vs in _FOLDS.items() for v in vs if v.upper() != v}
    | dict.fromkeys("\u0640\u200c\u200d\u200e\u200f\u061c\u2066\u2067\u2068\u2069"
                    "\u202a\u202b\u202c\u202d\u202e")
)
#: An apostrophe-like sign after a letter: Uzbek oʻ gʻ, the tutuq belgisi, typed any way.
_APOSTROPHE = re.compile(r"(?<=[^\W\d_])[ʻʼ’‘'`´ʹ]")


def normalise(text: str) -> str:
    """The form both the index and the queries are written in (see the module docstring)."""
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text)
                   if unicodedata.category(ch) != "Mn")
    text = unicodedata.normalize("NFC", text).translate(_FOLD)
    return _APOSTROPHE.sub("", text)


_UZ_LATIN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ё": "yo", "ж": "j", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "ts", "ч": "ch", "ш": "sh",
    "ъ": "ʼ", "ь": "", "э": "e", "ю": "yu", "я": "ya", "ў": "oʻ", "қ": "q", "ғ": "gʻ",
    "ҳ": "h", "ы": "i",
}
_UZ_E = re.compile(r"(?<![^\W\d_])[еЕ]")  # е at the start of a word is ye


def uz_latin(text: str) -> str:
    """Uzbek written in Cyrillic, in the official Latin alphabet (lower case)."""
    text = _UZ_E.sub("ye", text.lower())
    return "".join(_UZ_LATIN.get(ch, "e" if ch == "е" else ch) for ch in text)


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
    def parse(cls, text: str, locale: str | None = None) -> Query:
        """The words to search for; ``locale`` "uz" reads a Cyrillic query as Latin Uzbek."""
        typed = uz_latin(text) if locale == "uz" and _CYRILLIC.search(text) else text
        return cls(text, tuple(stem(w) for w in tokens(typed)))

    @property
    def empty(self) -> bool:
        return not self.words

    def all_words(self) -> str:
        """FTS5: every word must match (as a prefix)."""
        return " AND ".join(_term(w) for w in self.words)

    def any_word(self) -> str:
        """FTS5: any word may match; bm25 ranks documents with more of them first."""
        return " OR ".join(_term(w) for w in self.words)
