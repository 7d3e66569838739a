"""Daily reminders: local time, quiet hours, plurals, and surviving restarts."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime

import pytest
from conftest import make_app
from harness import Chat

from bot.app import running
from bot.handlers.reminders import queue_due_reminders
from bot.sandbox import FakeBotAPI, UpdateFactory
from bot.services.reminders import next_occurrence, parse_time


@pytest.mark.parametrize("text,expected", [("8:30", "08:30"), ("08.30", "08:30"),
                                           ("0830", "08:30"), ("23:59", "23:59"),
                                           ("24:00", None), ("8:75", None), ("soon", None),
                                           ("", None), ("12:00:00", None)])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


def test_next_occurrence_in_local_time():
    after = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 10:00 in Tashkent (UTC+5)
    assert next_occurrence("11:00", "Asia/Tashkent", after) == \
        datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert next_occurrence("09:00", "Asia/Tashkent", after) == \
        datetime(2026, 12, 2, 4, 0, tzinfo=UTC)
    assert next_occurrence("09:00", "Asia/Kabul", after).minute == 30  # UTC+4:30


async def _officer_with_due_items(chat, content, clock, country="Uzbekistan"):
    await chat.onboard(country=country)
    lesson = content.course.modules[0].lessons[0]
    await chat.press_data(f"done:{lesson.id}")
    return lesson


async def deliver(app) -> int:
    """One tick of the reminder job, then the outbox sends what it queued."""
    services = app.bot_data.services
    await queue_due_reminders(services)
    return await services.sender.drain(app.bot)


def _reminders(fake):
    return [c for c in fake.of("sendMessage") if "⏰" in c.text and "quiz" in str(c.buttons)]


async def test_onboarding_creates_a_default_reminder_in_the_countrys_zone(app, chat):
    await chat.onboard(country="Kyrgyzstan")
    reminder = await app.bot_data.services.store.reminders.get(chat.user_id)
    assert (reminder.enabled, reminder.local_time, reminder.timezone) == \
        (True, "09:00", "Asia/Bishkek")


async def test_reminder_command_sets_time_and_refuses_bad_input(app, chat):
    await chat.onboard(country="Uzbekistan")
    await chat.send("/reminder 08:15")
    assert "08:15" in chat.last.text and "on" in chat.last.text
    await chat.send("/reminder 23:30")
    assert "never sent at night" in chat.last.text
    await chat.send("/reminder after lunch")
    assert "could not read" in chat.last.text
    reminder = await app.bot_data.services.store.reminders.get(chat.user_id)
    assert reminder.local_time == "08:15"
    await chat.press("Turn reminders off")
    assert "off" in chat.last.text
    assert not (await app.bot_data.services.store.reminders.get(chat.user_id)).enabled


async def test_timezone_can_be_changed(app, chat):
    await chat.onboard(country="Uzbekistan")
    await chat.press("Settings")
    await chat.press("Reminders")
    await chat.press("Time zone")
    await chat.press("Kabul")
    reminder = await app.bot_data.services.store.reminders.get(chat.user_id)
    assert reminder.timezone == "Asia/Kabul"
    assert "Kabul" in chat.last.text


async def test_reminder_is_sent_at_local_time_with_plural_and_a_button(app, chat, content,
                                                                       clock, fake):
    await _officer_with_due_items(chat, content, clock)
    services = app.bot_data.services
    await services.reminders.set_time(chat.user_id, "UZ", "11:00")
    assert await deliver(app) == 0  # 10:00 local: not yet
    clock.advance(hours=1, minutes=1)
    assert await deliver(app) == 1
    sent = _reminders(fake)[-1]
    n = len(content.course.modules[0].lessons[0].quiz)
    assert f"{n} new questions" in sent.text
    assert sent.callback_data() == ["menu:quiz"]
    assert await deliver(app) == 0  # not twice


async def test_nothing_to_practise_sends_nothing(app, chat, clock):
    await chat.onboard(country="Uzbekistan")
    clock.advance(days=1)
    assert await deliver(app) == 0


async def test_no_reminder_inside_quiet_hours_even_after_downtime(app, chat, content, clock):
    await _officer_with_due_items(chat, content, clock)
    services = app.bot_data.services
    await services.reminders.set_time(chat.user_id, "UZ", "20:30")
    clock.now = datetime(2026, 12, 1, 16, 45, tzinfo=UTC)  # 21:45 local: the bot was down
    assert await deliver(app) == 0
    reminder = await services.store.reminders.get(chat.user_id)
    assert reminder.next_at.startswith("2026-12-02T15:30")  # tomorrow 20:30 local


async def test_blocked_officer_is_not_reminded(app, chat, content, clock, fake):
    await _officer_with_due_items(chat, content, clock)
    services = app.bot_data.services
    await services.reminders.set_time(chat.user_id, "UZ", "10:30")
    fake.fail_next("403", method="sendMessage")
    clock.advance(minutes=31)
    assert await deliver(app) == 0
    assert not (await services.store.users.get(chat.user_id)).active
    clock.advance(days=1)
    assert await deliver(app) == 0


async def test_network_error_retries_on_the_next_tick(app, chat, content, clock, fake):
    await _officer_with_due_items(chat, content, clock)
    services = app.bot_data.services
    await services.reminders.set_time(chat.user_id, "UZ", "10:30")
    clock.advance(minutes=31)
    fake.fail_next("timeout", method="sendMessage")
    assert await deliver(app) == 0
    clock.advance(minutes=2)  # the outbox retries after a backoff of about a minute
    assert await deliver(app) == 1


async def test_restart_neither_loses_nor_duplicates(settings, catalogs, content, clock):
    users = UpdateFactory(9100, language_code="en")
    fake = FakeBotAPI()
    async with running(make_app(settings, fake, catalogs, content, clock)) as app:
        chat = Chat(app, fake, users)
        await _officer_with_due_items(chat, content, clock)
        await app.bot_data.services.reminders.set_time(chat.user_id, "UZ", "11:00")
    # the bot is down at 11:00 local and comes back at 11:20
    clock.advance(hours=1, minutes=20)
    fake2 = FakeBotAPI()
    async with running(make_app(settings, fake2, catalogs, content, clock)) as app2:
        assert await deliver(app2) == 1  # not lost
    fake3 = FakeBotAPI()
    async with running(make_app(settings, fake3, catalogs, content, clock)) as app3:
        assert await deliver(app3) == 0  # not twice
    assert len(_reminders(fake2)) == 1 and _reminders(fake3) == []


@pytest.mark.parametrize("locale", ["ru", "ps", "ur", "kk", "ky", "tg", "tk", "uz", "fa",
                                    "fa_AF"])
def test_reminder_text_is_plural_correct_in_every_locale(catalogs, locale):
    t = catalogs.get(locale)
    forms = {n: t.ngettext(
        "⏰ You have {n} question due for review. A few minutes now keeps it fresh.",
        "⏰ You have {n} questions due for review. A few minutes now keeps them fresh.", n)
        for n in (1, 2, 5, 21)}
    for n, text in forms.items():
        assert t.number(n) in text and "question" not in text, (locale, n, text)
    if locale == "ru":
        assert len({forms[1], forms[2].replace("2", "1"), forms[5].replace("5", "1")}) == 3


# --- the failures of the reminder path before the outbox, each fixed ---------------------------
async def _three_due(app, fake, clock, content):
    """Three officers with questions waiting and a reminder at 10:30 Tashkent; now 10:31."""
    chats = []
    for user_id in (9201, 9202, 9203):
        chat = Chat(app, fake, UpdateFactory(user_id, language_code="en"))
        await _officer_with_due_items(chat, content, clock)
        await app.bot_data.services.reminders.set_time(user_id, "UZ", "10:30")
        chats.append(chat)
    clock.advance(minutes=31)
    return chats


async def test_an_unexpected_error_for_one_officer_does_not_strand_the_others(
        app, fake, clock, content, monkeypatch):
    await _three_due(app, fake, clock, content)
    quiz = app.bot_data.services.quiz
    real = quiz.due_count

    async def broken(user_id):
        if user_id == 9202:
            raise RuntimeError("a bug")
        return await real(user_id)
    monkeypatch.setattr(quiz, "due_count", broken)
    await deliver_tolerant(app)
    assert sorted(int(c.params["chat_id"]) for c in _reminders(fake)) == [9201, 9203]
    monkeypatch.setattr(quiz, "due_count", real)
    clock.advance(minutes=2)
    await deliver_tolerant(app)
    assert sorted(int(c.params["chat_id"]) for c in _reminders(fake)) == [9201, 9202, 9203]


async def deliver_tolerant(app) -> None:
    try:
        await deliver(app)
    except RuntimeError:
        pass  # the error itself may surface; what matters is who got a reminder


async def test_a_crash_while_sending_loses_no_reminder(settings, catalogs, content, clock):
    fake = FakeBotAPI()
    async with running(make_app(settings, fake, catalogs, content, clock)) as app:
        await _three_due(app, fake, clock, content)
        fake.fail_next("slow", method="sendMessage", delay=10, times=3)  # calls hang...
        ticking = asyncio.create_task(deliver(app))
        await asyncio.sleep(0.3)
        ticking.cancel()  # ...and the bot dies with them
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
    fake2 = FakeBotAPI()
    async with running(make_app(settings, fake2, catalogs, content, clock)) as app2:
        await restart_and_deliver(app2)
    assert sorted(int(c.params["chat_id"]) for c in _reminders(fake2)) == [9201, 9202, 9203]


async def restart_and_deliver(app) -> None:
    """What start-up does: claims a crash left in flight go back to the queue; then send."""
    sender = app.bot_data.services.sender
    await sender.start(app.bot)
    assert await sender.idle(10)
    await sender.stop()


async def test_a_send_slower_than_the_read_timeout_is_sent_once(app, fake, clock, content):
    fake.default_read_timeout = 0.2  # PTB's default is 5 s; Telegram can be slower
    await _three_due(app, fake, clock, content)
    fake.fail_next("slow", method="sendMessage", chat_id=9202, delay=0.5)
    await deliver(app)
    clock.advance(minutes=5)
    await deliver(app)
    assert sorted(int(c.params["chat_id"]) for c in _reminders(fake)) == [9201, 9202, 9203]


async def test_a_permanent_400_is_not_retried(app, fake, clock, content):
    await _three_due(app, fake, clock, content)
    fake.fail_next("400", method="sendMessage", chat_id=9202, times=1000,
                   description="Bad Request: chat not found")
    for _ in range(5):
        await deliver(app)
        clock.advance(minutes=10)
    attempts = [c for c in fake.of("sendMessage") if c.params["chat_id"] == 9202
                and "⏰" in c.text]
    assert len(attempts) == 1


async def test_a_failed_send_never_overwrites_a_time_the_officer_changed(app, fake, clock,
                                                                          content):
    fake.default_read_timeout = 0.2
    chats = await _three_due(app, fake, clock, content)
    fake.fail_next("slow", method="sendMessage", chat_id=9202, delay=0.5)
    sending = asyncio.create_task(deliver(app))
    await asyncio.sleep(0.1)
    await chats[1].send("/reminder 08:15")  # while the reminder is on its way
    await sending
    reminder = await app.bot_data.services.store.reminders.get(9202)
    assert reminder.local_time == "08:15"
    assert reminder.next_at.startswith("2026-12-02T03:15")  # tomorrow 08:15 in Tashkent


async def test_a_thousand_reminders_due_in_one_minute_are_all_queued_in_that_tick(
        app, fake, clock):
    from fsrs import Card
    store, now = app.bot_data.services.store, clock()
    card = Card().to_json()
    ids = range(20000, 21000)
    await store.db.executemany("INSERT INTO users (user_id, chat_id, locale, country, "
                               "privacy_seen_at) VALUES (?, ?, 'ru', 'UZ', '2026')",
                               [(i, i) for i in ids])
    await store.db.executemany(
        "INSERT INTO reminders (user_id, enabled, local_time, timezone, next_at) VALUES "
        "(?, 1, '10:00', 'Asia/Tashkent', '2026-12-01T05:00:00.000000Z')", [(i,) for i in ids])
    await store.db.executemany("INSERT INTO quiz_cards (user_id, item_id, card_json, due) "
                               "VALUES (?, 'x', ?, '2026-11-30T00:00:00.000000Z')",
                               [(i, card) for i in ids])
    assert now.isoformat().startswith("2026-12-01T05:00")
    await one_tick(app)
    moved = await store.db.scalar("SELECT COUNT(*) FROM reminders WHERE next_at > ?",
                                  ("2026-12-01T05:00:00.000000Z",))
    assert moved == 1000  # every one due, not 100 a minute


async def one_tick(app) -> None:
    await queue_due_reminders(app.bot_data.services)
