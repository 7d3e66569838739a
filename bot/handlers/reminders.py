"""Daily reminders: the settings screen, /reminder, and the ticker that sends them."""

from __future__ import annotations

import logging

from babel.dates import get_timezone_location
from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext, Services
from bot.handlers.common import answer_button, show
from bot.handlers.menu import Menu
from bot.handlers.stale import stale_button
from bot.i18n import Html
from bot.numerals import ascii_digits
from bot.services.reminders import FIRST_ALLOWED, LAST_ALLOWED, PRESET_TIMES, TIMEZONES, zone
from bot.ui import callbacks as cb
from bot.ui import quiz as kb

log = logging.getLogger(__name__)
TICK_SECONDS = 60


#: ``/reminder on`` and ``/reminder off`` (and the old ``0`` and ``-`` for off).
SWITCHES = {"on": True, "off": False, "0": False, "-": False}


def _allowed(t) -> dict[str, str]:
    """The first and last minute a reminder may be set to, exactly as they are enforced."""
    return {"first": t.clock(FIRST_ALLOWED), "last": t.clock(LAST_ALLOWED)}


def _zone_label(context: BotContext, name: str) -> str:
    if name == "UTC":
        return "UTC"
    locale = "uz_Latn" if context.t.locale == "uz" else context.t.locale
    return get_timezone_location(zone(name), locale=locale, return_city=True)


def _example(t) -> str:
    """The command an officer can copy, one value (one isolate) in the locale's digits."""
    return f"/reminder {t.clock('08:30')}"


async def reminder_screen(update: Update, context: BotContext, note: str | None = None) -> None:
    t, user = context.t, context.user
    reminder = await context.services.reminders.get_or_default(user.user_id, user.country)
    status = (t._("Your daily reminder is <b>on</b>, at {time} ({zone}).",
                  time=t.clock(reminder.local_time), zone=_zone_label(context, reminder.timezone))
              if reminder.enabled else t._("Your daily reminder is <b>off</b>."))
    text = t._("⏰ <b>Daily reminder</b>\n{status}\n\nPress a time below, or send "
               "/reminder followed by a time from {first} to {last}, for example {example}. "
               "/reminder off turns it off, /reminder on turns it on again.",
               status=Html(status), example=_example(t), **_allowed(t))
    if note:
        text = f"{note}\n\n{text}"
    await show(update, context, text, kb.reminder(t, reminder.enabled, PRESET_TIMES,
                                                  reminder.local_time),
               edit=update.callback_query is not None)


async def reminder_button(update: Update, context: BotContext) -> None:
    values = cb.REMINDER.unpack(update.callback_query.data)
    user, service = context.user, context.services.reminders
    action = values["action"] if values else ""
    if action in ("on", "off"):
        await service.set_enabled(user.user_id, user.country, action == "on")
    elif action.isdigit() and len(action) == 4 and f"{action[:2]}:{action[2:]}" in PRESET_TIMES:
        await service.set_time(user.user_id, user.country, f"{action[:2]}:{action[2:]}")
    else:
        await stale_button(update, context)
        return
    await answer_button(update, context.t.label("Saved."))
    await reminder_screen(update, context)


async def reminder_command(update: Update, context: BotContext) -> None:
    t, user = context.t, context.user
    raw = " ".join(context.args or [])
    if not raw:
        await reminder_screen(update, context)
        return
    switch = SWITCHES.get(ascii_digits(raw.strip().lower()))
    if switch is not None:
        await context.services.reminders.set_enabled(user.user_id, user.country, switch)
        await reminder_screen(update, context)
        return
    result = await context.services.reminders.set_time(user.user_id, user.country, raw)
    if result.status == "unparsed":
        note = t._("I could not read {text} as a time. Send it like this: {example} "
                   "(or 9, 09.00, 9am), or /reminder off.", text=raw[:40], example=_example(t))
    elif result.status == "quiet":
        note = t._("Please choose a time from {first} to {last}: reminders are never sent at "
                   "night.", **_allowed(t))
    else:
        note = None
    await reminder_screen(update, context, note=note)


async def timezone_screen(update: Update, context: BotContext) -> None:
    labels = [_zone_label(context, name) for name in TIMEZONES]
    await show(update, context, context.t._("🌍 Which time zone should your reminders follow?"),
               kb.timezones(context.t, labels))


async def timezone_button(update: Update, context: BotContext) -> None:
    values = cb.TIMEZONE.unpack(update.callback_query.data)
    index = int(values["zone"]) if values and values["zone"].isdigit() else -1
    if not 0 <= index < len(TIMEZONES):
        await stale_button(update, context)
        return
    user = context.user
    await context.services.reminders.set_timezone(user.user_id, user.country, TIMEZONES[index])
    await answer_button(update, context.t.label("Saved."))
    await reminder_screen(update, context)


# --- the ticker ------------------------------------------------------------------------
async def queue_due_reminders(services: Services) -> int:
    """Queue every reminder whose time has come in the outbox (which sends them, at
    Telegram's pace, with the rest of the bulk messages); returns how many were queued."""
    queued = await services.reminders.enqueue_due()
    if queued:
        services.outbox.wake()
    return queued


async def _tick(context: BotContext) -> None:
    await queue_due_reminders(context.bot_data.services)


def register(app: Application, menu: Menu, *, ticker: bool = True) -> None:
    menu.add("reminders", reminder_screen)
    menu.add("timezone", timezone_screen)
    app.add_handler(CommandHandler("reminder", reminder_command,
                                   filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(reminder_button, pattern=cb.REMINDER.pattern))
    app.add_handler(CallbackQueryHandler(timezone_button, pattern=cb.TIMEZONE.pattern))
    if ticker and app.job_queue is not None:
        app.job_queue.run_repeating(_tick, interval=TICK_SECONDS, first=5, name="reminders")
