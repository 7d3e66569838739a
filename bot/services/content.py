"""The course as served: the last valid content and its translations, swapped atomically."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path

from bot.course.catalogs import ContentCatalogs
from bot.course.check import check
from bot.course.loader import ContentError, Problem
from bot.course.model import Course, Text

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Served:
    """One consistent snapshot: a handler takes it once and uses it for the whole update."""

    course: Course
    catalogs: ContentCatalogs

    def text(self, locale: str, text: Text) -> tuple[str, bool]:
        """The text in ``locale``; the flag says it fell back to English."""
        return self.catalogs.get(locale, text)


class ContentService:
    def __init__(self, content_dir: Path, locales_dir: Path):
        self.content_dir = content_dir
        self.locales_dir = locales_dir
        self._served: Served | None = None
        self.listeners: list = []  # called with the new Served after a successful (re)load

    @property
    def served(self) -> Served:
        if self._served is None:
            self._served = self._load()
        return self._served

    @property
    def course(self) -> Course:
        return self.served.course

    def _load(self) -> Served:
        """Load and validate, translations included (the same check as ``content check``);
        raises ContentError with every problem found."""
        report = check(self.content_dir, self.locales_dir)
        if report.errors or report.course is None or report.catalogs is None:
            raise ContentError(report.problems)
        return Served(report.course, report.catalogs)

    def use(self, served: Served) -> None:
        self._served = served

    def reload(self) -> tuple[Served | None, list[Problem]]:
        """Load again; on invalid content keep serving the last valid content."""
        try:
            fresh = self._load()
        except ContentError as exc:
            return None, self._refused(exc)
        self._publish(fresh)
        return fresh, []

    async def reload_off_loop(self) -> tuple[Served | None, list[Problem]]:
        """``reload`` with the slow part (reading and checking YAML and catalogs, about a
        second) in a worker thread, so that officers are served meanwhile; the new content
        is published, and listeners called, back on the event loop."""
        try:
            fresh = await asyncio.to_thread(self._load)
        except ContentError as exc:
            return None, self._refused(exc)
        self._publish(fresh)
        return fresh, []

    @staticmethod
    def _refused(exc: ContentError) -> list[Problem]:
        log.warning("Content reload refused: %d problem(s)", len(exc.problems))
        return [p for p in exc.problems if p.severity == "error"]

    def _publish(self, fresh: Served) -> None:
        self._served = fresh
        for listener in self.listeners:
            listener(fresh)
