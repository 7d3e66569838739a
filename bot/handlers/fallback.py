"""Everything no feature claimed: unknown commands, free text, media, edits, old buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import BotContext
from bot.handlers.common import show_menu
from bot.handlers.stale import stale_button
from bot.ui import keyboards

#: Longest free text the bot reads (a search query, a time); Telegram allows 4096.
MAX_TEXT = 1000

#: Features that read free text (search, answers to a question) register a reader here:
#: ``async def reader(update, context) -> bool`` returning True when it handled the text.
TEXT_READERS = "text_readers"
#: Readers of text the bot asked for that may be longer than MAX_TEXT (a trainer's
#: broadcast); they run first and answer over-long text themselves.
LONG_TEXT_READERS = "long_text_readers"



async def unknown_command(update: Update, context: BotContext) -> None:
    command = (update.effective_message.text or "").split()[0][:64]
    await show_menu(update, context, edit=False, note=context.t.label(
        "I do not know the command {command}. Send /help to see what I can do.",
        command=command))


async def text_message(update: Update, context: BotContext) -> None:
    text = update.effective_message.text or ""
    for reader in context.bot_data.get(LONG_TEXT_READERS, ()):
        if await reader(update, context):
            return
    if len(text) > MAX_TEXT:
        await show_menu(update, context, edit=False, note=context.t.nlabel(
            "That message is too long for me. Please send at most {n} character.",
            "That message is too long for me. Please send at most {n} characters.", MAX_TEXT))
        return
    for reader in context.bot_data.get(TEXT_READERS, ()):
        if await reader(update, context):
            return
    await show_menu(update, context, edit=False, note=context.t.label(
        "I answer buttons and commands. Choose from the menu below, or send /help."))


async def media_message(update: Update, context: BotContext) -> None:
    await show_menu(update, context, edit=False, note=context.t.label(
        "I can only read text messages and buttons. Choose from the menu below."))


async def edited_message(update: Update, context: BotContext) -> None:
    await update.effective_message.reply_text(context.t.layout(context.t._(
        "I only read new messages, not edits. Please send your message again.")),
        reply_markup=keyboards.back_to_menu(context.t))


def register(app: Application) -> None:
    """Register last, in group 0: these catch only what no feature handler matched."""
    private = filters.ChatType.PRIVATE
    new = filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & private, edited_message))
    app.add_handler(MessageHandler(new & private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(new & private & filters.TEXT, text_message))
    app.add_handler(MessageHandler(new & private, media_message))
    app.add_handler(CallbackQueryHandler(stale_button))
