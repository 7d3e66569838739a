"""Onboarding, settings and the always-available commands, through the real Application."""

from __future__ import annotations

from bot.i18n import LANGUAGE_NAMES


async def test_start_offers_languages_suggested_first(chat_factory):
    chat = chat_factory(2001, "ru")
    await chat.send("/start")
    labels = chat.last.button_texts()
    assert labels[0] == "Русский"
    assert sorted(labels) == sorted(LANGUAGE_NAMES.values())
    assert chat.last.callback_data()[0] == "lang:ru"


async def test_unknown_telegram_language_gets_default_locale_first(chat_factory):
    chat = chat_factory(2002, "de")
    await chat.send("/start")
    assert chat.last.button_texts()[0] == "English"


async def test_dari_is_offered_under_its_own_name_and_suggested_for_fa_af(chat_factory):
    chat = chat_factory(2003, "fa-AF")
    await chat.send("/start")
    # first in the reader's order: Dari reads right to left, so its rows are sent reversed
    # (Telegram lays every row out left to right) and the first button is the row's last
    assert chat.last.buttons[0][-1]["text"] == "دری"


async def test_full_onboarding_stores_choices_and_shows_menu(app, chat):
    await chat.send("/start")
    await chat.press("English")
    assert chat.last.method == "editMessageText"  # navigation edits in place
    assert any(d == "cty:KG" for d in chat.last.callback_data())
    assert "cty:other" in chat.last.callback_data()
    await chat.press("Kyrgyzstan")
    assert "/forget" in chat.last.text
    await chat.press(0)
    assert "Main menu" in chat.last.text
    assert chat.last.callback_data() == ["em:me", "menu:lessons", "menu:quiz",
                                         "menu:reference", "menu:settings"]
    user = await app.bot_data.services.store.users.get(chat.user_id)
    assert (user.locale, user.country, user.privacy_seen, user.active) == ("en", "KG", True,
                                                                          True)


async def test_every_callback_is_answered(chat):
    await chat.send("/start")
    for label in ("English", "Iran", 0, "Settings"):
        await chat.press(label)
        assert chat.answered_callback() is not None, label


async def test_start_payload_is_kept_for_cohort_invites(app, chat):
    await chat.send("/start cohort_AB-12")
    user = await app.bot_data.services.store.users.get(chat.user_id)
    assert user.start_payload == "cohort_AB-12"


async def test_malformed_start_payload_is_ignored(app, chat):
    await chat.send("/start bad$payload")
    user = await app.bot_data.services.store.users.get(chat.user_id)
    assert user.start_payload is None
    assert chat.last.buttons  # the language choice still shows


async def test_start_again_after_onboarding_shows_menu(chat):
    await chat.onboard()
    await chat.send("/start")
    assert "Main menu" in chat.last.text
    assert chat.last.method == "sendMessage"


async def test_text_before_onboarding_leads_back_to_next_step(chat):
    await chat.send("/start")
    await chat.press("English")
    await chat.send("hello")
    assert "cty:AF" in chat.last.callback_data()


async def test_language_command_changes_language_after_onboarding(app, chat):
    await chat.onboard()
    await chat.send("/language")
    await chat.press("Русский")
    user = await app.bot_data.services.store.users.get(chat.user_id)
    assert user.locale == "ru"
    assert "Language changed" not in chat.last.text
    assert "Lessons" not in " ".join(chat.last.button_texts())


async def test_settings_change_country(app, chat):
    await chat.onboard(country="Pakistan")
    await chat.press("Settings")
    assert "Pakistan" in chat.last.text
    await chat.press("Country")
    await chat.press("Tajikistan")
    assert "Tajikistan" in chat.last.text
    user = await app.bot_data.services.store.users.get(chat.user_id)
    assert user.country == "TJ"


async def test_help_and_privacy_answer_any_time(chat):
    await chat.send("/help")
    assert "/forget" in chat.last.text and chat.last.buttons
    await chat.send("/privacy")
    assert "/forget" in chat.last.text


async def test_forget_deletes_every_row_after_confirmation(app, chat):
    await chat.onboard()
    store = app.bot_data.services.store
    await chat.send("/forget")
    await chat.press("Cancel")
    assert await store.users.get(chat.user_id) is not None
    await chat.send("/forget")
    await chat.press("Yes, delete everything")
    assert await store.users.get(chat.user_id) is None
    assert "/start" in chat.last.text
    # every table that holds a user_id is empty for this user
    tables = await store.db.fetchall(
        "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p "
        "WHERE m.type = 'table' AND p.name = 'user_id'")
    for row in tables:
        n = await store.db.scalar(f"SELECT COUNT(*) FROM {row['name']} WHERE user_id = ?",
                                  (chat.user_id,))
        assert n == 0, row["name"]


async def test_commands_are_published_per_language(app, fake):
    published = {c.params.get("language_code"): c.params["commands"]
                 for c in fake.of("setMyCommands")}
    assert None in published and "ru" in published and "ps" in published
    names = [c["command"] for c in published[None]]
    assert names[:2] == ["start", "lessons"]
    assert published["ru"][1]["description"] != published[None][1]["description"]
