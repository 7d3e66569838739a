"""Per-language glossaries: ``locales/<locale>/glossary.yaml`` fixes the course's key terms.

    locale: kk
    status: draft            # draft until a native speaker with subject knowledge reviews it
    terms:
      - en: recovery position          # the English term as it appears in the source text
        term: қалпына келтіру қалпы    # the chosen term
        forms: [қалпына келтіру қалп]  # forms that count as the term (case-insensitive prefixes)
        avoid: []                      # wrong or discouraged renderings
        note: ...
        source: ""                     # a national or UN document in that language, if known

``content check`` warns (never fails) where a translation of a text that contains the English
term uses neither the term nor one of its forms, and where a translation uses an ``avoid``
word. Words are compared after the search normalisation (``bot.services.search_text``), so
spelling variants of one script (Arabic or Persian yeh, Kazakh or Russian letters, Uzbek
apostrophes) count as the same word, and each form is a prefix of a word: "передозировк"
matches "передозировка", "передозировки", "передозировкой".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.course.problems import Problem
from bot.services.search_text import normalise

FILE = "glossary.yaml"
_WORD = re.compile(r"[^\W_]+")
_TAG = re.compile(r"<[^>]*>|\{\w+\}")


@dataclass(frozen=True)
class Term:
    en: str
    term: str
    forms: tuple[str, ...]
    avoid: tuple[str, ...]
    note: str = ""
    source: str = ""

    def english_in(self, source: str) -> bool:
        """Does the English text use this term (a plural or possessive counts)?"""
        return bool(re.search(rf"(?<![\w-]){re.escape(self.en)}(?:s|es|'s)?(?![\w-])", source,
                              re.IGNORECASE))

    def used_in(self, translation: str) -> bool:
        return any(_contains(translation, form) for form in (self.term, *self.forms))

    def avoided_in(self, translation: str) -> str | None:
        return next((word for word in self.avoid if _contains(translation, word)), None)


@dataclass(frozen=True)
class Glossary:
    locale: str
    status: str
    terms: tuple[Term, ...]
    file: str

    def problems(self, source: str, translation: str) -> list[str]:
        """What a translation of ``source`` does against this glossary (warnings)."""
        out = []
        for term in self.terms:
            if term.english_in(source) and not term.used_in(translation):
                out.append(f"the English says '{term.en}': the glossary term is "
                           f"'{term.term}' (or a form of it: {', '.join(term.forms) or '-'})")
            avoided = term.avoided_in(translation)
            if avoided:
                out.append(f"uses '{avoided}', which the glossary says to avoid for "
                           f"'{term.en}': use '{term.term}'")
        return out


def _words(text: str) -> list[str]:
    return _WORD.findall(normalise(_TAG.sub(" ", text)).lower())


def _contains(text: str, phrase: str) -> bool:
    """``phrase``'s words appear in ``text`` in order, each as the prefix of a word."""
    want, words = _words(phrase), _words(text)
    if not want:
        return False
    return any(all(words[i + k].startswith(w) for k, w in enumerate(want))
               for i in range(len(words) - len(want) + 1))


def load(locales_dir: Path, locale: str, name: str | None = None
         ) -> tuple[Glossary | None, list[Problem]]:
    """The glossary of ``locale`` (None when it has none), and what is wrong with the file."""
    path = Path(locales_dir) / locale / FILE
    name = name or f"locales/{locale}/{FILE}"
    if not path.is_file():
        return None, []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return None, [Problem(name, None, f"cannot read the glossary: {exc}")]
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        return None, [Problem(name, None, "a glossary is a mapping with locale, status and a "
                              "list of terms")]
    if data.get("locale") != locale:
        problems.append(Problem(name, None, f"locale is {data.get('locale')!r}, the folder "
                                f"says {locale!r}"))
    if data.get("status") not in ("draft", "reviewed"):
        problems.append(Problem(name, None, "status must be draft or reviewed"))
    terms = []
    for i, raw in enumerate(data["terms"], start=1):
        if not isinstance(raw, dict) or not all(isinstance(raw.get(k), str) and raw.get(k)
                                                for k in ("en", "term")):
            problems.append(Problem(name, None, f"term {i}: needs en and term (text)"))
            continue
        lists = {}
        for key in ("forms", "avoid"):
            value = raw.get(key) or []
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append(Problem(name, None, f"term {i} ({raw['en']}): {key} must be "
                                        "a list of words"))
                value = []
            lists[key] = tuple(value)
        unknown = set(raw) - {"en", "term", "forms", "avoid", "note", "source"}
        if unknown:
            problems.append(Problem(name, None, f"term {i} ({raw['en']}): unknown keys "
                                    f"{', '.join(sorted(unknown))}"))
        terms.append(Term(raw["en"], raw["term"], lists["forms"], lists["avoid"],
                          str(raw.get("note") or ""), str(raw.get("source") or "")))
    return Glossary(locale, str(data.get("status")), tuple(terms), name), problems
