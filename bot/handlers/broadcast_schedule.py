"""Scheduling a broadcast at a local time (never at night, never in the past), cancelling a
scheduled one; and the helpers the composer shares with it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import answer_button, show
from bot.handlers.staff import refuse
from bot.handlers.stale import stale_button
from bot.i18n import Translator
from bot.services.reminders import QUIET_END, QUIET_START, in_quiet_hours, zone
from bot.store.broadcasts import Broadcast
from bot.ui import broadcasts as kb

SCHEDULE_DAYS = 7
#: the latest time a broadcast may be scheduled (quiet hours begin at QUIET_START)
LATEST = (datetime.combine(date(2000, 1, 1), QUIET_START) - timedelta(minutes=1)).time()


async def zone_name(context: BotContext, user_id: int) -> str:
    user = context.user
    reminder = await context.services.reminders.get_or_default(
        user_id, user.country if user else None)
    return reminder.timezone


def status_refusal(t: Translator, b: Broadcast) -> str:
    if b.status == "scheduled":
        return t.label("This broadcast is already scheduled.")
    if b.status == "cancelled":
        return t.label("This broadcast was cancelled.")
    return t.label("This broadcast has already been sent.")


def parse_moment(value: str) -> tuple[date, time] | None:
    try:
        moment = datetime.strptime(value, "%Y%m%d%H%M")
    except ValueError:
        return None
    return moment.date(), moment.time()


def parse_day(value: str) -> date | None:
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


async def schedule_day(update: Update, context: BotContext, b: Broadcast, value: str
                        ) -> None:
    t = context.t
    tz = zone(await zone_name(context, update.effective_user.id))
    today = context.services.clock().astimezone(tz).date()
    if value == kb.NONE:
        await answer_button(update)
        await show(update, context, t._("On which day should it go out?"),
                   kb.days(t, b, today, SCHEDULE_DAYS, "sch", "pre"))
        return
    day = parse_day(value)
    if day is None:
        await stale_button(update, context)
        return
    await answer_button(update)
    now = context.services.clock().astimezone(tz)
    earliest = now.hour + 1 if day == today else 0
    await show(update, context, t._(
        "At what time on {date}? Times are in your time zone ({zone}); broadcasts are not "
        "sent between {quiet_start} and {quiet_end}.", date=t.date(day),
        zone=tz.key, quiet_start=t.clock(QUIET_START), quiet_end=t.clock(QUIET_END)),
        kb.hours(t, b, day, "st", "sch", earliest))


async def schedule_time(update: Update, context: BotContext, b: Broadcast, value: str
                         ) -> None:
    t = context.t
    moment = await acceptable_moment(update, context, value)
    if moment is None:
        return
    preview = await context.services.broadcasts.preview(b)
    await answer_button(update)
    tz_name = await zone_name(context, update.effective_user.id)
    await show(update, context, t.ngettext(
        "Send this broadcast on {date} at {time} ({zone})? It would go to {n} officer now; "
        "the audience is counted again when it is sent.",
        "Send this broadcast on {date} at {time} ({zone})? It would go to {n} officers now; "
        "the audience is counted again when it is sent.", preview.recipients,
        date=t.date(moment[0]), time=t.clock(moment[1]), zone=tz_name),
        kb.confirm(t, b, t.label("Yes, schedule it"), value))


async def acceptable_moment(update: Update, context: BotContext, value: str
                             ) -> tuple[date, time] | None:
    """The (local day, time) of a schedule button; None, after saying why, when it is not a
    time, is inside quiet hours or has passed."""
    t = context.t
    moment = parse_moment(value)
    if moment is None:
        await stale_button(update, context)
        return None
    day, at = moment
    tz = zone(await zone_name(context, update.effective_user.id))
    if in_quiet_hours(at):
        await refuse(update, context, t.label(
            "Please choose a time from {start} to {end}: broadcasts are not sent at night.",
            start=t.clock(QUIET_END), end=t.clock(LATEST)))
        return None
    if datetime.combine(day, at, tzinfo=tz) <= context.services.clock():
        await refuse(update, context, t.label("That time has already passed. Please choose "
                                              "a later one."))
        return None
    return moment


async def schedule_go(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    t = context.t
    moment = await acceptable_moment(update, context, value)
    if moment is None:
        return
    tz_name = await zone_name(context, update.effective_user.id)
    status = await context.services.broadcasts.schedule(b, moment[0], moment[1], tz_name)
    if status != "ok":
        fresh = await context.store.broadcasts.get(b.id)
        await refuse(update, context, status_refusal(t, fresh or b))
        return
    await answer_button(update)
    await show(update, context, t._(
        "🕒 Broadcast #{id} is scheduled for {date} at {time} ({zone}). You can cancel it "
        "until then.", id=str(b.id), date=t.date(moment[0]), time=t.clock(moment[1]),
        zone=tz_name), kb.scheduled(t, b))


async def cancel_scheduled(update: Update, context: BotContext, b: Broadcast) -> None:
    t = context.t
    if not await context.services.broadcasts.cancel(b):
        await refuse(update, context, t.label(
            "Too late to cancel: this broadcast has already started.")
            if b.status in ("sending", "done") else status_refusal(t, b))
        return
    await answer_button(update, t.label("Cancelled."))
    await show(update, context, t._("Broadcast #{id} is cancelled: it will not be sent.",
                                    id=str(b.id)), kb.history(t, []))
