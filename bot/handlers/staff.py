"""What trainer and admin screens share: the role guard, typed-input state, names, links."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, MessageHandler, filters

from bot.context import BotContext
from bot.handlers.common import answer_button, show

log = logging.getLogger(__name__)
Handler = Callable[[Update, BotContext], Awaitable[None]]

#: user_data key of the text a trainer is asked to type next (a cohort name, a message...)
INPUT = "staff_input"


async def refuse(update: Update, context: BotContext, text: str) -> None:
    """Say no: as a pop-up to a button press, as a message to a command. ``text`` is plain
    (``t.label``)."""
    if update.callback_query is not None:
        await answer_button(update, text, alert=True)
    else:
        await show(update, context, html.escape(text, quote=False), edit=False)


def trainer_only(handler: Handler) -> Handler:
    """Refuse, in the user's language, anyone who is not a trainer or an admin. Checked on
    the server for every command and button: button data can be forged."""
    @wraps(handler)
    async def guarded(update: Update, context: BotContext) -> None:
        if not context.accounts.is_trainer(context.user, update.effective_user.id):
            clear_input(context)
            await refuse(update, context, context.t.label("This is for trainers only."))
            return
        await handler(update, context)
    return guarded


def with_note(note: str, screen: str) -> str:
    """A screen (HTML) under a one-line note (plain text, escaped here)."""
    return f"{html.escape(note, quote=False)}\n\n{screen}"


def is_admin(update: Update, context: BotContext) -> bool:
    return context.accounts.is_admin(context.user, update.effective_user.id)


def expect_input(context: BotContext, kind: str, **data: Any) -> None:
    """The next text this user sends is ``kind`` (read by the feature's text reader)."""
    context.user_data[INPUT] = {"kind": kind, **data}


def pending_input(context: BotContext) -> dict[str, Any] | None:
    value = context.user_data.get(INPUT) if context.user_data is not None else None
    return value if isinstance(value, dict) else None


def clear_input(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(INPUT, None)


async def forget_input_on_command(update: Update, context: BotContext) -> None:
    """Any command (group 1, after it was handled) ends a pending request for typed text,
    so that a later search is not taken for a cohort name."""
    clear_input(context)


def invite_link(context: BotContext, payload: str) -> str:
    """``https://t.me/<bot>?start=<payload>``; the bot's username comes from getMe."""
    return f"https://t.me/{context.bot.username}?start={payload}"


async def display_names(context: BotContext, user_ids: list[int]) -> dict[int, str]:
    """Telegram names of users, asked from Telegram now (getChat) and never stored; a user
    Telegram will not tell us about is left out."""
    async def one(user_id: int) -> tuple[int, str | None]:
        try:
            chat = await context.bot.get_chat(user_id)
        except TelegramError:
            return user_id, None
        name = " ".join(part for part in (chat.first_name, chat.last_name) if part)
        return user_id, name or (f"@{chat.username}" if chat.username else None)

    found = await asyncio.gather(*(one(u) for u in user_ids))
    return {user_id: name for user_id, name in found if name}


def register(app: Application) -> None:
    # group 1: runs after the command was handled in group 0
    app.add_handler(MessageHandler(filters.COMMAND, forget_input_on_command), group=1)
