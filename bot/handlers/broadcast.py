"""/broadcast: the composer (audience, narrowing, message, preview, send or schedule), the
history, and the live delivery report. Every button checks the role and the broadcast's
owner on the server; every status change is one conditional update, so a second press of
"send" sends nothing."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.countries import country_name
from bot.countries import is_valid as is_valid_country
from bot.course.markup import visible_length
from bot.handlers.broadcast_report import REPORT_EVERY, Reports
from bot.handlers.broadcast_schedule import (
    cancel_scheduled,
    parse_day,
    parse_moment,
    schedule_day,
    schedule_go,
    schedule_time,
    status_refusal,
    zone_name,
)
from bot.handlers.common import answer_button, show, show_menu
from bot.handlers.staff import (
    clear_input,
    expect_input,
    is_admin,
    pending_input,
    refuse,
    trainer_only,
    with_note,
)
from bot.handlers.stale import stale_button
from bot.i18n import LANGUAGE_NAMES, Html
from bot.services.broadcasts import INACTIVE_DAYS, MAX_BODY
from bot.services.reminders import zone
from bot.store.broadcasts import Broadcast
from bot.timeutil import parse_iso
from bot.ui import broadcasts as kb
from bot.ui import callbacks as cb
from bot.ui import keyboards, templates
from bot.ui.direction import markup_for
from bot.ui.own_text import own_text_html

MEETING_DAYS = 14


# --- helpers --------------------------------------------------------------------------------
async def _describe(context: BotContext, b: Broadcast) -> str:
    """The audience in words (HTML)."""
    t, a = context.t, b.audience
    if "cohorts" in a:
        names = []
        for cohort_id in a["cohorts"]:
            cohort = await context.store.cohorts.get(int(cohort_id))
            if cohort is not None:
                names.append(cohort.name)
        what = ", ".join(names)
    elif "country" in a:
        what = country_name(a["country"], t.locale)
    elif "locale" in a:
        what = LANGUAGE_NAMES.get(a["locale"], a["locale"])
    elif "users" in a:
        what = t.nlabel("{n} chosen officer", "{n} chosen officers", len(a["users"]))
    else:
        what = t.label("Everyone")
    text = t._("Audience: {audience}", audience=what)
    narrow = a.get("narrow") or {}
    if narrow:
        key = f"in{narrow['inactive']}" if "inactive" in narrow else \
            ("due" if narrow.get("due") else "rec")
        title = ""
        if "recall" in narrow:
            module = context.services.content.course.module(narrow["recall"])
            title = context.services.content.served.text(t.locale, module.title)[0] \
                if module else ""
        text += "\n" + t._("Only: {filter}", filter=kb.narrow_label(t, key, title))
    return text


def _module_entries(context: BotContext) -> list[tuple[str, str]]:
    served = context.services.content.served
    return [(m.id, served.text(context.t.locale, m.title)[0])
            for m in served.course.modules]


# --- screens --------------------------------------------------------------------------------
async def audience_screen(update: Update, context: BotContext, b: Broadcast, page: int = 0,
                          note: str | None = None) -> None:
    t, admin = context.t, is_admin(update, context)
    service, user_id = context.services.cohorts, update.effective_user.id
    cohorts = await service.listed(user_id, admin=admin, page=page)
    has_more = admin and await service.count(user_id, admin=True) > (page + 1) * 10
    if cohorts or admin:
        text = t._("📣 <b>New broadcast</b> · step 1 of 3\nWho should get it? Choose one or "
                   "more cohorts.") if not admin else t._(
            "📣 <b>New broadcast</b> · step 1 of 3\nWho should get it? Choose one or more "
            "cohorts, or a country, a language, or everyone.")
    else:
        text = t._("📣 <b>New broadcast</b>\nYou have no cohorts yet: create one with "
                   "/cohorts, invite your officers, then send them a broadcast.")
    if b.audience:
        text += "\n\n" + await _describe(context, b)
    if note:
        text = with_note(note, text)
    await show(update, context, text, kb.audience(t, b, cohorts, admin=admin, page=page,
                                                  has_more=has_more),
               edit=update.callback_query is not None)


async def narrow_screen(update: Update, context: BotContext, b: Broadcast) -> None:
    t = context.t
    text = t._("📣 <b>New broadcast</b> · step 2 of 3\n{audience}\n\nSend it to all of them, "
               "or only to some?", audience=Html(await _describe(context, b)))
    await show(update, context, text, kb.narrow(t, b))


async def message_screen(update: Update, context: BotContext, b: Broadcast,
                         edit: bool = True) -> None:
    t = context.t
    text = t._("📣 <b>New broadcast</b> · step 3 of 3\n{audience}\n\nWhat should it say? A "
               "template reaches each officer in his or her own language; your own text is "
               "sent exactly as you write it.", audience=Html(await _describe(context, b)))
    await show(update, context, text, kb.message(t, b), edit=edit)


async def preview_screen(update: Update, context: BotContext, b: Broadcast,
                         edit: bool = True) -> None:
    t, service = context.t, context.services.broadcasts
    preview = await service.preview(b)
    summary = [await _describe(context, b)]
    if preview.recipients:
        languages = ", ".join(f"{LANGUAGE_NAMES.get(loc, loc)}: {t.number(n)}"
                              for loc, n in preview.by_locale.items())
        summary.append(t.ngettext("It goes to {n} officer: {languages}.",
                                  "It goes to {n} officers: {languages}.",
                                  preview.recipients, languages=languages))
    else:
        summary.append(t._("No officer matches this audience now. Choose another audience "
                           "or another filter."))
    if preview.blocked:
        summary.append(t.ngettext(
            "{n} officer of this audience has blocked the bot and is left out.",
            "{n} officers of this audience have blocked the bot and are left out.",
            preview.blocked))
    if b.template is None:
        text = t._("⚠️ <b>Your own text is sent exactly as written, not translated.</b> "
                   "Officers who do not read its language will not understand it. The "
                   "message above shows how it will look.\n\n{summary}",
                   summary=Html("\n".join(summary)))
    else:
        sample = templates.render(t, b.template, service.sample_values(b, t.locale))
        text = t._("<b>Preview</b> (in your language, with example numbers; each officer "
                   "gets it in his or her own language, with his or her own numbers):\n\n"
                   "{sample}\n\n{summary}", sample=Html(sample),
                   summary=Html("\n".join(summary)))
    await show(update, context, text, kb.preview(t, b, sendable=preview.recipients > 0),
               edit=edit)


async def history_screen(update: Update, context: BotContext) -> None:
    t, admin = context.t, is_admin(update, context)
    user_id = update.effective_user.id
    service = context.services.broadcasts
    tz = zone(await zone_name(context, user_id))
    lines, cancellable = [], []
    for b in await service.history(None if admin else user_id):
        what = t.label(templates.NAMES[b.template]) if b.template else t.label("Own text")
        if b.status == "scheduled":
            at = parse_iso(b.scheduled_at).astimezone(tz)
            status = t._("scheduled for {date}", date=f"{t.date(at.date())}, {t.clock(at.time())}")
            cancellable.append(b.id)
        elif b.status == "cancelled":
            status = t._("cancelled")
        else:
            p = await service.progress(b)
            status = t._("sent {sent}, waiting {pending}, blocked {blocked}, failed {failed}",
                         sent=p.sent, pending=p.pending, blocked=p.blocked, failed=p.failed)
        day = t.date(parse_iso(b.created_at).astimezone(tz).date())
        values = {"id": str(b.id), "date": day, "what": what, "status": Html(status)}
        if admin:
            lines.append(t._("<b>#{id}</b> {date} · {what} · {status} · from {sender}",
                             sender=str(b.sender_id), **values))
        else:
            lines.append(t._("<b>#{id}</b> {date} · {what} · {status}", **values))
    none = t._("None yet.")
    text = t._("📜 <b>Earlier broadcasts</b>\n{lines}", lines=Html("\n".join(lines) or none))
    await show(update, context, text, kb.history(t, cancellable[:5]),
               edit=update.callback_query is not None)


# --- commands and buttons -------------------------------------------------------------------
@trainer_only
async def broadcast_command(update: Update, context: BotContext) -> None:
    clear_input(context)
    b = await context.services.broadcasts.new_draft(update.effective_user.id)
    await audience_screen(update, context, b)


@trainer_only
async def broadcast_button(update: Update, context: BotContext) -> None:
    query, t = update.callback_query, context.t
    values = cb.BROADCAST.unpack(query.data)
    if values is None:
        await stale_button(update, context)
        return
    action, value = values["a"], values["v"]
    service, user_id, admin = context.services.broadcasts, update.effective_user.id, \
        is_admin(update, context)
    if action == "hist":
        await answer_button(update)
        await history_screen(update, context)
        return
    if action == "new":
        await answer_button(update)
        clear_input(context)
        await audience_screen(update, context, await service.new_draft(user_id))
        return
    b = await service.get(int(values["b"]), user_id, admin=admin) \
        if values["b"].isdigit() else None
    if b is None:
        await refuse(update, context, t.label("This broadcast does not exist or is not yours."))
        return
    if action == "cx":
        await cancel_scheduled(update, context, b)
        return
    if b.status != "draft":
        await refuse(update, context, status_refusal(t, b))
        return
    handler = _DRAFT_ACTIONS.get(action)
    if handler is None:
        await stale_button(update, context)
        return
    await handler(update, context, b, value)


async def _audience(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    await answer_button(update)
    clear_input(context)
    await audience_screen(update, context, b, int(value) if value.isdigit() else 0)


async def _toggle_cohort(update: Update, context: BotContext, b: Broadcast, value: str
                         ) -> None:
    service, t = context.services.broadcasts, context.t
    if not value.isdigit() or not await service.may_use_cohort(
            int(value), update.effective_user.id, admin=is_admin(update, context)):
        await refuse(update, context, t.label("This cohort does not exist or is not yours."))
        return
    chosen = list(b.audience.get("cohorts") or [])
    cohort_id = int(value)
    chosen = [c for c in chosen if c != cohort_id] if cohort_id in chosen \
        else [*chosen, cohort_id]
    b = await service.set_audience(b, {"cohorts": chosen} if chosen else {})
    await answer_button(update)
    await audience_screen(update, context, b)


async def _admin_audience(update: Update, context: BotContext, b: Broadcast, value: str
                          ) -> None:
    t, service = context.t, context.services.broadcasts
    if not is_admin(update, context):
        await refuse(update, context, t.label("This is for administrators only."))
        return
    action = cb.BROADCAST.unpack(update.callback_query.data)["a"]
    if action == "ac":
        await answer_button(update)
        await show(update, context, t._("Which country?"), kb.countries(t, b))
        return
    if action == "al":
        await answer_button(update)
        await show(update, context, t._("Which language?"),
                   kb.languages(t, b, context.services.catalogs.locales))
        return
    if action == "cty" and is_valid_country(value):
        audience = {"country": value}
    elif action == "lng" and value in context.services.catalogs.locales:
        audience = {"locale": value}
    elif action == "ae":
        audience = {"everyone": True}
    else:
        await stale_button(update, context)
        return
    b = await service.set_audience(b, audience)
    await answer_button(update)
    await narrow_screen(update, context, b)


async def _narrow(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    t = context.t
    if not b.audience:
        await refuse(update, context, t.label("Choose at least one cohort first."))
        return
    await answer_button(update)
    await narrow_screen(update, context, b)


async def _set_narrow(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    service = context.services.broadcasts
    audience = {k: v for k, v in b.audience.items() if k != "narrow"}
    if not audience:
        await stale_button(update, context)
        return
    if value == "rec":
        await answer_button(update)
        await show(update, context, context.t._(
            "Which module? Only officers whose predicted recall in it is below 70 % get the "
            "broadcast."),
            kb.modules(context.t, b, _module_entries(context), "nm", "nar"))
        return
    if value.startswith("in") and value[2:].isdigit() and int(value[2:]) in INACTIVE_DAYS:
        audience["narrow"] = {"inactive": int(value[2:])}
    elif value == "due":
        audience["narrow"] = {"due": True}
    elif value != "all":
        await stale_button(update, context)
        return
    b = await service.set_audience(b, audience)
    await answer_button(update)
    await message_screen(update, context, b)


async def _recall_module(update: Update, context: BotContext, b: Broadcast, value: str
                         ) -> None:
    audience = {k: v for k, v in b.audience.items() if k != "narrow"}
    if not audience or context.services.content.course.module(value) is None:
        await stale_button(update, context)
        return
    audience["narrow"] = {"recall": value}
    b = await context.services.broadcasts.set_audience(b, audience)
    await answer_button(update)
    await message_screen(update, context, b)


async def _message(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    await answer_button(update)
    clear_input(context)
    await message_screen(update, context, b)


async def _template(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    t = context.t
    if value in (templates.DUE, templates.PROGRESS):
        b = await context.services.broadcasts.set_template(b, value, {})
        await answer_button(update)
        await preview_screen(update, context, b)
    elif value == templates.LESSON:
        await answer_button(update)
        await show(update, context, t._("Which module is the new lesson in?"),
                   kb.modules(t, b, _module_entries(context), "lm", "msg"))
    elif value == templates.MEETING:
        await answer_button(update)
        today = context.services.clock().astimezone(
            zone(await zone_name(context, update.effective_user.id))).date()
        await show(update, context, t._("On which day does the cohort meet?"),
                   kb.days(t, b, today, MEETING_DAYS, "md", "msg"))
    else:
        await stale_button(update, context)


async def _lesson_module(update: Update, context: BotContext, b: Broadcast, value: str
                         ) -> None:
    module = context.services.content.course.module(value)
    if module is None:
        await stale_button(update, context)
        return
    await answer_button(update)
    served = context.services.content.served
    entries = [(lesson.id, served.text(context.t.locale, lesson.title)[0])
               for lesson in module.lessons]
    await show(update, context, context.t._("Which lesson?"),
               kb.modules(context.t, b, entries, "ll", "msg"))


async def _lesson(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    if context.services.content.course.lesson(value) is None:
        await stale_button(update, context)
        return
    b = await context.services.broadcasts.set_template(b, templates.LESSON, {"lesson": value})
    await answer_button(update)
    await preview_screen(update, context, b)


async def _meeting_day(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    day = parse_day(value)
    if day is None:
        await stale_button(update, context)
        return
    await answer_button(update)
    await show(update, context, context.t._("At what time does the cohort meet on {date}?",
                                            date=context.t.date(day)),
               kb.hours(context.t, b, day, "mt", "msg"))


async def _meeting_time(update: Update, context: BotContext, b: Broadcast, value: str
                        ) -> None:
    moment = parse_moment(value)
    if moment is None:
        await stale_button(update, context)
        return
    day, at = moment
    b = await context.services.broadcasts.set_template(
        b, templates.MEETING, {"date": day.isoformat(), "time": at.strftime("%H:%M")})
    await answer_button(update)
    await preview_screen(update, context, b)


async def _own_text(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    await answer_button(update)
    expect_input(context, "broadcast_text", broadcast=b.id)
    await show(update, context, context.t._(
        "Send me the message now, exactly as officers should read it. It is sent as "
        "written, not translated. You can format it with bold and italic in your Telegram "
        "app."), kb.back_and_cancel(context.t, b, "msg"))


async def _preview(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    if b.template is None and not b.body:
        await stale_button(update, context)
        return
    await answer_button(update)
    await preview_screen(update, context, b)


async def _send_now(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    t = context.t
    preview = await context.services.broadcasts.preview(b)
    if not preview.recipients or (b.template is None and not b.body):
        await refuse(update, context, t.label("No officer matches this audience now."))
        return
    await answer_button(update)
    await show(update, context, t.ngettext(
        "Send this broadcast to {n} officer now? It cannot be called back.",
        "Send this broadcast to {n} officers now? It cannot be called back.",
        preview.recipients), kb.confirm(t, b, t.label("Yes, send it now")))


async def _go(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    t, service = context.t, context.services.broadcasts
    message = update.callback_query.message
    started = await service.start_now(b, (message.chat.id, message.message_id))
    if started is None:
        fresh = await context.store.broadcasts.get(b.id)
        await refuse(update, context, status_refusal(t, fresh or b))
        return
    await answer_button(update)
    progress = await service.progress(started)
    await show(update, context, kb.report(t, started, progress, 0.0, 0.0),
               kb.report_buttons(t))


async def _discard(update: Update, context: BotContext, b: Broadcast, value: str) -> None:
    await answer_button(update)
    clear_input(context)
    await show_menu(update, context, note=context.t.label("Nothing was sent."))


_DRAFT_ACTIONS = {
    "aud": _audience, "co": _toggle_cohort, "ac": _admin_audience, "al": _admin_audience,
    "ae": _admin_audience, "cty": _admin_audience, "lng": _admin_audience, "nar": _narrow,
    "n": _set_narrow, "nm": _recall_module, "msg": _message, "tpl": _template,
    "lm": _lesson_module, "ll": _lesson, "md": _meeting_day, "mt": _meeting_time,
    "own": _own_text, "pre": _preview, "now": _send_now, "go": _go, "sch": schedule_day,
    "st": schedule_time, "sgo": schedule_go, "x": _discard,
}


# --- the trainer's own text -----------------------------------------------------------------
async def read_broadcast_text(update: Update, context: BotContext) -> bool:
    wanted = pending_input(context)
    if not wanted or wanted.get("kind") != "broadcast_text":
        return False
    t, user_id = context.t, update.effective_user.id
    if not context.accounts.is_trainer(context.user, user_id):
        clear_input(context)
        return False
    b = await context.services.broadcasts.get(int(wanted["broadcast"]), user_id,
                                              admin=is_admin(update, context))
    if b is None or b.status != "draft":
        clear_input(context)
        await show(update, context, t._("This broadcast is no longer being written. Send "
                                        "/broadcast to start a new one."),
                   keyboards.back_to_menu(t), edit=False)
        return True
    message = update.effective_message
    if not (message.text or "").strip():
        await show(update, context, t._("The message is empty. Please send some text."),
                   kb.back_and_cancel(t, b, "msg"), edit=False)
        return True
    body, problem_at = own_text_html(message)
    if body is None:
        near = (message.text or "")[max(0, problem_at - 10):problem_at + 20]
        await show(update, context, t._(
            "Telegram would refuse this text: its formatting is broken near “{near}”. Use "
            "bold and italic from your Telegram app instead of typing tags, and please send "
            "it again.", near=near), kb.back_and_cancel(t, b, "msg"), edit=False)
        return True
    if visible_length(body) > MAX_BODY:
        await show(update, context, t.ngettext(
            "That message is too long: Telegram allows at most {n} character. Please send "
            "a shorter one.", "That message is too long: Telegram allows at most {n} "
            "characters. Please send a shorter one.", MAX_BODY),
            kb.back_and_cancel(t, b, "msg"), edit=False)
        return True
    clear_input(context)
    b = await context.services.broadcasts.set_body(b, body)
    # exactly what officers will get, then the preview with the counts and the buttons
    await context.bot.send_message(update.effective_chat.id, body,
                                   reply_markup=markup_for(t, templates.button(t, None, {})))
    await preview_screen(update, context, b, edit=False)
    return True


def register(app: Application, *, jobs: bool = True) -> None:
    from bot.handlers import fallback
    app.add_handler(CommandHandler("broadcast", broadcast_command,
                                   filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(broadcast_button, pattern=cb.BROADCAST.pattern))
    app.bot_data.setdefault(fallback.LONG_TEXT_READERS, []).append(read_broadcast_text)
    reports = Reports()
    app.bot_data["broadcast_reports"] = reports
    if jobs and app.job_queue is not None:
        async def tick(context: BotContext) -> None:
            await reports.tick(context.bot_data.services, context.bot)
        app.job_queue.run_repeating(tick, interval=REPORT_EVERY, first=REPORT_EVERY,
                                    name="broadcasts")
