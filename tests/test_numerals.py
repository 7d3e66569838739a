"""Numbers and times as officers type them: any script's digits, 9, 9:00, 09.00, 9am, on/off."""

from __future__ import annotations

from datetime import time

import pytest
from conftest import ADMIN_ID

from bot.bidi import LRI, PDI, strip_controls
from bot.numerals import ascii_digits, read_int, read_time
from bot.services.reminders import FIRST_ALLOWED, LAST_ALLOWED, in_quiet_hours


@pytest.mark.parametrize("text,expected", [
    ("9", (9, 0)), ("09", (9, 0)), ("9:00", (9, 0)), ("09.00", (9, 0)), ("9.30", (9, 30)),
    ("9h30", (9, 30)), ("9h", (9, 0)), ("9 30", (9, 30)), ("0830", (8, 30)), ("930", (9, 30)),
    ("9am", (9, 0)), ("9 AM", (9, 0)), ("9 a.m.", (9, 0)), ("9pm", (21, 0)),
    ("9:30 p.m.", (21, 30)), ("12am", (0, 0)), ("12pm", (12, 0)), (" 23:59 ", (23, 59)),
    ("۹", (9, 0)), ("۰۸:۳۰", (8, 30)), ("٩:٣٠", (9, 30)), ("۹٫۳۰", (9, 30)),  # Persian, Arabic
    ("２１：００", (21, 0)), ("१०:१५", (10, 15)),  # fullwidth, Devanagari
    ("24:00", None), ("8:75", None), ("12:00:00", None), ("13pm", None), ("0am", None),
    ("12345", None), ("9:3", None), ("soon", None), ("", None), (None, None), ("²", None),
    ("-9", None), ("9 o'clock", None),
])
def test_read_time(text, expected):
    assert read_time(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("103", 103), ("۱۰۳", 103), ("١٠٣", 103), (" 12 ", 12), ("０７", 7), ("²", None),
    ("1.5", None), ("-1", None), ("1 000", None), ("", None), (None, None), ("x1", None),
])
def test_read_int(text, expected):
    assert read_int(text) == expected


def test_ascii_digits_keeps_everything_else():
    assert ascii_digits("KZ ۱۱۲ ambulance") == "KZ 112 ambulance"
    assert ascii_digits("x²") == "x²"  # a superscript is not a decimal digit


def test_the_allowed_range_is_exactly_what_quiet_hours_enforce():
    minutes = [time(h, m) for h in range(24) for m in range(60)]
    allowed = [m for m in minutes if not in_quiet_hours(m)]
    assert (allowed[0], allowed[-1]) == (FIRST_ALLOWED, LAST_ALLOWED) == (time(7), time(20, 59))
    assert len(allowed) == (20 - 7) * 60 + 60  # one unbroken range


async def _local_time(app, chat):
    return (await app.bot_data.services.store.reminders.get(chat.user_id)).local_time


TYPED = [("9", "09:00"), ("9:00", "09:00"), ("09.00", "09:00"), ("9am", "09:00"),
         ("7pm", "19:00"), ("0830", "08:30"), ("۸:۳۰", "08:30"), ("٩", "09:00")]


async def test_reminder_command_reads_what_people_type(app, chat):
    await chat.onboard(country="Uzbekistan")
    for typed, expected in TYPED:
        await chat.send("/reminder 12:00")
        await chat.send(f"/reminder {typed}")
        assert await _local_time(app, chat) == expected, typed
        assert expected in chat.last.text and "could not read" not in chat.last.text, typed


async def test_reminder_on_and_off(app, chat):
    await chat.onboard(country="Uzbekistan")
    store = app.bot_data.services.store
    await chat.send("/reminder off")
    assert not (await store.reminders.get(chat.user_id)).enabled
    assert "<b>off</b>" in chat.last.text
    await chat.send("/reminder ON")
    assert (await store.reminders.get(chat.user_id)).enabled
    assert "<b>on</b>" in chat.last.text


BOUNDARIES = [("06:59", False), ("07:00", True), ("20:59", True), ("21:00", False),
              ("23:30", False), ("12am", False)]


async def test_quiet_hours_refusal_names_the_range_it_enforces(app, chat):
    await chat.onboard(country="Uzbekistan")
    for typed, allowed in BOUNDARIES:
        await chat.send("/reminder 12:00")
        await chat.send(f"/reminder {typed}")
        refused = "never sent at night" in chat.last.text
        assert refused != allowed, typed
        if refused:
            assert "from 07:00 to 20:59" in chat.last.text
            assert await _local_time(app, chat) == "12:00"
        else:
            assert await _local_time(app, chat) == typed


async def test_persian_officer_sets_a_reminder_in_persian_digits(app, chat_factory, catalogs):
    chat = chat_factory(7601, "fa")
    await chat.onboard(language="فارسی", country=1)  # Iran
    await chat.send("/reminder ۷:۴۵")
    assert await _local_time(app, chat) == "07:45"
    await chat.send("/reminder ۲۲")
    t = catalogs.get("fa")
    first, last = t.clock("07:00"), t.clock("20:59")  # in the locale's digits: ۰۷:۰۰
    assert t._("Please choose a time from {first} to {last}: reminders are never sent at "
               "night.", first=first, last=last) in chat.last.text
    assert f"{LRI}{first}{PDI}" in chat.last.text and f"{LRI}{last}{PDI}" in chat.last.text
    assert await _local_time(app, chat) == "07:45"
    await chat.send("/reminder فردا")
    assert strip_controls(t._("I could not read {text} as a time. Send it like this: {example} "
                              "(or 9, 09.00, 9am), or /reminder off.", text="فردا",
                              example=f"/reminder {t.clock('08:30')}")) \
        in strip_controls(chat.last.text)


async def test_admin_types_an_emergency_number_in_persian_digits(app, chat_factory):
    admin = chat_factory(ADMIN_ID)
    await admin.onboard()
    await admin.send("/emergency_set KZ ambulance ۱۰۴")
    assert "<b>104</b>" in admin.last.text
    overrides = await app.bot_data.services.store.emergency.overrides("KZ")
    assert [o.number for o in overrides if o.service == "ambulance"] == ["104"]
