"""Lesson delivery over the real course: progress, in-place navigation, resume, stale ids."""

from __future__ import annotations

import re

from conftest import app_over, load_content, make_app, untranslated
from harness import Chat

from bot.app import running
from bot.sandbox import FakeBotAPI, UpdateFactory


def _first_module(content):
    return content.course.modules[0]


async def test_module_list_shows_progress_for_every_module(chat, content):
    await chat.onboard()
    await chat.press("Lessons")
    labels = chat.last.button_texts()
    for module in content.course.modules:
        assert any(label.startswith(module.title.source) and
                   f"0/{len(module.lessons)}" in label for label in labels)
    assert chat.last.method == "editMessageText"


async def test_walk_a_lesson_in_place_and_finish_it(app, chat, content):
    module = _first_module(content)
    lesson = module.lessons[0]
    await chat.onboard()
    await chat.press("Lessons")
    await chat.press(module.title.source)
    await chat.press(lesson.title.source)
    first = chat.last
    assert first.method == "editMessageText"
    assert f"1 of {len(lesson.cards)}" in first.text
    for n in range(2, len(lesson.cards) + 1):
        await chat.press("Next ▶")
        assert f"{n} of {len(lesson.cards)}" in chat.last.text
        assert chat.last.method == "editMessageText"
    await chat.press("◀ Back")
    assert f"{len(lesson.cards) - 1} of" in chat.last.text
    await chat.press("Next ▶")
    await chat.press("Finish lesson")
    assert "Lesson complete" in chat.last.text
    assert any(d == f"ql:{lesson.id}" for d in chat.last.callback_data())
    assert any(d == f"les:{module.lessons[1].id}:1" for d in chat.last.callback_data())
    await chat.press("Lessons")
    assert any(label.startswith("✅") and lesson.title.source in label
               for label in chat.last.button_texts())
    progress = app.bot_data.services.store.progress
    assert lesson.id in await progress.completed(chat.user_id)
    assert await progress.view_count(chat.user_id) == len(lesson.cards) + 2


async def test_every_module_shows_done_count_after_completion(chat, content):
    module = _first_module(content)
    await chat.onboard()
    for lesson in module.lessons:
        await chat.press_data(f"done:{lesson.id}")
    await chat.press_data("menu:lessons")
    label = next(x for x in chat.last.button_texts() if x.startswith(module.title.source))
    assert label.endswith(f"{len(module.lessons)}/{len(module.lessons)} ✓")


async def test_resume_after_restart_on_the_same_database(settings, catalogs, content, clock):
    fake = FakeBotAPI()
    users = UpdateFactory(7001, language_code="en")
    lesson = content.course.modules[1].lessons[0]
    app = make_app(settings, fake, catalogs, content, clock)
    async with running(app):
        chat = Chat(app, fake, users)
        await chat.onboard()
        await chat.press_data(f"les:{lesson.id}:1")
        await chat.press("Next ▶")
    fake2 = FakeBotAPI()
    app2 = make_app(settings, fake2, catalogs, content, clock)
    async with running(app2):
        chat2 = Chat(app2, fake2, users)
        await chat2.send("/start")
        assert "Continue where I left off" in " ".join(chat2.last.button_texts())
        await chat2.press("Continue where I left off")
        assert lesson.title.source in chat2.last.text
        assert f"2 of {len(lesson.cards)}" in chat2.last.text


async def test_stale_lesson_ids_get_a_friendly_answer(chat):
    await chat.onboard()
    for data in ("les:no-such-lesson:1", "mod:gone", "done:vanished", "les:hiv-spread:x"):
        await chat.press_data(data)
        assert "out of date" in chat.answered_callback().params["text"]
        assert "Main menu" in chat.last.text


async def test_card_number_out_of_range_is_clamped(chat, content):
    lesson = content.course.modules[0].lessons[0]
    await chat.onboard()
    await chat.press_data(f"les:{lesson.id}:99")
    assert f"{len(lesson.cards)} of {len(lesson.cards)}" in chat.last.text


async def test_untranslated_content_is_shown_in_english_and_says_so(settings, catalogs,
                                                                   content_copy, clock):
    untranslated(content_copy, "tk")  # every shipped language is translated
    content = load_content(content_copy)
    async with app_over(settings, catalogs, content, clock) as (app, fake):
        chat = Chat(app, fake, UpdateFactory(7100, language_code="tk"))
        await chat.onboard(language="Türkmençe")
        lesson = content.course.modules[0].lessons[0]
        await chat.press_data(f"les:{lesson.id}:1")
    body, fallback = content.served.text("tk", lesson.cards[0])
    assert fallback
    assert body == lesson.cards[0].source and body in chat.last.text
    t = catalogs.get("tk")
    notice = t._("<i>Not yet translated into {language}: shown in English.</i>",
                 language=t.language_name)
    assert notice != "<i>Not yet translated into Türkmençe: shown in English.</i>"
    assert chat.last.text.endswith(notice)


async def test_russian_lessons_are_served_in_russian(chat_factory, content):
    chat = chat_factory(7200, "ru")
    await chat.onboard(language="Русский")
    lesson = content.course.modules[0].lessons[0]
    await chat.press_data(f"les:{lesson.id}:1")
    body, fallback = content.served.text("ru", lesson.cards[0])
    assert not fallback, "Russian is a complete locale: every card must be translated"
    assert body in chat.last.text
    assert re.search("[а-яА-Я]{4}", chat.last.text)
