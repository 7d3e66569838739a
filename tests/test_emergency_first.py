"""Emergency first: a main-menu entry, and /emergency for everyone at any time, also before
onboarding (the country at once, its numbers, then the onboarding goes on). English and
Persian."""

from __future__ import annotations

import pytest

from bot.bidi import LRI, PDI
from bot.countries import COURSE_COUNTRIES, country_name
from bot.i18n import LANGUAGE_NAMES

LOCALES = ["en", "fa"]
QUESTION = ("🚨 <b>Emergency numbers</b>\nWhich country are you in? I will show its emergency "
            "numbers at once.")
HOW = "📞 Tap a number to copy it, then paste it into your phone's dialler and call."


def _numbers_of(content, code):
    return [n.number for n in content.course.emergency.countries[code]]


@pytest.mark.parametrize("locale", LOCALES)
async def test_a_new_user_gets_the_country_then_the_numbers_then_onboarding(
        app, chat_factory, content, catalogs, locale):
    t = catalogs.get(locale)
    chat = chat_factory(7900 + LOCALES.index(locale), locale)
    await chat.send("/emergency")  # the very first message
    assert chat.last.text == t._(QUESTION)  # in the Telegram language, at once
    codes = [d.split(":")[1] for d in chat.last.callback_data()]
    # right-to-left keyboards show each row in reverse (bot.bidi): the same countries
    assert sorted(codes) == sorted([*COURSE_COUNTRIES, "other"])
    await chat.press(country_name("IR", locale))
    numbers, step = chat.replies()
    assert numbers.method == "editMessageText"  # the question became the numbers
    assert country_name("IR", locale) in numbers.text
    for number in _numbers_of(content, "IR"):
        assert f"<code>{number}</code>" in numbers.text
    assert t._(HOW) in numbers.text
    assert step.method == "sendMessage"  # then onboarding goes on below: the language
    assert "lang:" in step.callback_data()[0]
    user = await app.bot_data.services.store.users.get(chat.user_id)
    assert (user.country, user.locale) == ("IR", None)
    await chat.press(LANGUAGE_NAMES[locale])
    assert "priv" in chat.last.callback_data()  # the country is not asked again
    await chat.press(0)
    assert "em:me" in chat.last.callback_data()  # the main menu
    reminder = await app.bot_data.services.store.reminders.get(chat.user_id)
    assert reminder.timezone == "Asia/Tehran"


@pytest.mark.parametrize("locale", LOCALES)
async def test_emergency_is_the_first_entry_of_the_main_menu(chat_factory, content, catalogs,
                                                             locale):
    t = catalogs.get(locale)
    chat = chat_factory(7910 + LOCALES.index(locale), locale)
    await chat.onboard(language=LANGUAGE_NAMES[locale], country=2)  # Kazakhstan
    await chat.send("/menu")
    assert chat.last.callback_data()[0] == "em:me"
    assert chat.last.button_texts()[0] == "🚨 " + t.label("Emergency numbers")
    await chat.press(0)
    assert chat.last.method == "editMessageText"
    for number in _numbers_of(content, "KZ"):
        expected = f"<code>{number}</code>"
        if locale == "fa":  # isolated around the tag: the isolates are never copied
            expected = f"{LRI}{expected}{PDI}"
        assert expected in chat.last.text
    assert t._(HOW) in chat.last.text
    assert "menu:home" in chat.last.callback_data()


async def test_emergency_in_the_middle_of_onboarding(app, chat, content):
    await chat.send("/start")
    await chat.press("English")  # language chosen, country not yet
    await chat.send("/emergency")
    assert chat.last.text == QUESTION
    await chat.press(country_name("UZ", "en"))
    numbers, step = chat.replies()
    assert "<code>102</code>" in numbers.text
    assert "priv" in step.callback_data()  # the privacy notice, the step still to do
    await chat.send("/emergency")  # country known, privacy not yet: numbers, then the step
    numbers, step = chat.replies()
    assert "<code>103</code>" in numbers.text and "priv" in step.callback_data()
    assert "menu:home" not in numbers.callback_data()  # the step below is the way on
    # other countries work before onboarding too
    await chat.press_data(numbers.callback_data()[0], numbers.result["message_id"])
    assert "em:PK" in chat.last.callback_data()
    await chat.press(country_name("PK", "en"))
    assert "<code>1122</code>" in chat.last.text


async def test_another_country_before_onboarding(app, chat):
    await chat.send("/emergency")
    await chat.press("Another country")
    numbers, step = chat.replies()
    assert "local emergency number" in numbers.text
    assert [d for d in numbers.callback_data() if d.startswith("em:")]
    assert "lang:" in step.callback_data()[0]
    assert (await app.bot_data.services.store.users.get(chat.user_id)).country == "other"


async def test_an_old_country_button_never_changes_an_onboarded_officers_country(app, chat):
    await chat.send("/emergency")
    question = chat.last
    await chat.press(country_name("TJ", "en"))
    await chat.press("English")
    await chat.press(0)
    await chat.press_data(question.callback_data()[0])  # Afghanistan, from the old question
    assert country_name("AF", "en") in chat.last.text and "<code>119</code>" in chat.last.text
    assert (await app.bot_data.services.store.users.get(chat.user_id)).country == "TJ"
    assert len(chat.replies()) == 1  # no onboarding step: it is done


@pytest.mark.parametrize("data", ["ecty:XX", "ecty:", "ecty:kz:1"])
async def test_forged_country_buttons(app, chat, data, errors):
    await chat.send("/emergency")
    await chat.press_data(data)
    assert "out of date" in chat.answered_callback().params["text"]
    assert (await app.bot_data.services.store.users.get(chat.user_id)).country is None
    assert errors == []
