"""Reference guidance: topics, cards, protected sensitive cards, emergency numbers, corrections."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date
from conftest import ADMIN_ID
from harness import Chat

from bot.bidi import LRI, PDI
from bot.countries import COURSE_COUNTRIES, country_name
from bot.sandbox import UpdateFactory
from bot.ui import callbacks as cb

KZ = COURSE_COUNTRIES.index("KZ")
AF = COURSE_COUNTRIES.index("AF")


def _sensitive(content):
    return next(c for c in content.course.reference.values() if c.sensitive)


def _plain_card(content):
    return next(c for c in content.course.reference.values() if not c.sensitive and c.lessons)


async def test_menu_reference_lists_the_topics_that_have_cards(chat, content, errors):
    await chat.onboard()
    await chat.press("Reference")
    assert chat.last.method == "editMessageText"
    assert "still being prepared" not in chat.last.text
    data = chat.last.callback_data()
    topics = {c.topic for c in content.course.reference.values()}
    assert {d.split(":")[1] for d in data if d.startswith("rt:")} == topics
    assert "em:me" in data
    assert errors == []


async def test_browse_topic_then_card_then_back(chat, content):
    card = _plain_card(content)
    module = content.course.module(card.topic)
    await chat.onboard()
    await chat.press("Reference")
    await chat.press(module.title.source)
    assert module.title.source in chat.last.text
    assert f"rc:{card.id}" in chat.last.callback_data()
    await chat.press(card.title.source)
    shown = chat.last
    assert shown.method == "editMessageText" and not shown.params.get("protect_content")
    assert f"<b>{card.title.source}</b>" in shown.text
    assert card.body.source.strip()[:40] in shown.text
    for lesson_id in card.lessons:
        assert f"les:{lesson_id}:1" in shown.callback_data()
    assert "em:me" in shown.callback_data()
    await chat.press("📖")
    assert "Card 1 of" in chat.last.text  # the first related lesson opened
    await chat.press_data(f"rc:{card.id}")
    await chat.press("◀ Back")
    assert f"rc:{card.id}" in chat.last.callback_data()


async def test_every_card_renders_within_telegram_limits(chat, content, errors):
    await chat.onboard()
    for card in content.course.reference.values():
        await chat.press_data(cb.REF_CARD.pack(card=card.id))
        assert len(chat.last.text) <= 4096
        assert all(len(d.encode()) <= 64 for d in chat.last.callback_data())
    assert errors == []


async def test_sensitive_card_is_a_new_protected_message(chat, content):
    card = _sensitive(content)
    await chat.onboard()
    await chat.press("Reference")
    await chat.press_data(f"rc:{card.id}")
    sent = [c for c in chat.calls if c.method == "sendMessage"]
    assert len(sent) == 1 and sent[0].params["protect_content"] is True
    assert not any(c.method == "editMessageText" for c in chat.calls)
    assert card.title.source in sent[0].text and "cannot be forwarded" in sent[0].text


async def test_untranslated_card_says_it_is_shown_in_english(chat_factory, content):
    chat = chat_factory(7301, "tk")
    await chat.onboard(language="Türkmençe")
    card = _plain_card(content)
    await chat.press_data(f"rc:{card.id}")
    _, fell_back = content.served.text("tk", card.body)
    if fell_back:
        assert chat.last.text.rstrip().endswith("</i>")
        assert card.body.source.strip()[:30] in chat.last.text


async def test_russian_card_is_served_in_russian_when_translated(chat_factory, content):
    card = content.course.reference_card("overdose-signs")
    title, fell_back = content.served.text("ru", card.title)
    if fell_back:
        pytest.skip("the Russian translation of this card is not in the catalog yet")
    chat = chat_factory(7302, "ru")
    await chat.onboard(language="Русский")
    await chat.press_data("rc:overdose-signs")
    assert f"<b>{title}</b>" in chat.last.text


@pytest.mark.parametrize("data", ["rc:no-such-card", "rt:no-such-topic", "em:XX", "em:",
                                  "rc:a:b", "em:" + "A" * 41])
async def test_stale_or_forged_reference_buttons(chat, data, errors):
    await chat.onboard()
    await chat.press_data(data)
    assert "out of date" in chat.answered_callback().params["text"]
    assert errors == []


def test_longest_card_id_fits_callback_data():
    assert len(cb.REF_CARD.pack(card="a" * 24).encode()) <= 64
    assert len(cb.REF_TOPIC.pack(module="a" * 24).encode()) <= 64
    assert {cb.REF_TOPIC, cb.REF_CARD, cb.EMERGENCY} <= set(cb.ROUTES)
    prefixes = [r.prefix for r in cb.ROUTES]
    assert len(prefixes) == len(set(prefixes))


# --- emergency numbers ---------------------------------------------------------------------
async def test_emergency_card_for_the_officers_country(chat, content):
    await chat.onboard(country=KZ)
    await chat.send("/emergency")
    text = chat.last.text
    assert country_name("KZ", "en") in text
    for entry in content.course.emergency.countries["KZ"]:
        assert f"<code>{entry.number}</code>" in text
    checked = content.course.emergency.checked_on
    assert format_date(checked, "long", locale="en") in text
    assert "Police" in text and "Ambulance" in text


async def test_emergency_card_in_russian_has_a_russian_date(chat_factory, content):
    chat = chat_factory(7303, "ru")
    await chat.onboard(language="Русский", country=KZ)
    await chat.send("/emergency")
    checked = content.course.emergency.checked_on
    assert format_date(checked, "long", locale="ru") in chat.last.text
    assert country_name("KZ", "ru") in chat.last.text


async def test_unverified_numbers_are_marked(chat, content):
    unverified = next(n for n in content.course.emergency.countries["AF"] if not n.verified)
    await chat.onboard(country=AF)
    await chat.press("Reference")
    await chat.press("Emergency numbers")
    line = next(x for x in chat.last.text.split("\n") if f"<code>{unverified.number}</code>" in x)
    assert "not verified" in line


async def test_numbers_in_rtl_text_are_isolated(chat_factory):
    chat = chat_factory(7304, "fa-AF")
    await chat.onboard(language="دری", country=AF)
    await chat.send("/emergency")
    # the number copies into a dialler as typed (<code>, Latin digits), in its own isolate
    assert f"{LRI}<code>119</code>{PDI}" in chat.last.text
    assert re.search("[\u0600-\u06ff]", chat.last.text)


async def test_other_country_gets_a_note_and_the_countries(chat):
    await chat.onboard(country=len(COURSE_COUNTRIES))  # "Another country"
    await chat.send("/emergency")
    assert "local emergency number" in chat.last.text
    codes = [d.split(":")[1] for d in chat.last.callback_data() if d.startswith("em:")]
    assert codes == list(COURSE_COUNTRIES)
    await chat.press(country_name("PK", "en"))
    assert "1122" in chat.last.text


# --- corrections by admins -----------------------------------------------------------------
async def test_admin_corrects_a_number_and_the_audit_log_records_it(app, chat_factory, clock):
    admin = chat_factory(ADMIN_ID)
    await admin.onboard()
    await admin.send("/emergency_set KZ ambulance 104")
    assert "Saved" in admin.last.text and "104" in admin.last.text
    assert "Before: 103" in admin.last.text
    await admin.send("/emergency_set kz rescue 911 unverified")
    assert "not verified" in admin.last.text and "no number" in admin.last.text
    audit = await app.bot_data.services.store.emergency.audit("KZ")
    assert [(a.service, a.old_number, a.new_number, a.new_verified, a.changed_by)
            for a in reversed(audit)] == [("ambulance", "103", "104", True, ADMIN_ID),
                                          ("rescue", None, "911", False, ADMIN_ID)]
    assert audit[0].changed_at.startswith(clock().date().isoformat())
    officer = chat_factory(7305)
    await officer.onboard(country=KZ)
    await officer.send("/emergency")
    assert "<code>104</code>" in officer.last.text and "<code>103</code>" not in officer.last.text
    assert "Corrected by an administrator" in officer.last.text
    rescue = next(x for x in officer.last.text.split("\n") if "911" in x)
    assert "not verified" in rescue


async def test_non_admin_cannot_correct_numbers(app, chat):
    await chat.onboard()
    await chat.send("/emergency_set KZ police 999")
    assert "administrators only" in chat.last.text
    assert await app.bot_data.services.store.emergency.audit() == []


@pytest.mark.parametrize("args", ["", "KZ", "KZ police", "XX police 102", "KZ pizza 102",
                                  "KZ police 10a", "KZ police 102 maybe", "KZ police 1 2 3 4",
                                  "KZ police " + "9" * 30])
async def test_bad_correction_gets_the_usage_line(app, chat_factory, args):
    admin = chat_factory(ADMIN_ID)
    await admin.onboard()
    await admin.send(f"/emergency_set {args}".strip())
    assert "/emergency_set" in admin.last.text and "Example" in admin.last.text
    assert await app.bot_data.services.store.emergency.audit() == []


async def test_usage_and_confirmation_speak_the_admins_language(app, fake):
    admin = Chat(app, fake, UpdateFactory(ADMIN_ID, language_code="ru"))
    await admin.onboard(language="Русский")
    await admin.send("/emergency_set")
    assert "/emergency_set" in admin.last.text
    assert re.search("[а-яА-Я]{4}", admin.last.text)
    await admin.send("/emergency_set UZ police 102 verified")
    assert re.search("[а-яА-Я]{4}", admin.last.text) and "102" in admin.last.text


def test_checked_on_is_a_date(content):
    assert isinstance(content.course.emergency.checked_on, date)


async def test_search_and_emergency_are_published_commands(app, fake):
    published = [c["command"] for c in fake.of("setMyCommands")[0].params["commands"]]
    assert {"search", "emergency"} <= set(published)


async def test_a_mobile_form_and_the_status_of_each_number_are_shown(chat_factory):
    turkmen = chat_factory(7311)
    await turkmen.onboard(country=COURSE_COUNTRIES.index("TM"))
    await turkmen.send("/emergency")
    lines = turkmen.last.text.split("\n")
    ambulance = next(x for x in lines if "<code>03</code>" in x)
    assert "(from a mobile phone: <code>003</code>; not verified: check it locally)" in ambulance
    assert "not verified" in next(x for x in lines if "<code>02</code>" in x)
    uzbek = chat_factory(7312, "ru")
    await uzbek.onboard(language="Русский", country=COURSE_COUNTRIES.index("UZ"))
    await uzbek.send("/emergency")
    assert "<code>112</code>" in uzbek.last.text and "не проверен" not in uzbek.last.text
