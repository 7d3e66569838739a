"""Helpers for trainer, cohort, broadcast and outbox tests."""

from __future__ import annotations

from harness import Chat

from bot.sandbox import UpdateFactory

MEETING = {"date": "2026-12-05", "time": "10:00"}


async def officers(app, fake, ids_and_languages) -> list[Chat]:
    """Onboarded officers: ``[(user id, Telegram language code, language button), ...]``."""
    chats = []
    for user_id, code, language in ids_and_languages:
        chat = Chat(app, fake, UpdateFactory(user_id, language_code=code))
        await chat.onboard(language)
        chats.append(chat)
    return chats


async def trainer(app, fake, user_id=4001, code="en", language="English") -> Chat:
    chat = Chat(app, fake, UpdateFactory(user_id, language_code=code))
    await chat.onboard(language)
    await app.bot_data.services.store.users.set_role(user_id, "trainer")
    return chat


async def cohort_with(app, trainer_id: int, member_ids, name="Cohort A", country="KZ"):
    """A cohort of ``trainer_id`` with the given members (through the services)."""
    services = app.bot_data.services
    cohort = await services.cohorts.create(trainer_id, name, country, None)
    for user_id in member_ids:
        assert (await services.cohorts.join(user_id, cohort.invite_code)).status == "ok"
    return cohort


def delivered(fake, text_part: str | None = None) -> dict[int, int]:
    """Messages delivered per chat (sendMessage without error), optionally containing text."""
    out: dict[int, int] = {}
    for call in fake.of("sendMessage"):
        if call.error is None and (text_part is None or text_part in call.text):
            chat_id = int(call.params["chat_id"])
            out[chat_id] = out.get(chat_id, 0) + 1
    return out
