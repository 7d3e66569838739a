"""Translation quality checks for ``content check``, over both gettext domains.

The course (``content``) and the interface (``messages``) are checked alike, for every
translated locale (or one, with ``--locale``):

* placeholders identical to the English (an error in ``messages``: a missing or unknown
  ``{name}`` breaks the message), tags identical (an error in ``messages``, where a broken
  tag makes Telegram refuse the whole message; the ``content`` loader already reports tag
  differences and markup errors there);
* length: a UI message longer than one Telegram message is an error; a button label (a short
  one-line English text) translated into more than ``LABEL_LIMIT`` characters is a warning
  (a phone shows about that much of a button); course texts have their limits checked when
  the catalogs are loaded;
* language: ``bot.course.langid`` (script, then fastText's lid.176 model) - a warning;
* digits: the locale's own digits (CLDR: Persian digits in fa, fa_AF and ps, Latin digits
  elsewhere) outside ``<code>``, so that a message never mixes digit systems - a warning;
* right to left: a number range written with a dash ("۰۷:۰۰–۲۱:۰۰") in a right-to-left
  translation shows as two reversed numbers - a warning that says how to write it;
* the glossary (``bot.course.glossary``) - warnings;
* an entry whose translation is the English text itself, not flagged ``fallback`` - a warning.

Nothing here runs when the bot starts: it is for ``content check`` (CI) and translators.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from bot.course import glossary as glossaries
from bot.course import langid, markup
from bot.course.problems import Problem
from bot.i18n import DIGITS, RTL_LOCALES, native_digits

FALLBACK = "fallback"
DRAFT = "draft"
LABEL_LIMIT = 40
TELEGRAM_MESSAGE = 4096
PLACEHOLDER = re.compile(r"\{(\w+)\}")
_CODE = re.compile(r"<code>.*?</code>|<pre>.*?</pre>|<a\s[^>]*>|\{\w+\}|/[a-z_]+\S*", re.S)
_RANGE = re.compile(r"[0-9۰-۹٠-٩][0-9۰-۹٠-٩:.]*\s?[–—-]\s?[0-9۰-۹٠-٩]")
_EASTERN = re.compile(r"[۰-۹٠-٩]")
_ASCII = re.compile(r"[0-9]")


@dataclass(frozen=True)
class Unit:
    """One translated string to check."""

    domain: str
    locale: str
    key: str  # the msgctxt (content) or the msgid (messages)
    source: str  # the English it translates (the matching plural form for plurals)
    string: str
    file: str
    line: int
    plural: bool = False


def message_units(locales_dir: Path, locale: str) -> tuple[list[Unit], list[Problem]]:
    """The translated, current entries of ``locale``'s messages.po."""
    po = Path(locales_dir) / locale / "LC_MESSAGES" / "messages.po"
    name = f"locales/{locale}/LC_MESSAGES/messages.po"
    if not po.is_file():
        return [], []
    try:
        with po.open("rb") as fh:
            catalog = read_po(fh, abort_invalid=True)
    except (PoFileError, OSError, ValueError) as exc:
        return [], [Problem(name, None, f"cannot read: {exc}")]
    units = []
    for m in catalog:
        if not m.id or m.fuzzy or FALLBACK in m.flags:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for i, string in enumerate(strings):
            if string:
                units.append(Unit("messages", locale, ids[0], ids[min(i, len(ids) - 1)],
                                  string, name, m.lineno or 0, len(ids) > 1))
    return units, []


def content_units(catalogs, course, locale: str) -> list[Unit]:
    """The current (served) translations of the course in ``locale``."""
    from bot.course.catalogs import State
    units = []
    for text in course.all_texts():
        state, entry = catalogs.state(locale, text)
        if state is State.TRANSLATED and entry is not None and not entry.fallback:
            units.append(Unit("content", locale, text.ctx, text.source, entry.string,
                              catalogs.files.get(locale, ""), entry.line))
    return units


def unit_problems(unit: Unit, glossary: glossaries.Glossary | None) -> Iterator[Problem]:
    def warn(message: str, severity: str = "warning") -> Problem:
        return Problem(unit.file, unit.line, f"{unit.key}: the {unit.locale} translation "
                       f"{message}", severity)  # type: ignore[arg-type]

    source, text = unit.source, unit.string
    if unit.domain == "messages":
        want, have = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(text))
        if unit.plural:
            want, have = want - {"n"}, have - {"n"}
        if want != have:
            yield warn(f"has placeholders {sorted(have)}, the English {sorted(want)}", "error")
        if sorted(markup.tags(text)) != sorted(markup.tags(source)):
            yield warn("has other tags than the English", "error")
        if len(text) > TELEGRAM_MESSAGE:
            yield warn(f"is longer than one Telegram message ({TELEGRAM_MESSAGE})", "error")
        if _is_label(source) and len(text) > LABEL_LIMIT:
            yield warn(f"is {len(text)} characters: a button shows about {LABEL_LIMIT}")
    if text.strip() == source.strip() and langid.letters(text):
        yield warn("is the English text: translate it, or flag it fallback")
        return
    for problem in langid.problems(unit.locale, text, source):
        yield warn(problem)
    yield from (warn(p) for p in digit_problems(unit.locale, text, source))
    if unit.locale in RTL_LOCALES and _RANGE.search(_CODE.sub(" ", text)):
        yield warn("writes a range with a dash, which shows as two reversed numbers right to "
                   "left: write it with words (از ۰۷:۰۰ تا ۲۱:۰۰)")
    if glossary is not None:
        yield from (warn(p) for p in glossary.problems(source, text))


def digit_problems(locale: str, text: str, source: str = "") -> list[str]:
    shown = _CODE.sub(" ", text)
    if native_digits(locale) == DIGITS["latn"]:
        return ["uses Eastern Arabic digits: this locale writes 0-9"] \
            if _EASTERN.search(shown) else []
    if _ASCII.search(shown):
        return [f"uses Latin digits: {locale} writes {native_digits(locale)} (Latin digits "
                "only inside <code>)"]
    return []


def _is_label(source: str) -> bool:
    return "\n" not in source and len(source) <= 30 and not markup.tags(source) and \
        not source.rstrip().endswith((".", ":", "?", "!"))


def check(locales_dir: Path, locales: Iterable[str], catalogs=None, course=None
          ) -> list[Problem]:
    """Every quality problem of ``locales`` (the glossaries included), both domains."""
    out: list[Problem] = []
    for locale in locales:
        glossary, found = glossaries.load(Path(locales_dir), locale)
        out += found
        units, found = message_units(Path(locales_dir), locale)
        out += found
        if catalogs is not None and course is not None:
            units += content_units(catalogs, course, locale)
        for unit in units:
            out += unit_problems(unit, glossary)
    return out


@dataclass(frozen=True)
class MessageCoverage:
    total: int
    translated: int
    draft: int
    stale: int
    missing: int
    fallback: int
    missing_ids: tuple[tuple[str, int], ...] = ()  # (msgid, line) missing or stale

    @property
    def percent(self) -> float:
        done = self.translated + self.fallback
        return 100.0 * done / self.total if self.total else 100.0


def message_coverage(locales_dir: Path, locale: str) -> MessageCoverage | None:
    """How much of the interface (messages.po) is translated in ``locale``."""
    po = Path(locales_dir) / locale / "LC_MESSAGES" / "messages.po"
    return po_coverage(po) if po.is_file() else None


def po_coverage(po: Path) -> MessageCoverage:
    """Translated, draft, stale (fuzzy), missing and fallback entries of one .po file."""
    with po.open("rb") as fh:
        catalog = read_po(fh)
    total = translated = draft = stale = missing = fallback = 0
    gaps = []
    for m in catalog:
        if not m.id:
            continue
        total += 1
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        if m.fuzzy:
            stale += 1
            gaps.append((ids[0], m.lineno or 0))
        elif FALLBACK in m.flags:
            fallback += 1
        elif all(strings):
            translated += 1
            draft += DRAFT in m.flags
        else:
            missing += 1
            gaps.append((ids[0], m.lineno or 0))
    return MessageCoverage(total, translated, draft, stale, missing, fallback, tuple(gaps))
