"""Cross-cutting work that runs before every handler (group -1)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import BotContext
from bot.handlers.classroom import GROUP_BUTTONS, GROUP_COMMANDS
from bot.handlers.common import answer_button
from bot.handlers.onboarding import show_step
from bot.ui import callbacks as cb

#: What works before onboarding is complete; everything else leads to the next step.
OPEN_COMMANDS = frozenset({"start", "help", "language", "privacy", "forget", "emergency"})
OPEN_BUTTONS = frozenset({cb.LANG.prefix, cb.COUNTRY.prefix, cb.PRIVACY_OK.prefix,
                          cb.FORGET.prefix, cb.EMERGENCY.prefix, cb.EMERGENCY_COUNTRY.prefix})


async def load_visitor(update: Update, context: BotContext) -> None:
    """Load the stored user and their translator once per update; drop what is not ours."""
    tg_user = update.effective_user
    if tg_user is None or tg_user.is_bot:
        raise ApplicationHandlerStop
    chat = update.effective_chat
    in_group = chat is not None and chat.type != ChatType.PRIVATE
    if in_group and update.my_chat_member is None and not classroom_update(update):
        if update.callback_query is not None:
            await answer_button(update)
        raise ApplicationHandlerStop  # in groups: only the classroom's commands and buttons
    visitor = await context.accounts.visitor(tg_user.id, tg_user.language_code)
    context.user = visitor.user
    if visitor.user is not None and not visitor.user.active and \
            (update.effective_message is not None or update.callback_query is not None):
        context.user = await context.accounts.reactivate(visitor.user)  # writing again
    context.t = context.services.catalogs.get(visitor.locale)
    if in_group:
        return  # checked by the classroom's handlers; no onboarding steps in a group
    query = update.callback_query
    if query is not None and query.message is not None and query.message.chat.id != tg_user.id:
        await answer_button(update, context.t.label("This button belongs to another chat."),
                            alert=True)
        raise ApplicationHandlerStop
    await onboarding_gate(update, context)


async def onboarding_gate(update: Update, context: BotContext) -> None:
    """Until language, country and privacy are done, show the next step instead."""
    user = context.user
    if (user is not None and user.onboarded) or update.my_chat_member or update.inline_query \
            or update.edited_message:
        return
    query, message = update.callback_query, update.message
    if query is not None:
        if (query.data or "").split(":", 1)[0] in OPEN_BUTTONS:
            return
        await answer_button(update)
    elif message is not None and (message.text or "").startswith("/"):
        command = message.text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() \
            if len(message.text) > 1 else ""
        if command in OPEN_COMMANDS:
            return
    elif message is None:
        return
    user = user or await context.accounts.start(update.effective_user.id,
                                                update.effective_chat.id, None)
    context.user = user
    await show_step(update, context, user, edit=query is not None)
    raise ApplicationHandlerStop


def classroom_update(update: Update) -> bool:
    """A group update the bot answers (group privacy mode): a class command addressed to
    it, or a press of a class quiz button."""
    message, query = update.message, update.callback_query
    if query is not None:
        return (query.data or "").split(":", 1)[0] in GROUP_BUTTONS
    if message is not None and message.migrate_to_chat_id:
        return True  # the group became a supergroup: its class link follows
    if message is None or not (message.text or "").startswith("/"):
        return False
    words = message.text[1:].split(maxsplit=1)
    command, _, bot_name = words[0].partition("@") if words else ("", "", "")
    return command.lower() in GROUP_COMMANDS and \
        (not bot_name or bot_name.lower() == (message.get_bot().username or "").lower())


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, load_visitor), group=-1)
