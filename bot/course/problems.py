"""What the loader and the checker report: a problem names its file and line."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content. ``file`` is relative to the content folder's parent
    (``content/modules/01-hiv.yaml``, ``locales/ru/LC_MESSAGES/content.po``)."""

    file: str
    line: int | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


def errors(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


class ContentError(Exception):
    """The content is invalid; ``problems`` lists everything found, warnings included."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        found = errors(self.problems)
        first = f"; first: {found[0]}" if found else ""
        super().__init__(f"{len(found)} content error(s){first}")
