"""Buttons that no longer mean anything: stale, forged, or from another chat."""

from __future__ import annotations

from typing import TypeVar

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import answer_button, show_menu

T = TypeVar("T")


async def pressed(update: Update, context: BotContext, result: T | None) -> T | None:
    """Answer the pressed button: plainly when ``result`` holds what it asked for, as an
    out-of-date button (with the menu) when it is None. Returns ``result``."""
    if not result:
        await stale_button(update, context)
        return None
    await answer_button(update)
    return result


async def stale_button(update: Update, context: BotContext) -> None:
    """Answer a button we cannot honour (old message, changed or forged data) with the menu."""
    query = update.callback_query
    if query is None:
        return
    await answer_button(update, context.t.label(
        "This button is out of date. Here is the main menu."))
    if context.user is not None and context.user.onboarded:
        await show_menu(update, context)
    else:
        from bot.handlers.onboarding import show_step  # onboarding imports this module
        user = context.user or await context.accounts.start(
            query.from_user.id, update.effective_chat.id, None)
        await show_step(update, context, user, edit=True)
