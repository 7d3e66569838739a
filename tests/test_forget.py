"""/forget is final and honest: one confirmation deletes everything; any other prompt's
button afterwards says the data is already deleted and changes nothing. English and Dari."""

from __future__ import annotations

import pytest

from bot.bidi import strip_controls
from bot.i18n import LANGUAGE_NAMES

LOCALES = ["en", "fa_AF"]


async def _two_prompts(chat, locale):
    await chat.onboard(language=LANGUAGE_NAMES[locale])
    await chat.send("/forget")
    first = chat.last
    await chat.send("/forget")
    second = chat.last
    return first, second


async def _press(chat, prompt, index: int):
    await chat.press_data(prompt.callback_data()[index], prompt.result["message_id"])


YES, CANCEL = 0, 1


async def _rows(store, user_id) -> int:
    tables = await store.db.fetchall(
        "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
        "WHERE m.type = 'table' AND p.name = 'user_id'")
    total = 0
    for row in tables:
        total += await store.db.scalar(f"SELECT COUNT(*) FROM {row['name']} WHERE user_id = ?",
                                       (user_id,))
    return total


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("confirmed,then", [("first", YES), ("first", CANCEL),
                                            ("second", YES), ("second", CANCEL)])
async def test_after_deletion_any_other_prompt_says_already_deleted(
        app, chat_factory, catalogs, locale, confirmed, then):
    t = catalogs.get(locale)
    chat = chat_factory(7800 + LOCALES.index(locale), locale.replace("_", "-"))
    store = app.bot_data.services.store
    first, second = await _two_prompts(chat, locale)
    await chat.press_data("done:hiv-spread")
    yes_on, other = (first, second) if confirmed == "first" else (second, first)
    await _press(chat, yes_on, YES)
    assert await _rows(store, chat.user_id) == 0
    assert strip_controls(t._("Done: everything the bot stored about you has been deleted. "
                              "Send /start if you want to begin again.")) \
        in strip_controls(chat.last.text)
    await _press(chat, other, then)
    assert chat.answered_callback().params["text"] == t.label("Already deleted.")
    assert strip_controls(chat.last.text) == strip_controls(t._(
        "Your data is already deleted: the bot stores nothing about you. Send /start if you "
        "want to begin again."))
    assert t.label("Nothing was deleted.") not in chat.last.text
    assert await store.users.get(chat.user_id) is None  # the press created nothing
    await _press(chat, yes_on, YES)  # the same button again
    assert chat.answered_callback().params["text"] == t.label("Already deleted.")
    assert await _rows(store, chat.user_id) == 0


@pytest.mark.parametrize("locale", LOCALES)
async def test_cancel_first_then_confirm_deletes(app, chat_factory, catalogs, locale):
    t = catalogs.get(locale)
    chat = chat_factory(7810 + LOCALES.index(locale), locale.replace("_", "-"))
    store = app.bot_data.services.store
    first, second = await _two_prompts(chat, locale)
    await _press(chat, second, CANCEL)
    assert t.label("Nothing was deleted.") in chat.last.text  # true: nothing was
    assert await store.users.get(chat.user_id) is not None
    await _press(chat, first, YES)
    assert await _rows(store, chat.user_id) == 0


async def test_an_old_prompt_never_touches_an_account_begun_after_the_deletion(app, chat):
    store = app.bot_data.services.store
    first, second = await _two_prompts(chat, "en")
    await _press(chat, first, YES)
    await chat.onboard()  # back again, with a new account
    await chat.press_data("done:hiv-spread")
    before = await _rows(store, chat.user_id)
    assert before > 0
    await _press(chat, second, YES)
    assert chat.answered_callback().params["text"] == "Already deleted."
    assert "belongs to the account you deleted" in chat.last.text
    assert "menu:home" in chat.last.callback_data()
    assert await _rows(store, chat.user_id) == before


async def test_forget_before_anything_is_stored(app, chat):
    await chat.send("/forget")
    assert "nothing to delete" in chat.last.text
    assert await app.bot_data.services.store.users.get(chat.user_id) is None
    await chat.press("Start again")
    assert "Choose your language" in chat.last.text


async def test_start_again_after_deleting(app, chat):
    await chat.onboard()
    await chat.send("/forget")
    await chat.press("Yes, delete everything")
    await chat.press("Start again")
    assert "Choose your language" in chat.last.text
