"""``python -m bot content check``: validate the course and report translation coverage.

Exit status 1 when there is any error. The bot runs the same check at start-up and on
reload, and refuses content that fails it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from bot.course.catalogs import ContentCatalogs, Coverage
from bot.course.loader import Problem, check_tree
from bot.course.model import Course


@dataclass
class CheckReport:
    problems: list[Problem]
    coverage: dict[str, Coverage]
    course: Course | None
    catalogs: ContentCatalogs | None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def check(content_dir: Path, locales_dir: Path) -> CheckReport:
    course, problems = check_tree(content_dir)
    if course is None:
        return CheckReport(problems, {}, None, None)
    settings = course.settings
    catalogs = ContentCatalogs.load(locales_dir, settings.locales, settings.source_locale)
    problems += catalogs.problems(course, settings.complete_locales)
    return CheckReport(problems, catalogs.coverage(course, settings.locales), course, catalogs)


def format_report(report: CheckReport) -> str:
    lines = [str(p) if p.severity == "error" else f"{p} (warning)" for p in report.problems]
    course = report.course
    if course is not None:
        lines.append(f"Course: {len(course.modules)} modules, {len(course.lessons)} lessons, "
                     f"{len(course.quiz_items)} quiz items, {len(course.reference)} reference "
                     f"cards, {sum(1 for _ in course.all_texts())} translatable strings.")
    if report.coverage:
        complete = set(course.settings.complete_locales) if course else set()
        lines.append("")
        lines.append("locale  translated        %  draft  stale  missing")
        for locale, cov in report.coverage.items():
            mark = "  (must be complete)" if locale in complete else ""
            lines.append(f"{locale:7} {cov.translated:5}/{cov.total:<5} {cov.percent:5.1f}  "
                         f"{cov.draft:5}  {cov.stale:5}  {cov.missing:7}{mark}")
    errors = len(report.errors)
    lines.append("")
    lines.append(f"{errors} error(s)." if errors else "Content OK.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(__file__).resolve().parents[2]
    content_dir = Path(args[0]) if args else root / "content"
    locales_dir = Path(args[1]) if len(args) > 1 else root / "locales"
    report = check(content_dir, locales_dir)
    print(format_report(report))
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
