"""The note an officer gets when sending updates faster than the bot takes them
(``bot.concurrency.UpdateLimiter``): once per flood, in the officer's language."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import Application

from bot.context import Services
from bot.handlers.common import answer_button
from bot.i18n import N_

log = logging.getLogger(__name__)

NOTE = N_("You are sending messages faster than I can answer, so I skipped the last ones. "
          "Please wait a few seconds, then go on.")


async def flood_note(app: Application, update: Update) -> None:
    """Answer the first refused update of a flood: a pop-up for a button, else a message.
    One read (the officer's language); nothing else is done for the update."""
    services: Services = app.bot_data["services"]
    tg_user = update.effective_user
    if tg_user is None or tg_user.is_bot:
        return
    visitor = await services.accounts.visitor(tg_user.id, tg_user.language_code)
    t = services.catalogs.get(visitor.locale)
    chat = update.effective_chat
    try:
        if update.callback_query is not None:
            await answer_button(update, t.label(NOTE), alert=True)
        elif chat is not None and chat.type == ChatType.PRIVATE and update.message is not None:
            await app.bot.send_message(chat.id, t._(NOTE))
    except TelegramError as exc:
        log.info("Flood note not delivered: %s", type(exc).__name__)
