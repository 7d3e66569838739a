"""The main menu: each feature registers the screen behind its menu entry."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers import onboarding
from bot.handlers.common import answer_button, show, show_menu
from bot.handlers.stale import stale_button
from bot.ui import callbacks as cb
from bot.ui import keyboards

Screen = Callable[[Update, BotContext], Awaitable[None]]


class Menu:
    """Routes ``menu:<item>`` buttons to the screens that features register."""

    def __init__(self) -> None:
        self.screens: dict[str, Screen] = {}

    def add(self, item: str, screen: Screen) -> None:
        cb.MENU.pack(item=item)  # fails early if the item cannot be callback data
        self.screens[item] = screen

    async def pressed(self, update: Update, context: BotContext) -> None:
        query = update.callback_query
        values = cb.MENU.unpack(query.data)
        screen = self.screens.get(values["item"]) if values else None
        if screen is None:
            await stale_button(update, context)
            return
        await answer_button(update)
        await screen(update, context)


async def home(update: Update, context: BotContext) -> None:
    await show_menu(update, context)


async def not_ready(update: Update, context: BotContext) -> None:
    """A menu entry whose feature has not shipped yet: say so plainly."""
    await show(update, context, context.t._(
        "This part of the course is still being prepared. It will appear here as soon as it "
        "is ready."), keyboards.back_to_menu(context.t))


async def menu_command(update: Update, context: BotContext) -> None:
    await show_menu(update, context, edit=False)


def register(app: Application, menu: Menu) -> None:
    menu.add("home", home)
    menu.add("settings", onboarding.settings_screen)
    menu.add("language", lambda u, c: onboarding.show_language(u, c, edit=True, welcome=False))
    menu.add("country", onboarding.country_screen)
    menu.add("privacy", onboarding.privacy_command)
    menu.add("forget", onboarding.forget_command)
    for item in ("reference",):
        menu.screens.setdefault(item, not_ready)
    app.add_handler(CommandHandler("menu", menu_command))
    app.add_handler(CallbackQueryHandler(menu.pressed, pattern=cb.MENU.pattern))
