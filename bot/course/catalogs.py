"""Translations of the course: ``locales/<locale>/LC_MESSAGES/content.po``, keyed by context.

A translation is served only when its entry has the same msgctxt AND the same msgid as the
current English source, is not fuzzy, and is valid Telegram markup within the limits. When the
English changes, the old translation no longer matches: it is counted as stale and the officer
sees the English, marked as a fallback, until a translator updates it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.pofile import read_po

from bot.course import markup
from bot.course.loader import LIMITS, Problem
from bot.course.model import Course, Text

DOMAIN = "content"
DRAFT = "draft"


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the working folder when it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass
class Coverage:
    total: int = 0
    translated: int = 0
    draft: int = 0
    stale: int = 0
    missing: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.translated / self.total if self.total else 100.0


@dataclass(frozen=True)
class _Entry:
    source: str
    string: str
    fuzzy: bool
    draft: bool
    line: int


@dataclass
class ContentCatalogs:
    source_locale: str = "en"
    #: locale -> msgctxt -> entry
    entries: dict[str, dict[str, _Entry]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, locales_dir: Path, locales: Iterable[str], source_locale: str = "en"
             ) -> ContentCatalogs:
        catalogs = cls(source_locale)
        for locale in locales:
            po = Path(locales_dir) / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
            if locale == source_locale or not po.is_file():
                continue
            with po.open("rb") as fh:
                catalog = read_po(fh)
            catalogs.files[locale] = _shown(po)
            catalogs.entries[locale] = {
                m.context: _Entry(m.id, m.string or "", m.fuzzy, DRAFT in m.flags,
                                  m.lineno or 0)
                for m in catalog if m.id and m.context and isinstance(m.id, str)
                and isinstance(m.string, str)}
        return catalogs

    def _valid(self, text: Text, entry: _Entry) -> bool:
        return not self.problems_of(text, entry.string)

    @staticmethod
    def problems_of(text: Text, translation: str) -> list[str]:
        kind = text.ctx.split(":")[2]  # module|lesson|quiz|ref : id : field [: n]
        is_html = kind in ("card", "body")
        problems = markup.html_problems(translation) if is_html else (
            ["plain text: no tags or entities"] if markup.has_markup(translation) else [])
        length = markup.visible_length(translation) if is_html else len(translation)
        if length > LIMITS[kind]:
            problems.append(f"{length} characters; at most {LIMITS[kind]} fit")
        return problems

    def get(self, locale: str, text: Text) -> tuple[str, bool]:
        """(text in ``locale``, False), or (the English source, True) as a visible fallback."""
        if locale == self.source_locale:
            return text.source, False
        entry = self.entries.get(locale, {}).get(text.ctx)
        if entry is None or entry.fuzzy or not entry.string or entry.source != text.source \
                or not self._valid(text, entry):
            return text.source, True
        return entry.string, False

    def coverage(self, course: Course, locales: Iterable[str]) -> dict[str, Coverage]:
        out = {}
        for locale in locales:
            if locale == self.source_locale:
                continue
            cov = Coverage()
            entries = self.entries.get(locale, {})
            for text in course.all_texts():
                cov.total += 1
                entry = entries.get(text.ctx)
                if entry is None or not entry.string:
                    cov.missing += 1
                elif entry.fuzzy or entry.source != text.source:
                    cov.stale += 1
                elif not self._valid(text, entry):
                    cov.missing += 1
                else:
                    cov.translated += 1
                    cov.draft += entry.draft
            out[locale] = cov
        return out

    def problems(self, course: Course, complete_locales: Iterable[str]) -> list[Problem]:
        """Invalid translations anywhere; missing or stale ones in the complete locales."""
        out: list[Problem] = []
        complete = set(complete_locales)
        for locale, entries in self.entries.items():
            po = self.files[locale]
            for text in course.all_texts():
                entry = entries.get(text.ctx)
                if entry and entry.string and not entry.fuzzy and entry.source == text.source:
                    for problem in self.problems_of(text, entry.string):
                        out.append(Problem(po, entry.line, f"{text.ctx}: {problem}"))
        for locale in sorted(complete):
            entries = self.entries.get(locale, {})
            po = self.files.get(locale, f"locales/{locale}/LC_MESSAGES/{DOMAIN}.po")
            for text in course.all_texts():
                entry = entries.get(text.ctx)
                if entry is None or not entry.string:
                    out.append(Problem(po, None, f"{text.ctx}: no {locale} translation "
                                       f"({text.file}:{text.line})"))
                elif entry.fuzzy or entry.source != text.source:
                    out.append(Problem(po, entry.line, f"{text.ctx}: the {locale} translation "
                                       f"is stale: the English changed ({text.file}:"
                                       f"{text.line})"))
        return out
