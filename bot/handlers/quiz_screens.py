"""The texts of the quiz screens: a question, and an answer that teaches.

Questions, options and explanations are plain text in the content (and its translations): they
are HTML-escaped here, where they meet the HTML of the message. Each line of an answer is a
whole translated sentence with the option as a placeholder, so the translator escapes it and,
in right-to-left locales, isolates it and its number.
"""

from __future__ import annotations

import html

from bot.handlers.common import Page
from bot.i18n import Translator
from bot.services.quiz import Answer, Question

CORRECT, PARTLY, WRONG, UNKNOWN = "correct", "partly", "wrong", "unknown"


def escaped(text: str) -> str:
    return html.escape(text, quote=False)


def outcome(answer: Answer, multiple: bool) -> str:
    """correct | partly (several answers, some right ones found) | wrong | unknown (an answer
    stored before choices were kept: only the right options can be shown)."""
    if not answer.chosen:
        return UNKNOWN
    if answer.chosen == answer.right:
        return CORRECT
    if multiple and answer.chosen & answer.right:
        return PARTLY
    return WRONG


def toast(t: Translator, result: str) -> str | None:
    return {CORRECT: t.label("Correct!"), PARTLY: t.label("Partly right."),
            WRONG: t.label("Not quite.")}.get(result)


def _header(page: Page, q: Question) -> list[str]:
    t = page.context.t
    return [t._("🧠 <b>Question {number} of {total}</b>", number=q.number, total=q.total),
            "", f"<b>{escaped(page(q.item.question))}</b>", ""]


def question_text(page: Page, q: Question) -> str:
    """A question with its options numbered as the buttons are."""
    lines = _header(page, q)
    for position, index in enumerate(q.presentation.order):
        lines.append(f"{position + 1}. {escaped(page(q.item.options[index].text))}")
    if q.multiple:
        lines += ["", page.context.t._("<i>Choose every correct answer, then press Submit.</i>")]
    return "\n".join(lines)


def _option_line(t: Translator, number: int, option: str, picked: bool, right: bool,
                 multiple: bool) -> str:
    values = {"number": number, "option": option}
    if multiple:
        if picked and right:
            return t._("✅ {number}. {option} — <i>ticked, right</i>", **values)
        if picked:
            return t._("❌ {number}. {option} — <i>ticked, but wrong</i>", **values)
        if right:
            return t._("⚠️ {number}. {option} — <i>right, but not ticked</i>", **values)
    else:
        if picked and right:
            return t._("✅ {number}. {option} — <i>your answer, right</i>", **values)
        if picked:
            return t._("❌ {number}. {option} — <i>your answer</i>", **values)
        if right:
            return t._("✅ {number}. {option} — <i>the right answer</i>", **values)
    return f"▫️ {t.isolate(t.number(number))}. {t.isolate(escaped(option))}"


def _verdict(t: Translator, answer: Answer, result: str) -> str | None:
    if result == CORRECT:
        return t._("✅ <b>Correct.</b>")
    if result == PARTLY:
        return t.ngettext("🟡 <b>Partly right.</b> You found {found} of the {n} right answer.",
                          "🟡 <b>Partly right.</b> You found {found} of the {n} right answers.",
                          len(answer.right), found=len(answer.chosen & answer.right))
    if result == WRONG:
        return t._("❌ <b>Not quite.</b>")
    return None


def answer_text(page: Page, q: Question, answer: Answer) -> str:
    """The question again, each option marked with what the officer chose and whether it was
    right, the verdict and the explanation."""
    t = page.context.t
    lines = _header(page, q)
    for position, index in enumerate(q.presentation.order):
        lines.append(_option_line(t, position + 1, page(q.item.options[index].text),
                                  position in answer.chosen, position in answer.right,
                                  q.multiple))
    lines.append("")
    verdict = _verdict(t, answer, outcome(answer, q.multiple))
    if verdict is not None:
        lines.append(verdict)
    lines.append(f"<i>{escaped(page(q.item.explanation))}</i>")
    return "\n".join(lines) + page.notice()

