"""The report's charts (PNG photos) and CSV exports (documents), for trainers and admins.

``REPORT_CHART``/``REPORT_CSV`` with kind ``menu`` show the sub-menu for a filter (reached
from the report's buttons); other kinds draw or write the file and send it. ``/charts`` and
``/export`` open the same menus for the default filter. The viewer's right to the filter is
checked with ``scope_for`` on every press: button data can be forged or out of date.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.handlers.common import answer_button, show
from bot.handlers.report_access import cohort_name, report_scope
from bot.handlers.staff import refuse
from bot.handlers.stale import stale_button
from bot.services import charts as chart_kinds
from bot.services import exports as export_kinds
from bot.services.report_scope import ReportFilter, Scope
from bot.ui import callbacks as cb
from bot.ui import report_media as view
from bot.ui.direction import markup_for

log = logging.getLogger(__name__)
SNAPSHOT_EVERY_S = 24 * 3600
FIRST_SNAPSHOT_S = 120


def _is_admin(update: Update, context: BotContext) -> bool:
    return context.accounts.is_admin(context.user, update.effective_user.id)


async def charts_command(update: Update, context: BotContext) -> None:
    scope = await report_scope(update, context, ReportFilter())
    if scope is not None:
        await show(update, context, *view.charts_menu(
            context.t, scope.filter, await cohort_name(update, context, scope)), edit=False)


async def export_command(update: Update, context: BotContext) -> None:
    scope = await report_scope(update, context, ReportFilter())
    if scope is not None:
        await show(update, context, *view.exports_menu(
            context.t, scope.filter, await cohort_name(update, context, scope),
            admin=_is_admin(update, context)), edit=False)


async def _checked(update: Update, context: BotContext, route: cb.Route,
                   kinds: tuple[str, ...]) -> tuple[str, Scope] | None:
    """The pressed kind and the scope the viewer may see; None once answered (out of date,
    forged, or not this viewer's)."""
    values = route.unpack(update.callback_query.data)
    wanted = ReportFilter.unpack(values["f"]) if values else None
    if values is None or wanted is None or values["kind"] not in kinds:
        await stale_button(update, context)
        return None
    scope = await report_scope(update, context, wanted)
    return (values["kind"], scope) if scope is not None else None


async def chart_button(update: Update, context: BotContext) -> None:
    checked = await _checked(update, context, cb.REPORT_CHART, ("menu", *chart_kinds.KINDS))
    if checked is None:
        return
    kind, scope = checked
    t = context.t
    name = await cohort_name(update, context, scope)
    if kind == "menu":
        await answer_button(update)
        await show(update, context, *view.charts_menu(t, scope.filter, name))
        return
    await answer_button(update, t.label("Drawing the chart…"))
    chat_id = update.effective_chat.id
    await _action(context, chat_id, ChatAction.UPLOAD_PHOTO)
    service = context.services.charts
    chart = await view.chart_for(kind, service, t, scope, _module_titles(context))
    png = await service.render(chart)
    await context.bot.send_photo(chat_id, png, filename=f"{kind}.png",
                                 caption=t.layout(view.chart_caption(t, kind, scope.filter,
                                                                     name)),
                                 reply_markup=markup_for(t, view.file_keyboard(
                                     t, scope.filter, chart=True)))


async def csv_button(update: Update, context: BotContext) -> None:
    checked = await _checked(update, context, cb.REPORT_CSV,
                             ("menu", "ids", *export_kinds.KINDS, "ids_ok"))
    if checked is None:
        return
    kind, scope = checked
    t = context.t
    admin = _is_admin(update, context)
    if kind in ("ids", "ids_ok", "officers_ids") and not admin:
        await refuse(update, context, t.label("Only an admin can export Telegram ids."))
        return
    if kind == "menu":
        await answer_button(update)
        await show(update, context, *view.exports_menu(
            t, scope.filter, await cohort_name(update, context, scope), admin=admin))
        return
    if kind in ("ids", "officers_ids"):  # the explicit confirmation before ids leave the bot
        await answer_button(update)
        await show(update, context, *view.confirm_ids(t, scope.filter))
        return
    await answer_button(update, t.label("Preparing the file…"))
    chat_id = update.effective_chat.id
    await _action(context, chat_id, ChatAction.UPLOAD_DOCUMENT)
    actor = update.effective_user.id
    service = context.services.exports
    if kind == "answers":
        export = await service.answers(scope, actor)
    else:
        export = await service.officers(scope, actor, with_ids=kind == "ids_ok")
    await context.bot.send_document(
        chat_id, export.data, filename=export.filename,
        caption=t.layout(view.export_caption(t, kind, export.rows)),
        reply_markup=markup_for(t, view.file_keyboard(t, scope.filter, chart=False)))
    if kind == "ids_ok":  # the confirmation becomes the menu again: one press, one file
        await show(update, context, *view.exports_menu(
            t, scope.filter, await cohort_name(update, context, scope), admin=admin))


def _module_titles(context: BotContext) -> dict[str, str]:
    served, locale = context.services.content.served, context.t.locale
    return {m.id: served.text(locale, m.title)[0] for m in context.services.content.course.modules}


async def _action(context: BotContext, chat_id: int, action: str) -> None:
    try:
        await context.bot.send_chat_action(chat_id, action)
    except TelegramError as exc:  # only a hint that something is coming
        log.info("Chat action not sent (%s)", type(exc).__name__)


async def _snapshot(context: BotContext) -> None:
    await context.services.charts.take_snapshot()


def register(app: Application, *, snapshots: bool = True) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("charts", charts_command, filters=private))
    app.add_handler(CommandHandler("export", export_command, filters=private))
    app.add_handler(CallbackQueryHandler(chart_button, pattern=cb.REPORT_CHART.pattern))
    app.add_handler(CallbackQueryHandler(csv_button, pattern=cb.REPORT_CSV.pattern))
    if snapshots and app.job_queue is not None:
        app.job_queue.run_repeating(_snapshot, interval=SNAPSHOT_EVERY_S,
                                    first=FIRST_SNAPSHOT_S, name="recall_snapshot")
