"""Cohorts: created by trainers, joined by invite link after onboarding, left by officers,
managed (rename, close, rotate, remove) only by their trainer or an admin."""

from __future__ import annotations

import re

import pytest
from conftest import ADMIN_ID

from bot.sandbox import BOT_USERNAME

TRAINER = 3001


def invite_payload(text: str) -> str:
    match = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=(co_[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def make_trainer(app, chat_factory, user_id=TRAINER, lang="en", language="English"):
    trainer = chat_factory(user_id, lang)
    await trainer.onboard(language)
    await app.bot_data.services.store.users.set_role(user_id, "trainer")
    return trainer


async def create_cohort(trainer, name="Almaty May", country="Kazakhstan", start="12.05.2026"):
    await trainer.send("/cohorts")
    await trainer.press("➕")
    await trainer.send(name)
    await trainer.press(country)
    if start:
        await trainer.send(start)
    else:
        await trainer.press("Skip")
    return invite_payload(trainer.last.text)


async def test_trainer_creates_a_cohort_and_a_new_officer_joins_after_onboarding(
        app, chat_factory, fake):
    fake.names[TRAINER] = "Aigerim"
    trainer = await make_trainer(app, chat_factory)
    payload = await create_cohort(trainer)
    assert "Cohort created" in trainer.last.text and "Almaty May" in trainer.last.text
    assert "May 12, 2026" in trainer.last.text and "Kazakhstan" in trainer.last.text
    assert len(payload) > 20

    officer = chat_factory(3101, "en")
    await officer.send(f"/start {payload}")
    assert "Choose your language" in officer.last.text  # onboarding comes first
    await officer.press("English")
    await officer.press(0)
    await officer.press(0)
    assert "You joined the cohort Almaty May of trainer Aigerim" in officer.last.text
    assert "Main menu" in officer.last.text

    await officer.send("/cohort")
    assert "Almaty May" in officer.last.text and "Aigerim" in officer.last.text
    await trainer.send("/cohorts")
    assert "Almaty May</b> (Kazakhstan): 1 member, 0 active" in trainer.last.text


async def test_onboarded_officer_joins_and_leaves_and_forget_removes_memberships(
        app, chat_factory):
    trainer = await make_trainer(app, chat_factory)
    payload = await create_cohort(trainer, start=None)
    officer = chat_factory(3102)
    await officer.onboard()
    await officer.send(f"/start {payload}")
    assert "You joined the cohort Almaty May" in officer.last.text
    await officer.send(f"/start {payload}")
    assert "already in the cohort" in officer.last.text
    store = app.bot_data.services.store
    assert [c.name for c in await store.cohorts.of_officer(3102)] == ["Almaty May"]

    await officer.send("/cohort")
    await officer.press("Leave Almaty May")
    await officer.press("Yes, leave")
    assert "You left Almaty May" in officer.last.text
    assert await store.cohorts.of_officer(3102) == []

    await officer.send(f"/start {payload}")
    await officer.send("/forget")
    await officer.press("Yes, delete everything")
    assert await store.cohorts.of_officer(3102) == []
    assert await store.db.scalar("SELECT COUNT(*) FROM cohort_members") == 0


async def test_cohort_list_counts_members_and_activity(app, chat_factory, content):
    trainer = await make_trainer(app, chat_factory)
    payload = await create_cohort(trainer)
    for user_id in (3103, 3104):
        officer = chat_factory(user_id)
        await officer.onboard()
        await officer.send(f"/start {payload}")
    active = chat_factory(3103)
    lesson = content.course.modules[0].lessons[0]
    await active.press_data(f"les:{lesson.id}:1")
    await trainer.send("/cohorts")
    assert "2 members, 1 active in the last 7 days" in trainer.last.text
    await trainer.press("Almaty May")
    assert "Members: 2 (active in the last 7 days: 1)" in trainer.last.text
    await trainer.press("Members")
    assert trainer.last.text.count("joined") == 2


async def test_rename_rotate_close_and_remove_member(app, chat_factory):
    trainer = await make_trainer(app, chat_factory)
    old = await create_cohort(trainer)
    member = chat_factory(3105)
    await member.onboard()
    await member.send(f"/start {old}")

    await trainer.press("Rename")
    await trainer.send("  Almaty   June  ")
    assert "Renamed" in trainer.last.text and "Almaty June" in trainer.last.text
    await trainer.press("Rename")
    await trainer.send("x" * 65)
    assert "1 to 64 characters" in trainer.last.text

    await trainer.press("Cancel")  # back to the list
    await trainer.press("Almaty June")
    await trainer.press("New invite link")
    await trainer.press("Yes, make a new link")
    new = invite_payload(trainer.last.text)
    assert new != old
    late = chat_factory(3106)
    await late.onboard()
    await late.send(f"/start {old}")
    assert "not valid" in late.last.text  # a stale invite code
    await late.send("/start co_forgedcodeforgedcode12")
    assert "not valid" in late.last.text  # a forged one
    await late.send(f"/start {new}")
    assert "You joined" in late.last.text

    await trainer.press("Members")
    await trainer.press("Remove Officer")
    await trainer.press("Yes, remove")
    assert "Removed from the cohort" in trainer.last.text
    assert len(await app.bot_data.services.store.cohorts.members(1)) == 1

    await trainer.press("Back")
    await trainer.press("Close the cohort")
    await trainer.press("Yes, close it")
    assert "The cohort is closed" in trainer.last.text and "no longer works" in \
        trainer.last.text
    closed = chat_factory(3107)
    await closed.onboard()
    await closed.send(f"/start {new}")
    assert "is closed and no longer takes new members" in closed.last.text


async def test_trainer_cannot_touch_another_trainers_cohort(app, chat_factory):
    owner = await make_trainer(app, chat_factory)
    await create_cohort(owner)
    other = await make_trainer(app, chat_factory, 3002)
    await other.send("/cohorts")
    assert "Almaty May" not in other.last.text
    for action in ("open", "close-yes", "rotate-yes", "members"):
        await other.press_data(f"co:1:{action}:-")
        answer = other.answered_callback().params
        assert answer.get("show_alert") and "not yours" in answer["text"], action
    cohort = await app.bot_data.services.store.cohorts.get(1)
    assert cohort.closed_at is None and cohort.name == "Almaty May"


async def test_admin_sees_and_manages_every_cohort(app, chat_factory):
    owner = await make_trainer(app, chat_factory)
    await create_cohort(owner, name="Dushanbe A", country="Tajikistan")
    other = await make_trainer(app, chat_factory, 3002)
    await create_cohort(other, name="Kabul B", country="Afghanistan")
    admin = chat_factory(ADMIN_ID)
    await admin.onboard()
    await admin.send("/cohorts")
    assert "All cohorts" in admin.last.text
    assert "Dushanbe A" in admin.last.text and "Kabul B" in admin.last.text
    await admin.press("Kabul B")
    assert "Trainer: 3002" in admin.last.text


async def test_own_link_and_typed_date_mistakes(app, chat_factory):
    trainer = await make_trainer(app, chat_factory)
    await trainer.send("/cohorts")
    await trainer.press("➕")
    await trainer.send("Bishkek")
    await trainer.press("Kyrgyzstan")
    await trainer.send("next spring")
    assert "could not read" in trainer.last.text and "Skip" in str(trainer.last.buttons)
    await trainer.send("31.02.2026")
    assert "could not read" in trainer.last.text
    await trainer.send("2026-03-01")
    payload = invite_payload(trainer.last.text)
    await trainer.send(f"/start {payload}")
    assert "your own cohort" in trainer.last.text


@pytest.mark.parametrize("text", ["/quiz", "/cohorts"])
async def test_a_command_ends_a_pending_question_for_a_name(app, chat_factory, text):
    trainer = await make_trainer(app, chat_factory)
    await trainer.send("/cohorts")
    await trainer.press("➕")
    await trainer.send(text)
    await trainer.send("overdose")  # now a search, not a cohort name
    assert "Which country" not in trainer.last.text
    assert await app.bot_data.services.store.cohorts.count() == 0


async def test_a_trainers_forget_deletes_cohorts_and_broadcasts_but_not_the_role_audit(
        app, chat_factory):
    admin = chat_factory(ADMIN_ID)
    await admin.onboard()
    trainer = chat_factory(TRAINER)
    await trainer.onboard()
    await admin.send(f"/trainer_add {TRAINER}")
    await create_cohort(trainer)
    services = app.bot_data.services
    await services.broadcasts.send_template(TRAINER, "meeting",
                                            {"date": "2026-12-05", "time": "10:00"}, [])
    await trainer.send("/forget")
    await trainer.press("Yes, delete everything")
    store = services.store
    assert await store.cohorts.count() == 0
    assert await store.broadcasts.history(None) == []
    audit = await store.roles.audit()
    assert [(a.actor_id, a.subject_id) for a in audit] == [(ADMIN_ID, TRAINER)]
    await admin.send("/forget")
    await admin.press("Yes, delete everything")
    assert [(a.actor_id, a.subject_id) for a in await store.roles.audit()] == \
        [(ADMIN_ID, TRAINER)]  # kept on purpose: the privacy notice says so


async def test_the_record_of_sent_messages_is_kept_thirty_days(app, chat_factory, clock):
    from staffing import MEETING

    from bot.handlers.broadcast_report import Reports
    trainer = await make_trainer(app, chat_factory)
    officer = chat_factory(3201)
    await officer.onboard()
    services = app.bot_data.services
    await services.broadcasts.send_template(trainer.user_id, "meeting", MEETING, [3201])
    await services.sender.drain(app.bot)
    await Reports().tick(services, app.bot)  # the broadcast finishes with its totals
    assert len(await services.store.outbox.rows(kind="broadcast")) == 1
    clock.advance(days=29)
    await Reports().tick(services, app.bot)
    assert len(await services.store.outbox.rows(kind="broadcast")) == 1
    clock.advance(days=2)
    await Reports().tick(services, app.bot)
    assert await services.store.outbox.rows(kind="broadcast") == []
    totals = await services.broadcasts.totals()
    assert totals.sent == 1  # the history keeps its totals


@pytest.mark.parametrize("locale", ["en", "ru", "fa", "ps", "uz"])
async def test_privacy_notice_names_what_exists(catalogs, locale):
    from bot.handlers.onboarding import privacy_text

    class Context:
        t = catalogs.get(locale)
    text = privacy_text(Context())
    for command in ("/cohort", "/forget"):
        assert command in text, locale
    if locale == "en":
        for words in ("cohorts you joined", "30 days", "does not keep it",
                      "emergency-number corrections", "trainer roles", "safety-critical"):
            assert words in text
        assert "never your answers" not in text  # no promise later features would break


@pytest.mark.parametrize("trainer_lang,trainer_button,officer_lang,officer_button,joined,left", [
    ("ru", "Русский", "fa", "فارسی", "پیوستید", "بیرون رفتید"),
    ("fa", "فارسی", "ru", "Русский", "Вы вступили", "Вы вышли"),
    ("kk", "Қазақша", "ur", "اردو", "شامل ہو گئے", "چھوڑ دیا"),
])
async def test_join_and_leave_in_the_officers_language(app, chat_factory, fake, trainer_lang,
                                                       trainer_button, officer_lang,
                                                       officer_button, joined, left):
    fake.names[TRAINER] = "Aigerim"
    trainer = await make_trainer(app, chat_factory, lang=trainer_lang, language=trainer_button)
    await trainer.send("/cohorts")
    assert "New cohort" not in str(trainer.last.buttons)
    await trainer.press("➕")
    await trainer.send("Almaty May")
    await trainer.press(2)  # the third country
    await trainer.press(0)  # skip the date
    payload = invite_payload(trainer.last.text)
    officer = chat_factory(3301, officer_lang)
    await officer.send(f"/start {payload}")
    await officer.press(officer_button)
    await officer.press(0)
    await officer.press(0)
    assert joined in officer.last.text and "Aigerim" in officer.last.text
    assert "Almaty May" in officer.last.text
    await officer.send("/cohort")
    await officer.press(0)  # leave
    await officer.press(0)  # yes
    assert left in officer.last.text
