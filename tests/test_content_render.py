"""Every screen of the shipped course, in every locale, fits Telegram's limits.

Exhaustive rather than sampled: every card of every lesson, every lesson list, and every
quiz question and answer, rendered by the real Application in each of the eleven locales, each
with a way back to the main menu (tests/test_way_back.py crawls every other screen).
"""

from __future__ import annotations

import itertools
from html.parser import HTMLParser

import pytest

from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES

ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "code", "pre", "blockquote", "a",
           "tg-spoiler"}
_ids = itertools.count(60000)


class _Checker(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text = 0

    def handle_starttag(self, tag, attrs):
        assert tag in ALLOWED, f"tag <{tag}> is not Telegram HTML"
        self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text += len(data)


def check_message(call):
    """Telegram's limits, and a way back: every one of these screens has the main menu."""
    assert "menu:home" in call.callback_data(), f"no way back from {call.text[:60]!r}"
    checker = _Checker()
    checker.feed(call.text)
    checker.close()
    assert not checker.stack, f"unclosed {checker.stack}"
    assert checker.text <= 4096, f"{checker.text} characters"
    for row in call.buttons:
        assert len(row) <= 8
        for button in row:
            assert len(button["callback_data"].encode()) <= 64
            assert 0 < len(button["text"]) <= 64, button["text"]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_every_lesson_screen_fits_in_every_locale(chat_factory, content, locale):
    chat = chat_factory(next(_ids), locale.replace("_", "-"))
    await chat.onboard(language=LANGUAGE_NAMES[locale])
    course = content.course
    screens = 0
    await chat.press_data("menu:lessons")
    check_message(chat.last)
    for module in course.modules:
        await chat.press_data(f"mod:{module.id}")
        check_message(chat.last)
        screens += 1
        for lesson in module.lessons:
            for n in range(1, len(lesson.cards) + 1):
                await chat.press_data(f"les:{lesson.id}:{n}")
                assert f"les:{lesson.id}" in "".join(chat.last.callback_data()) or \
                    f"done:{lesson.id}" in chat.last.callback_data()
                check_message(chat.last)
                screens += 1
            await chat.press_data(f"done:{lesson.id}")
            check_message(chat.last)
    assert screens >= len(course.lessons) * 2


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_every_quiz_question_fits_in_every_locale(app, chat_factory, content, locale):
    chat = chat_factory(next(_ids), locale.replace("_", "-"))
    await chat.onboard(language=LANGUAGE_NAMES[locale])
    quiz = app.bot_data.services.quiz
    items = list(content.course.quiz_items)
    session = await quiz.create_session(chat.user_id, "review", items)
    for _ in items:
        await chat.press_data(f"qn:{session.id}")
        check_message(chat.last)
        if chat.last.callback_data()[0].startswith("qt:"):  # several answers: pick, submit
            await chat.press(0)
            check_message(chat.last)
            await chat.press(-2)  # Submit (the last row is the main menu)
        else:
            await chat.press(0)
        check_message(chat.last)  # the answer with its explanation
    await chat.press_data(f"qn:{session.id}")
    assert "🏁" in chat.last.text
