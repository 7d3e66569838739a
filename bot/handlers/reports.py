"""/report: the progress report for admins and trainers, its filters (edited in place) and
its follow-ups (a refresher for the weakest module, a nudge for the inactive, both through the
broadcast composer's preview and confirmation); /reach: cascade reach.

The viewer's right to see a filter is checked with ``scope_for`` on every command and every
press: filter data comes from the client and a trainer's forged cohort id is refused."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.handlers.broadcast import preview_screen
from bot.handlers.common import answer_button, show
from bot.handlers.report_access import cohort_name, report_scope
from bot.handlers.staff import clear_input, is_admin, refuse, trainer_only
from bot.handlers.stale import stale_button
from bot.services.report_scope import ReportFilter, Scope
from bot.ui import callbacks as cb
from bot.ui import reports as ui
from bot.ui import templates
from bot.ui.trainers import homed

PAGE = 10  # cohorts per page of the cohort picker


def _title(context: BotContext):
    served, locale = context.services.content.served, context.t.locale
    return lambda text: served.text(locale, text)[0]


async def report_screen(update: Update, context: BotContext, wanted: ReportFilter) -> None:
    scope = await report_scope(update, context, wanted)
    if scope is None:
        return
    await answer_button(update)
    report = await context.services.reports.report(scope)
    course, title = context.services.content.course, _title(context)
    cohort = await cohort_name(update, context, scope)
    weakest = report.weakest
    weakest_title = None
    if weakest is not None and course.module(weakest.module_id) is not None:
        weakest_title = title(course.module(weakest.module_id).title)
    await show(update, context, ui.report_text(context.t, report, course, title, cohort),
               ui.report_keyboard(context.t, report, cohort, weakest_title),
               edit=update.callback_query is not None)


async def report_command(update: Update, context: BotContext) -> None:
    clear_input(context)
    await report_screen(update, context, ReportFilter())


async def report_button(update: Update, context: BotContext) -> None:
    values = cb.REPORT.unpack(update.callback_query.data)
    wanted = ReportFilter.unpack(values["f"]) if values else None
    if wanted is None:
        await stale_button(update, context)
        return
    await report_screen(update, context, wanted)


async def report_set_button(update: Update, context: BotContext) -> None:
    """A filter picker (``co.<page>``, ``cty``, ``lng``, ``per``) or a follow-up
    (``ref.<module>`` refresher, ``ina`` inactive officers, ``nud`` their nudge)."""
    values = cb.REPORT_SET.unpack(update.callback_query.data)
    wanted = ReportFilter.unpack(values["f"]) if values else None
    if wanted is None:
        await stale_button(update, context)
        return
    scope = await report_scope(update, context, wanted)
    if scope is None:
        return
    key, t, f = values["key"], context.t, scope.filter
    if key.startswith("co.") and key[3:].isdigit() and int(key[3:]) < 1000:
        page = int(key[3:])
        admin, user_id = is_admin(update, context), update.effective_user.id
        service = context.services.cohorts
        cohorts = await service.listed(user_id, admin=admin, page=page)
        more = await service.count(user_id, admin=admin) > (page + 1) * PAGE
        await answer_button(update)
        await show(update, context, t._("📊 Which cohort should the report cover?"),
                   ui.cohort_picker(t, f, cohorts, page, more))
    elif key == "cty":
        await answer_button(update)
        await show(update, context, t._("📊 Which country should the report cover?"),
                   ui.country_picker(t, f))
    elif key == "lng":
        await answer_button(update)
        await show(update, context, t._("📊 Officers using which language?"),
                   ui.language_picker(t, f))
    elif key == "per":
        await answer_button(update)
        await show(update, context, t._("📊 Which period should the report cover?"),
                   ui.period_picker(t, f))
    elif key.startswith("ref.") and context.services.content.course.module(key[4:]):
        await _refresher(update, context, scope, key[4:])
    elif key in ("ina", "nud"):
        await _inactive(update, context, scope, nudge=key == "nud")
    else:
        await stale_button(update, context)


async def _refresher(update: Update, context: BotContext, scope: Scope, module_id: str
                     ) -> None:
    """A refresher on the module the report found weakest to those of the filter whose
    recall in it is low, as a broadcast draft shown in the composer's preview (send or
    schedule from there)."""
    t, service = context.t, context.services.reports
    officers = await service.low_recall(scope, module_id)
    if not officers:
        await refuse(update, context, t.label(
            "Nobody in this filter is below 70 % predicted recall in the weakest module."))
        return
    draft = await service.draft(update.effective_user.id, templates.REFRESH,
                                {"module": module_id}, officers)
    if draft is None:
        await stale_button(update, context)
        return
    await answer_button(update)
    await preview_screen(update, context, draft)


async def _inactive(update: Update, context: BotContext, scope: Scope, *, nudge: bool
                    ) -> None:
    t, service, f = context.t, context.services.reports, scope.filter
    officers = await service.inactive(scope)
    if not nudge:
        await answer_button(update)
        text = t.ngettext(
            "💤 {n} officer of this filter did nothing in the period (no lesson card opened, "
            "no question answered). A nudge reminds each of them, in his or her own "
            "language, how many lessons are finished.",
            "💤 {n} officers of this filter did nothing in the period (no lesson card opened, "
            "no question answered). A nudge reminds each of them, in his or her own "
            "language, how many lessons are finished.", len(officers))
        await show(update, context, text, ui.inactive_keyboard(t, f, len(officers)))
        return
    if not officers:
        await refuse(update, context, t.label("Nobody in this filter is inactive now."))
        return
    draft = await service.draft(update.effective_user.id, templates.PROGRESS, {}, officers)
    if draft is None:
        await stale_button(update, context)
        return
    await answer_button(update)
    await preview_screen(update, context, draft)


@trainer_only
async def reach_command(update: Update, context: BotContext) -> None:
    clear_input(context)
    admin = is_admin(update, context)
    reach = await context.services.reports.reach(None if admin else update.effective_user.id)
    await show(update, context, ui.reach_text(context.t, reach, admin=admin),
               homed(context.t, []), edit=False)


#: how often the admins' reports over everyone are computed again in the background
REFRESH_EVERY_S = 5 * 60


async def _refresh_everyone(context: BotContext) -> None:
    await context.services.reports.refresh_everyone()


def register(app: Application, *, refresh: bool = True) -> None:
    private = filters.ChatType.PRIVATE
    if refresh and app.job_queue is not None:
        app.job_queue.run_repeating(_refresh_everyone, interval=REFRESH_EVERY_S,
                                    first=REFRESH_EVERY_S, name="everyone_report")
    app.add_handler(CommandHandler("report", report_command, filters=private))
    app.add_handler(CommandHandler("reach", reach_command, filters=private))
    app.add_handler(CallbackQueryHandler(report_button, pattern=cb.REPORT.pattern))
    app.add_handler(CallbackQueryHandler(report_set_button, pattern=cb.REPORT_SET.pattern))
