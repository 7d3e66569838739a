"""Rendering shared by the handlers: show a screen in place, or as a new message."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest, NetworkError, RetryAfter

from bot.context import BotContext
from bot.ui import keyboards
from bot.ui.direction import markup_for

log = logging.getLogger(__name__)

MAX_MESSAGE = 4096


async def answer_button(update: Update, text: str | None = None, *,
                        alert: bool = False) -> bool:
    """Answer the pressed button (stop its spinner; ``text`` as a toast, or an alert).

    Best effort, never raising: after downtime Telegram refuses to answer a query that is too
    old (400), and a timeout or a network error may hit this call like any other. The officer
    must still get the screen the press asked for, so such a failure is only logged.
    Returns whether Telegram took the answer.
    """
    query = update.callback_query
    if query is None:
        return False
    try:
        await query.answer(text, show_alert=alert)
        return True
    except (NetworkError, RetryAfter) as exc:  # BadRequest and TimedOut are NetworkErrors
        log.info("Button press not answered (%s: %s); showing the screen anyway",
                 type(exc).__name__, exc)
        return False


async def show(update: Update, context: BotContext, text: str,
               markup: InlineKeyboardMarkup | None = None, *, edit: bool = True,
               protect: bool = False) -> None:
    """Show a screen: edit the pressed message in place, or send a new one.

    Navigation edits the message the button belongs to; a command or a message that can no
    longer be edited gets a new message.
    """
    if len(text) > MAX_MESSAGE:  # content is checked; this guards against a bad translation
        log.error("Message of %d characters truncated", len(text))
        text = text[: MAX_MESSAGE - 1] + "…"
    text, markup = context.t.layout(text), markup_for(context.t, markup)
    query = update.callback_query
    if edit and query is not None and query.message is not None and not protect:
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            log.info("Could not edit message (%s); sending a new one", exc)
    chat = update.effective_chat
    if chat is None:
        return
    await context.bot.send_message(chat.id, text, reply_markup=markup, protect_content=protect)


def fallback_notice(context: BotContext, fell_back: bool) -> str:
    """The line that tells the officer some content is shown in English, or nothing."""
    if not fell_back:
        return ""
    return "\n\n" + context.t._(
        "<i>Not yet translated into {language}: shown in English.</i>",
        language=context.t.language_name)


class Page:
    """Content texts of one screen in the officer's language; remembers any English
    fallback, so that ``notice()`` can say so."""

    def __init__(self, context: BotContext):
        self.context = context
        self.served = context.services.content.served
        self.fallback = False

    def __call__(self, text) -> str:
        value, fell_back = self.served.text(self.context.t.locale, text)
        self.fallback |= fell_back
        return value

    def notice(self) -> str:
        return fallback_notice(self.context, self.fallback)


def menu_text(context: BotContext) -> str:
    return context.t._("<b>Main menu</b>\nWhat would you like to do?")


async def show_menu(update: Update, context: BotContext, *, edit: bool = True,
                    note: str | None = None) -> None:
    """The main menu, optionally under a one-line note: translated plain text (``t.label``),
    which may quote what the officer typed, so it is HTML-escaped here."""
    text = menu_text(context) if note is None else context.t._(
        "{note}\n\n<b>Main menu</b>\nWhat would you like to do?", note=note)
    user = update.effective_user
    resume = user is not None and \
        await context.services.lessons.resume_point(user.id) is not None
    await show(update, context, text, keyboards.main_menu(context.t, resume=resume), edit=edit)

