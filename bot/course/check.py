"""Validate the course and report translation coverage; exit status 1 on any error.

    python -m bot.course.check [CONTENT_DIR [LOCALES_DIR]]   # defaults: ./content ./locales
    python -m bot content check                              # the same, with the bot's settings
    python -m bot content check --locale ps                  # one locale, for its translators
    python -m bot content check --strict                     # every locale must be complete

Problems print as ``file:line: message``, then a table per locale: translated/total, %,
draft (machine-drafted, not yet reviewed), stale (fuzzy or for older English), missing. The
bot runs the same check at start-up and on reload, and refuses content that fails it. The
translation quality checks (``bot.course.quality``: placeholders, tags, lengths, language,
digits, glossary) run here only, over both gettext domains (``bot.course.locale_report``).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.course.catalogs import ContentCatalogs, Coverage
from bot.course.loader import check_tree
from bot.course.model import Course
from bot.course.problems import Problem, errors

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CheckReport:
    problems: list[Problem]
    coverage: dict[str, Coverage]
    course: Course | None
    catalogs: ContentCatalogs | None = None

    @property
    def errors(self) -> list[Problem]:
        return errors(self.problems)


def check(content_dir: Path, locales_dir: Path) -> CheckReport:
    """Load the course, then its translations: every problem, and coverage per locale."""
    course, problems = check_tree(Path(content_dir))
    if course is None:
        return CheckReport(problems, {}, None)
    settings = course.settings
    catalogs = ContentCatalogs.load(Path(locales_dir), settings.locales, settings.source_locale)
    problems = problems + catalogs.problems(course)
    return CheckReport(problems, catalogs.coverage(course), course, catalogs)


def format_report(report: CheckReport) -> str:
    lines = [str(p) if p.severity == "error" else f"{p} (warning)" for p in report.problems]
    course = report.course
    if course is not None:
        if lines:
            lines.append("")
        lines.append(f"Course: {len(course.modules)} modules, {len(course.lessons)} lessons, "
                     f"{len(course.quiz_items)} quiz items, {len(course.reference)} reference "
                     f"cards, {sum(1 for _ in course.all_texts())} translatable texts.")
    if report.coverage:
        complete = set(course.settings.complete_locales) if course else set()
        lines += ["", "locale  translated        %  draft  stale  missing"]
        for locale, cov in report.coverage.items():
            mark = "  (must be complete)" if locale in complete else ""
            lines.append(f"{locale:7} {cov.translated:5}/{cov.total:<5} {cov.percent:5.1f}  "
                         f"{cov.draft:5}  {cov.stale:5}  {cov.missing:7}{mark}")
    count = len(report.errors)
    lines += ["", f"{count} error(s)." if count else "Content OK."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.course.check",
        description="Validate the course and report translation coverage.")
    parser.add_argument("content_dir", nargs="?", type=Path, default=PROJECT_ROOT / "content")
    parser.add_argument("locales_dir", nargs="?", type=Path, default=PROJECT_ROOT / "locales")
    parser.add_argument("--locale", help="report on this locale alone: what is missing, "
                        "stale, fallback or flagged, in the course and the interface")
    parser.add_argument("--strict", action="store_true", help="a missing or stale string is "
                        "an error in every locale checked, unless flagged fallback")
    args = parser.parse_args(argv)
    report = check(args.content_dir, args.locales_dir)
    from bot.course import locale_report
    settings = report.course.settings if report.course else None
    translated = [loc for loc in (settings.locales if settings else ())
                  if loc != settings.source_locale]
    if args.locale is not None and args.locale not in translated:
        parser.error(f"--locale: one of {', '.join(translated)}")
    chosen = [args.locale] if args.locale else translated
    extra = locale_report.extra_problems(report, args.locales_dir, chosen, args.strict)
    if args.locale:
        print(locale_report.for_locale(report, args.locales_dir, args.locale, extra))
        failing = [p for p in [*report.errors, *errors(extra)]
                   if p.file.startswith(f"locales/{args.locale}/") or
                   not p.file.startswith("locales/")]
        return 1 if failing else 0
    shown = dataclasses.replace(report, problems=report.problems + extra)
    text = format_report(shown)
    table = locale_report.messages_table(args.locales_dir, chosen)
    head, _, tail = text.rpartition("\n\n")
    from bot.course.polls import report_lines
    print("\n".join([head, *table, *(["", locale_report.note()] if locale_report.note()
                                     else []), "", *report_lines(args.content_dir,
                                                                 args.locales_dir), "", tail]))
    return 1 if shown.errors else 0


if __name__ == "__main__":
    sys.exit(main())
