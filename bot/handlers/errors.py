"""One error handler: log without secrets, keep the user informed, track blocked users."""

from __future__ import annotations

import logging
import sqlite3

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, ChatMemberHandler

from bot.context import BotContext
from bot.handlers.common import answer_button
from bot.logs import private_traceback, pseudonym
from bot.ui import keyboards

log = logging.getLogger(__name__)


def _is_locked(error: BaseException) -> bool:
    return isinstance(error, sqlite3.OperationalError) and "locked" in str(error).lower()


async def on_error(update: object, context: BotContext) -> None:
    error = context.error
    if not isinstance(update, Update):
        log.error("Error outside an update: %r", error, exc_info=error)
        return
    user = update.effective_user
    if isinstance(error, Forbidden) and user is not None:
        # The user blocked the bot: stop sending until they come back.
        log.info("User %s blocked the bot", pseudonym(user.id))
        await context.accounts.set_blocked(user.id, True)
        return
    if isinstance(error, RetryAfter | TimedOut | NetworkError) and not isinstance(
            error, BadRequest):
        log.warning("Telegram did not take our answer to update %s: %s", update.update_id, error)
        return  # we cannot reach Telegram now; telling the user would fail the same way
    if _is_locked(error):
        log.warning("Database busy while handling update %s", update.update_id)
        text = context.t._("The bot is busy right now. Please try again in a moment.")
    else:
        # The exception's message may quote the officer's input: the traceback leaves it out.
        log.error("Unhandled error in update %s: %s", update.update_id,
                  private_traceback(error))
        text = context.t._("Sorry, something went wrong on our side. Your progress is saved. "
                           "Please try again, or send /start.")
    try:
        if update.callback_query is not None:
            await answer_button(update)
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, context.t.layout(text),
                                           reply_markup=keyboards.back_to_menu(context.t))
    except Exception as exc:
        log.warning("Could not tell the user about the error: %s", exc)


async def membership(update: Update, context: BotContext) -> None:
    """``my_chat_member``: the user blocked (kicked) or unblocked the bot."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    status = change.new_chat_member.status
    await context.accounts.set_blocked(change.from_user.id, status in ("kicked", "left"))


def register(app: Application) -> None:
    app.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_error_handler(on_error)
