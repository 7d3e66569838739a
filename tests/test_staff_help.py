"""/help shows trainers and admins their commands (role checked on the server), officers none."""

from __future__ import annotations

import re

import pytest
from conftest import ADMIN_ID

from bot.ui.staff_help import ADMIN_COMMANDS, TRAINER_COMMANDS

OFFICER, TRAINER = 3301, 3302
TRAINER_NAMES = [name for name, _ in TRAINER_COMMANDS]
ADMIN_NAMES = [name for name, _ in ADMIN_COMMANDS]
#: per language: the two headings and one translated description of each list
WORDS = {
    "en": ("Trainer tools", "Administrator tools", "start a class quiz",
           "by Telegram user id"),
    "fa": ("ابزارهای مربی", "ابزارهای مدیر", "شروع آزمون کلاسی", "با شناسهٔ کاربری تلگرام"),
}
LANGUAGE = {"en": "English", "fa": "فارسی"}


def listed(name: str, text: str) -> bool:
    """``/name`` as a whole command (right-to-left text wraps it in Unicode isolates)."""
    return re.search(rf"/{name}(?!\w)", text) is not None


async def _help(app, chat_factory, user_id: int, locale: str, role: str | None) -> str:
    chat = chat_factory(user_id, locale)
    await chat.onboard(LANGUAGE[locale])
    if role:
        await app.bot_data.services.store.users.set_role(user_id, role)
    await chat.send("/help")
    assert chat.last.buttons  # the main menu below, as before
    return chat.last.text


@pytest.mark.parametrize("locale", ["en", "fa"])
async def test_an_officer_sees_no_staff_command(app, chat_factory, locale):
    text = await _help(app, chat_factory, OFFICER, locale, None)
    assert "/forget" in text and "/quiz" in text
    for name in TRAINER_NAMES + ADMIN_NAMES:
        assert not listed(name, text), name
    for words in WORDS[locale]:
        assert words not in text


@pytest.mark.parametrize("locale", ["en", "fa"])
async def test_a_trainer_sees_the_trainer_tools_only(app, chat_factory, locale):
    text = await _help(app, chat_factory, TRAINER, locale, "trainer")
    trainer_tools, admin_tools, class_quiz, by_id = WORDS[locale]
    assert "/forget" in text  # the officer's commands stay
    assert trainer_tools in text and class_quiz in text
    for name in TRAINER_NAMES:
        assert listed(name, text), name
    for name in ADMIN_NAMES:
        assert not listed(name, text), name
    assert admin_tools not in text and by_id not in text
    if locale != "en":  # every description is translated
        english = await _help(app, chat_factory, TRAINER + 100, "en", "trainer")
        tools = english.split("\n\n")[-1].splitlines()[1:]
        for line in tools:
            assert line.split(" — ")[1] not in text, line


@pytest.mark.parametrize("locale", ["en", "fa"])
async def test_an_admin_sees_trainer_and_admin_tools(app, chat_factory, locale):
    text = await _help(app, chat_factory, ADMIN_ID, locale, None)  # an admin by ADMIN_IDS
    trainer_tools, admin_tools, class_quiz, by_id = WORDS[locale]
    for words in (trainer_tools, admin_tools, class_quiz, by_id):
        assert words in text
    for name in TRAINER_NAMES + ADMIN_NAMES:
        assert listed(name, text), name
    assert text.index(trainer_tools) < text.index(admin_tools)
    assert len(text) <= 4096


async def test_a_revoked_trainer_no_longer_sees_the_tools(app, chat_factory):
    text = await _help(app, chat_factory, TRAINER, "en", "trainer")
    assert listed("cohorts", text)
    await app.bot_data.services.store.users.set_role(TRAINER, "officer")
    chat = chat_factory(TRAINER, "en")
    await chat.send("/help")
    assert not listed("cohorts", chat.last.text) and "Trainer tools" not in chat.last.text


def test_every_listed_staff_command_is_registered(app):
    from telegram.ext import CommandHandler
    registered = {c for handlers in app.handlers.values() for h in handlers
                  if isinstance(h, CommandHandler) for c in h.commands}
    for name, _ in TRAINER_COMMANDS + ADMIN_COMMANDS:
        assert name in registered, name
