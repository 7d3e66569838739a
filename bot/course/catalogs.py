"""Translations of the course: ``locales/<locale>/LC_MESSAGES/content.po``, keyed by context.

A translation is served only when an entry has the text's msgctxt AND exactly its current
English msgid, a non-empty msgstr, no ``fuzzy`` flag, and passes the same markup and length
checks as the English. When the English changes, the old translation no longer matches: it
is counted as stale and the officer sees the English, marked as a fallback, until a
translator updates it. Machine drafts carry the custom ``draft`` flag (``#, draft``) until a
reviewer removes it; they are served, and counted.

An entry flagged ``fallback`` (``#, fallback``, msgstr empty) says the English is meant to be
shown in that locale (a drug name, an acronym, a keyword list that is English on purpose): it
counts as done, never as missing, and the officer sees the English with no "not yet
translated" note. Like a translation, the flag holds only while the English is unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from babel.messages.pofile import PoFileError, read_po

from bot.course import markup
from bot.course.model import Course, Text
from bot.course.problems import Problem
from bot.course.reader import LIMITS, labelled, relative_name, text_problems

DOMAIN = "content"
DRAFT = "draft"
FALLBACK = "fallback"


class State(Enum):
    TRANSLATED = "translated"
    STALE = "stale"  # an entry for the context, but fuzzy or for older English
    INVALID = "invalid"  # current, but breaks the markup or length rules: treated as missing
    MISSING = "missing"
    FALLBACK = "fallback"  # flagged: the English is meant to be shown


@dataclass(frozen=True)
class Coverage:
    total: int
    translated: int  # served (drafts included)
    draft: int  # translated, but machine-drafted and not yet reviewed
    stale: int
    missing: int  # no usable translation (invalid ones included)
    fallback: int = 0  # flagged to show the English on purpose: done, not missing

    @property
    def percent(self) -> float:
        """Done: translated, or deliberately English."""
        done = self.translated + self.fallback
        return 100.0 * done / self.total if self.total else 100.0


@dataclass(frozen=True)
class Entry:
    """One .po entry with a translation."""

    msgid: str
    string: str
    fuzzy: bool
    draft: bool
    line: int
    problems: tuple[str, ...]  # markup/length problems of the translation
    fallback: bool = False  # flagged: show the English on purpose


class ContentCatalogs:
    def __init__(self, source_locale: str = "en") -> None:
        self.source_locale = source_locale
        self.entries: dict[str, dict[str, list[Entry]]] = {}  # locale -> msgctxt -> entries
        self.files: dict[str, str] = {}  # locale -> its .po as problems name it
        self.load_problems: list[Problem] = []

    @classmethod
    def load(cls, locales_dir: Path, locales: Iterable[str], source_locale: str = "en"
             ) -> ContentCatalogs:
        """Read every locale's content.po; a missing file means no translations."""
        catalogs = cls(source_locale)
        for locale in locales:
            po = Path(locales_dir) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
            name = relative_name(po, Path(locales_dir).parent)
            catalogs.files[locale] = name
            if locale != source_locale and po.is_file():
                catalogs.entries[locale] = catalogs._read(po, name)
        return catalogs

    def _read(self, po: Path, name: str) -> dict[str, list[Entry]]:
        try:
            with po.open("rb") as fh:
                catalog = read_po(fh, abort_invalid=True)
        except PoFileError as exc:
            what = str(exc).rsplit(" on ", 1)[0]  # babel appends a 0-based line number
            self.load_problems.append(Problem(name, exc.lineno + 1, f"cannot read: {what}: "
                                              f"{str(exc.line).strip()!r}"))
            return {}
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            self.load_problems.append(Problem(name, None, f"cannot read: {exc}"))
            return {}
        out: dict[str, list[Entry]] = {}
        for m in catalog:
            if not (m.context and isinstance(m.id, str) and isinstance(m.string, str)):
                continue  # the header, plural entries, entries without a context
            parts = m.context.split(":")
            problems = tuple(text_problems(m.string, parts[2])) \
                if m.string and len(parts) >= 3 and parts[2] in LIMITS else ()
            out.setdefault(m.context, []).append(
                Entry(m.id, m.string, m.fuzzy, DRAFT in m.flags, m.lineno or 0, problems,
                      FALLBACK in m.flags))
        return out

    def state(self, locale: str, text: Text) -> tuple[State, Entry | None]:
        """How ``text`` stands in ``locale``, with the entry that decides it."""
        entries = self.entries.get(locale, {}).get(text.ctx, [])
        for entry in entries:
            if entry.msgid == text.source and entry.fallback and not entry.fuzzy:
                return State.FALLBACK, entry
        for entry in entries:
            if entry.msgid == text.source and entry.string and not entry.fuzzy:
                return (State.INVALID if entry.problems else State.TRANSLATED), entry
        for entry in entries:
            if entry.string:
                return State.STALE, entry
        return State.MISSING, entries[0] if entries else None

    def get(self, locale: str, text: Text) -> tuple[str, bool]:
        """(the text in ``locale``, False), or (the English source, True): a fallback the
        officer is shown as such. English always gives the source, not as a fallback."""
        if locale == self.source_locale:
            return text.source, False
        state, entry = self.state(locale, text)
        if state is State.TRANSLATED and entry is not None:
            return entry.string, False
        return text.source, state is not State.FALLBACK

    def coverage(self, course: Course, locales: Iterable[str] | None = None
                 ) -> dict[str, Coverage]:
        """Per locale (the source locale left out): how much of the course is translated."""
        chosen = course.settings.locales if locales is None else locales
        texts = list(course.all_texts())
        out = {}
        for locale in chosen:
            if locale == self.source_locale:
                continue
            counts = dict.fromkeys(State, 0)
            draft = 0
            for text in texts:
                state, entry = self.state(locale, text)
                counts[state] += 1
                draft += state is State.TRANSLATED and entry is not None and entry.draft
            out[locale] = Coverage(len(texts), counts[State.TRANSLATED], draft,
                                   counts[State.STALE],
                                   counts[State.MISSING] + counts[State.INVALID],
                                   counts[State.FALLBACK])
        return out

    def problems(self, course: Course, complete_locales: Iterable[str] | None = None
                 ) -> list[Problem]:
        """Unreadable catalogs and invalid translations anywhere; missing or stale
        translations in the locales that must be complete. A translation whose tags differ
        from the English is a warning (it still shows, but a heading or link may be lost)."""
        complete = set(course.settings.complete_locales if complete_locales is None
                       else complete_locales)
        out = list(self.load_problems)
        texts = list(course.all_texts())
        for locale in self.files:
            if locale == self.source_locale:
                continue
            po = self.files[locale]
            for text in texts:
                state, entry = self.state(locale, text)
                where = f"(English at {text.file}:{text.line})"
                if state is State.TRANSLATED and entry is not None and \
                        sorted(markup.tags(entry.string)) != sorted(markup.tags(text.source)):
                    out.append(Problem(po, entry.line, f"{text.ctx}: the {locale} translation "
                                       f"has other tags than the English {where}", "warning"))
                elif state is State.INVALID and entry is not None:
                    label = f"{text.ctx}: the {locale} translation"
                    out += [Problem(po, entry.line, f"{labelled(label, p)} {where}")
                            for p in entry.problems]
                elif locale not in complete:
                    continue
                elif state is State.MISSING:
                    out.append(Problem(po, entry.line if entry else None,
                                       f"{text.ctx}: no {locale} translation {where}"))
                elif state is State.STALE and entry is not None:
                    out.append(Problem(po, entry.line, f"{text.ctx}: the {locale} translation "
                                       f"is stale (fuzzy, or the English changed) {where}"))
        return out

