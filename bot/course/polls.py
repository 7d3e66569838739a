"""Which quiz items can be a Telegram quiz poll, in which language.

A quiz poll has one correct option, 2 to 10 options, a question of at most 300 characters
and options of at most 100; its explanation (at most 200 characters) is shown when it fits
and left out when it does not. Poll texts are plain: the course's HTML is taken out.
``content check`` reports, per locale, how many items fit; a class quiz uses only those.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.course.model import Course, QuizItem, Text

if TYPE_CHECKING:
    from collections.abc import Callable

QUESTION_MAX = 300
OPTION_MAX = 100
EXPLANATION_MAX = 200
OPTIONS_MIN, OPTIONS_MAX = 2, 10
_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Course HTML as the plain text a poll shows."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


@dataclass(frozen=True)
class PollText:
    question: str
    options: tuple[str, ...]  # in content order
    correct: int  # content index of the one correct option
    explanation: str | None  # None when it does not fit


def poll_text(item: QuizItem, translate: Callable[[Text], tuple[str, bool]],
              *, allow_fallback: bool = False) -> PollText | None:
    """The item as a quiz poll in one language, or None when it cannot be one (several
    correct options, a text over the limit, or a text not translated)."""
    correct = [i for i, o in enumerate(item.options) if o.correct]
    if len(correct) != 1 or not OPTIONS_MIN <= len(item.options) <= OPTIONS_MAX:
        return None
    texts = []
    for text in (item.question, *(o.text for o in item.options), item.explanation):
        value, fallback = translate(text)
        if fallback and not allow_fallback:
            return None
        texts.append(plain(value))
    question, options, explanation = texts[0], tuple(texts[1:-1]), texts[-1]
    if not question or len(question) > QUESTION_MAX or \
            any(not o or len(o) > OPTION_MAX for o in options):
        return None
    return PollText(question, options, correct[0],
                    explanation if 0 < len(explanation) <= EXPLANATION_MAX else None)


@dataclass(frozen=True)
class Fit:
    locale: str
    items: int  # quiz items in the course
    fit: int  # can be a poll
    with_explanation: int  # ... with its explanation


def fit_report(course: Course, locales: list[str],
               text_in: Callable[[str, Text], tuple[str, bool]]) -> list[Fit]:
    """Per locale: how many items can be a quiz poll (and with their explanation)."""
    items = list(course.quiz_items.values())
    out = []
    for locale in locales:
        polls = [poll_text(i, lambda t, loc=locale: text_in(loc, t)) for i in items]
        out.append(Fit(locale, len(items), sum(p is not None for p in polls),
                       sum(p is not None and p.explanation is not None for p in polls)))
    return out


def report_lines(content_dir, locales_dir) -> list[str]:
    """``content check``'s section on class quiz polls: items that fit, per locale."""
    from bot.course.loader import ContentError
    from bot.services.content import ContentService
    try:
        served = ContentService(content_dir, locales_dir).served
    except ContentError:
        return []
    fits = fit_report(served.course, list(served.course.settings.locales), served.text)
    lines = ["Class quiz polls (one correct option; question ≤ 300, options ≤ 100, "
             "explanation ≤ 200 characters):"]
    lines += [f"  {f.locale:6} {f.fit}/{f.items} items fit, {f.with_explanation} with their "
              "explanation" for f in fits]
    return lines
