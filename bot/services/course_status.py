"""How far the course can be trusted in each language, computed from the served content.

``course_status(served)`` gives, per locale of the course, whether the course is the English
original, a reviewed translation, a machine draft (whole or partial) or not translated at all,
counted from the content catalogs exactly as ``content check`` counts them; and, per module,
the sign-offs of qualified reviewers recorded in its ``review:`` field. Nothing is hard-coded:
a translator who removes ``draft`` flags, or a reviewer added to a module, changes the answer
at the next reload.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from bot.course.model import Module
from bot.services.content import Served


class Translation(Enum):
    SOURCE = "source"  # the English original
    REVIEWED = "reviewed"  # every text translated, no machine draft left
    DRAFT = "draft"  # every text translated, some or all of it machine-drafted
    PARTIAL_DRAFT = "partial-draft"  # part translated (drafts among it), the rest in English
    PARTIAL = "partial"  # part translated and reviewed, the rest in English
    NONE = "none"  # nothing translated: the course is shown in English


@dataclass(frozen=True)
class LanguageStatus:
    locale: str
    translation: Translation
    share: float  # translated texts / all texts, 0.0 to 1.0


@dataclass(frozen=True)
class CourseStatus:
    languages: tuple[LanguageStatus, ...]
    modules: tuple[Module, ...]  # each with its ``review`` sign-offs

    @property
    def reviewed_modules(self) -> int:
        return sum(1 for m in self.modules if m.review)


def course_status(served: Served) -> CourseStatus:
    course = served.course
    settings = course.settings
    coverage = served.catalogs.coverage(course)
    languages = []
    for locale in settings.locales:
        if locale == settings.source_locale:
            languages.append(LanguageStatus(locale, Translation.SOURCE, 1.0))
            continue
        cov = coverage[locale]
        share = cov.translated / cov.total if cov.total else 1.0
        if cov.translated == 0:
            state = Translation.NONE
        elif cov.translated == cov.total:
            state = Translation.DRAFT if cov.draft else Translation.REVIEWED
        else:
            state = Translation.PARTIAL_DRAFT if cov.draft else Translation.PARTIAL
        languages.append(LanguageStatus(locale, state, share))
    return CourseStatus(tuple(languages), course.modules)
