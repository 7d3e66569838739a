"""Roles: admins make trainers by one-time invite link or by id, revoke them, and every change
is audited; trainer and admin actions are refused to anyone else, commands and buttons."""

from __future__ import annotations

import re

import pytest
from conftest import ADMIN_ID

from bot.sandbox import BOT_USERNAME


def _invite_payload(text: str) -> str:
    match = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=(tr_[A-Za-z0-9_-]+)", text)
    assert match, text
    return match.group(1)


async def _admin(chat_factory, lang="en", language="English"):
    admin = chat_factory(ADMIN_ID, lang)
    await admin.onboard(language)
    return admin


async def test_invite_link_makes_a_trainer_once_and_is_audited(app, chat_factory):
    admin = await _admin(chat_factory)
    await admin.send("/roles")
    assert "No trainers yet" in admin.last.text
    await admin.press("Create a trainer invite link")
    payload = _invite_payload(admin.last.text)
    assert len(payload) >= 20  # unguessable

    # a newcomer opens the link: onboarding first, then the role
    newcomer = chat_factory(2001, "ru")
    await newcomer.send(f"/start {payload}")
    await newcomer.press("Русский")
    await newcomer.press(0)
    await newcomer.press(0)
    assert "тренер" in newcomer.last.text.lower() and "/cohorts" in newcomer.last.text
    store = app.bot_data.services.store
    assert (await store.users.get(2001)).role == "trainer"

    # the same link again, by someone else: used
    other = chat_factory(2002)
    await other.onboard()
    await other.send(f"/start {payload}")
    assert "already been used" in other.last.text
    assert (await store.users.get(2002)).role == "officer"

    await admin.send("/roles")
    assert "2001" in admin.last.text and "invite link from 9001" in admin.last.text
    entries = await store.roles.audit()
    assert [(e.actor_id, e.subject_id, e.action, e.via) for e in entries] == \
        [(ADMIN_ID, 2001, "grant", "invite")]


async def test_expired_and_forged_trainer_invites_are_refused(app, chat_factory, clock):
    admin = await _admin(chat_factory)
    await admin.send("/roles")
    await admin.press("Create a trainer invite link")
    payload = _invite_payload(admin.last.text)
    clock.advance(hours=73)
    officer = chat_factory(2003)
    await officer.onboard()
    await officer.send(f"/start {payload}")
    assert "expired" in officer.last.text
    await officer.send("/start tr_NotARealInviteCodeAtAll1")
    assert "not valid" in officer.last.text
    assert (await app.bot_data.services.store.users.get(2003)).role == "officer"


async def test_grant_and_revoke_by_user_id(app, chat_factory, fake):
    admin = await _admin(chat_factory)
    await admin.send("/trainer_add 2004")
    assert "has started the bot yet" in admin.last.text  # unknown users cannot be granted
    officer = chat_factory(2004)
    await officer.onboard()
    await admin.send("/trainer_add 2004")
    assert "2004 is now a trainer" in admin.last.text
    assert any("You are now a trainer" in c.text for c in officer.mine())  # told directly
    await admin.send("/trainer_add 2004")
    assert "already a trainer" in admin.last.text
    await admin.send("/trainer_add someone")
    assert "/trainer_add 123456789" in admin.last.text
    await admin.send(f"/trainer_add {ADMIN_ID}")
    assert "administrator already" in admin.last.text

    await admin.send("/roles")
    await admin.press("Revoke 2004")
    await admin.press("Yes, revoke")
    assert "no longer a trainer" in admin.answered_callback().params["text"]
    assert (await app.bot_data.services.store.users.get(2004)).role == "officer"
    await admin.send("/trainer_remove 2004")
    assert "2004 is not a trainer" in admin.last.text
    changes = await app.bot_data.services.store.roles.audit()
    assert [(c.action, c.subject_id, c.actor_id) for c in changes] == \
        [("revoke", 2004, ADMIN_ID), ("grant", 2004, ADMIN_ID)]


@pytest.mark.parametrize("lang,language,word", [("en", "English", "administrators only"),
                                                ("fa", "فارسی", "مدیر"),
                                                ("ru", "Русский", "администратор")])
async def test_officer_cannot_use_admin_commands_or_buttons(chat_factory, lang, language,
                                                            word, app):
    officer = chat_factory(2005, lang)
    await officer.onboard(language)
    await officer.send("/roles")
    assert word in officer.last.text.lower()
    await officer.send("/trainer_add 2005")
    assert word in officer.last.text.lower()
    await officer.press_data("ro:invite:-")  # a forged admin button
    answer = officer.answered_callback().params
    assert answer.get("show_alert") and word in answer["text"].lower()
    await officer.press_data("ro:revoke-yes:2005")
    assert (await app.bot_data.services.store.roles.audit()) == []
    assert (await app.bot_data.services.store.users.get(2005)).role == "officer"


@pytest.mark.parametrize("data", ["co:-:new:-", "co:1:close-yes:-", "bc:1:go:-", "bc:0:hist:-"])
async def test_officer_pressing_a_forged_trainer_button_is_refused(chat, data, app):
    await chat.onboard()
    await chat.press_data(data)
    answer = chat.answered_callback().params
    assert answer.get("show_alert") and "trainers only" in answer["text"]
    assert await app.bot_data.services.store.cohorts.count() == 0
