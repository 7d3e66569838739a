"""Cross-cutting work that runs before every handler (group -1)."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

from bot.context import BotContext


async def load_visitor(update: Update, context: BotContext) -> None:
    """Load the stored user and their translator once per update; drop what is not ours."""
    tg_user = update.effective_user
    if tg_user is None or tg_user.is_bot:
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is not None and chat.type != ChatType.PRIVATE and update.my_chat_member is None:
        if update.callback_query is not None:
            await update.callback_query.answer()
        raise ApplicationHandlerStop  # the bot works in private chats only
    visitor = await context.accounts.visitor(tg_user.id, tg_user.language_code)
    context.user = visitor.user
    context.t = context.services.catalogs.get(visitor.locale)
    query = update.callback_query
    if query is not None and query.message is not None and query.message.chat.id != tg_user.id:
        await query.answer(context.t.label("This button belongs to another chat."),
                           show_alert=True)
        raise ApplicationHandlerStop


def register(app: Application) -> None:
    app.add_handler(TypeHandler(Update, load_visitor), group=-1)
