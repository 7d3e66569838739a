"""Bad input and Telegram failures: a clear localized answer, no crash, nothing lost."""

from __future__ import annotations

import sqlite3

import pytest
from telegram.error import RetryAfter, TimedOut

from bot.handlers.fallback import MAX_TEXT


async def test_unknown_command_gets_hint_and_menu(chat, errors):
    await chat.onboard()
    await chat.send("/frobnicate now")
    assert "/frobnicate" in chat.last.text and "/help" in chat.last.text
    assert "menu:lessons" in chat.last.callback_data()
    assert errors == []


async def test_what_the_officer_typed_is_escaped_in_html(chat):
    await chat.onboard()
    await chat.send("/x<b>&y")
    assert "/x&lt;b&gt;&amp;y" in chat.last.text and "<b>&y" not in chat.last.text


async def test_free_text_without_a_match_gets_topics(chat):
    await chat.onboard()
    await chat.send("qwxz zzyzx")  # free text is a search; this matches nothing
    assert "found nothing" in chat.last.text and "qwxz zzyzx" in chat.last.text
    assert any(d.startswith("rt:") for d in chat.last.callback_data())


async def test_message_over_the_limit_is_refused_politely(chat):
    await chat.onboard()
    await chat.send("x" * (MAX_TEXT + 1))
    assert "too long" in chat.last.text and str(MAX_TEXT) in chat.last.text.replace(",", "")


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice"])
async def test_media_gets_a_text_only_hint(chat, kind, errors):
    await chat.onboard()
    await chat.update(getattr(chat.users, kind)())
    assert "only read text" in chat.last.text
    assert errors == []


async def test_edited_message_gets_an_answer(chat):
    await chat.onboard()
    await chat.update(chat.users.edited_text("fixed typo"))
    assert "edits" in chat.last.text


@pytest.mark.parametrize("data", [
    "lang:xx",            # a locale we do not offer
    "cty:ZZ",             # a country that is not in the course
    "menu:nonexistent",   # a menu entry that does not exist
    "forget:maybe",       # a changed payload
    "lang",               # truncated
    "garbage:::",         # not ours at all
    "x" * 64,
])
async def test_forged_or_stale_buttons_get_a_friendly_answer(app, chat, data, errors):
    await chat.onboard()
    await chat.press_data(data)
    answer = chat.answered_callback()
    assert answer is not None and "out of date" in answer.params["text"]
    assert "Main menu" in chat.last.text
    user = await app.bot_data.services.store.users.get(chat.user_id)
    assert (user.locale, user.country) == ("en", "AF")  # nothing changed, nothing lost
    assert errors == []


async def test_callback_from_another_chat_is_refused(chat):
    await chat.onboard()
    await chat.update(chat.users.callback("menu:settings", 5, chat_id=424242))
    answer = chat.answered_callback()
    assert answer.params.get("show_alert") is True
    assert "another chat" in answer.params["text"]
    assert not chat.replies()


async def test_group_messages_are_ignored(chat, fake):
    fake.clear()
    await chat.update(chat.users.text("/start", chat_id=-100123))
    assert fake.calls == []


async def test_blocking_marks_inactive_and_unblocking_resumes(app, chat):
    await chat.onboard()
    users = app.bot_data.services.store.users
    await chat.update(chat.users.my_chat_member("kicked"))
    assert (await users.get(chat.user_id)).active is False
    await chat.update(chat.users.my_chat_member("member"))
    assert (await users.get(chat.user_id)).active is True


async def test_forbidden_on_send_marks_user_inactive(app, chat, fake):
    await chat.onboard()
    fake.fail_next("403", method="sendMessage")
    await chat.send("/help")
    user = await app.bot_data.services.store.users.get(chat.user_id)
    assert user.active is False and user.locale == "en"
    await chat.send("/start")  # writing again means they unblocked us
    assert (await app.bot_data.services.store.users.get(chat.user_id)).active is True


@pytest.mark.parametrize("kind", ["429", "400", "timeout"])
async def test_telegram_errors_do_not_crash_or_lose_data(app, chat, fake, kind, errors):
    await chat.onboard()
    fake.fail_next(kind, method="editMessageText")
    await chat.press("Settings")
    assert [c.error is not None for c in chat.calls if c.method == "editMessageText"] == [True]
    # only the Telegram error itself reached the error handler, nothing raised by our code
    assert all(isinstance(e, RetryAfter | TimedOut) for e in errors), errors
    user = await app.bot_data.services.store.users.get(chat.user_id)
    assert user.onboarded
    await chat.press_data("menu:settings")
    assert "Settings" in chat.last.text  # the next press works


async def test_400_on_edit_falls_back_to_a_new_message(chat, fake):
    await chat.onboard()
    fake.fail_next("400", method="editMessageText")
    await chat.press("Settings")
    assert chat.last.method == "sendMessage" and "Settings" in chat.last.text


async def test_locked_database_gets_a_busy_answer_and_keeps_data(app, chat, settings, errors):
    await chat.onboard()
    db = app.bot_data.services.store.db
    await db.execute("PRAGMA busy_timeout = 50")
    blocker = sqlite3.connect(settings.database_path, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        await chat.send("/start again")
        assert any(isinstance(e, sqlite3.OperationalError) for e in errors)
        assert "busy" in chat.last.text
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    await chat.send("/start")
    assert "Main menu" in chat.last.text
    assert (await app.bot_data.services.store.users.get(chat.user_id)).onboarded


async def test_edit_that_changes_nothing_sends_nothing_new(chat, fake):
    await chat.onboard()
    fake.fail_next("400", method="editMessageText",
                   description="Bad Request: message is not modified")
    await chat.press("Settings")
    assert [c.method for c in chat.replies()] == []
    assert chat.answered_callback() is not None


async def test_fake_transport_refuses_html_telegram_cannot_parse(app, fake):
    """The fake answers unparsable HTML with 400, as Telegram does, so every test above
    also checks that the bot's messages are valid Telegram HTML."""
    from telegram.error import BadRequest
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await app.bot.send_message(1001, "<b>unclosed & bare")
    await app.bot.send_message(1001, "<b>closed</b> &amp; escaped")
