"""A class quiz over time: the ticker that posts the next poll, the debrief, the refreshers,
and /teach (a module's session plan, with the button that starts the class quiz).

Everything sent to a group or on a trainer's behalf goes through the outbox, within the
group's budget (about 20 messages a minute) and without holding up private chats.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.context import BotContext, Services
from bot.course.polls import plain
from bot.delivery.sender import Outgoing, Skip
from bot.handlers.common import answer_button, show
from bot.handlers.staff import display_names, is_admin, trainer_only
from bot.i18n import Translator
from bot.services.classroom import KIND, REFRESH_KIND, Debrief
from bot.services.cohorts import INVITE_PREFIX
from bot.store.classroom import ClassQuiz
from bot.store.outbox import OutboxRow
from bot.ui import callbacks as cb
from bot.ui import classroom as kb
from bot.ui.direction import markup_for

log = logging.getLogger(__name__)

TICK_SECONDS = 3.0
SHORT = 90  # characters of a question quoted in the group's debrief
NAMED = 30  # officers listed by name in the trainer's results
MAX_TEXT = 3900


def _services(app: Application) -> Services:
    return app.bot_data["services"]


def _short(text: str, limit: int = SHORT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- the ticker ---------------------------------------------------------------------------
async def tick(app: Application) -> None:
    """Move every running class quiz on: the next poll when the open one has closed."""
    for quiz_id in await _services(app).classroom.running():
        try:
            await advance_quiz(app, quiz_id)
        except Exception:
            log.exception("Class quiz %d could not move on", quiz_id)


async def advance_quiz(app: Application, quiz_id: int) -> None:
    step = await _services(app).classroom.advance(quiz_id)
    if step.action == "finished" and step.quiz is not None:
        await post_debrief(app, step.quiz)
    elif step.action == "failed" and step.quiz is not None and step.quiz.trainer_id:
        await tell_trainer(app, step.quiz.trainer_id, "failed", reason=step.reason or "")


async def _tick_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await tick(context.application)


async def tell_trainer(app: Application, trainer_id: int, what: str, **values: str) -> None:
    """A note to the trainer's private chat, in the trainer's language (outbox)."""
    s = _services(app)
    user = await s.store.users.get(trainer_id)
    if user is None:
        return
    t = s.catalogs.get(user.locale)
    if what == "removed":
        text = t._("I was removed from the class group of <b>{cohort}</b>, so it is no longer "
                   "linked. To link it again, add me to the group and send /linkcohort "
                   "there.", **values)
    else:
        text = t._("The class quiz stopped: Telegram refused a poll in the group ({reason}). "
                   "I need permission to send messages and polls there: a group admin can "
                   "allow it, or make me an admin.", **values)
    await s.outbox.post(user.chat_id, "send_message", {"text": t.layout(text)},
                        user_id=trainer_id)


# --- the debrief --------------------------------------------------------------------------
def group_summary(t: Translator, d: Debrief, module: str, link: str) -> str:
    lines = [t._("<b>Class quiz results: {module}</b>", module=module),
             t.ngettext("{n} member answered.", "{n} members answered.", d.voters)]
    for q in d.questions:
        share = t.percent(q.share) if q.share is not None else "–"
        if q.top_wrong:
            lines.append(t._("{n}. {question}\n{share} right; most chosen wrong answer: "
                             "{wrong}", n=t.number(q.position + 1),
                             question=_short(q.text.question), share=share,
                             wrong=_short(q.top_wrong, 60)))
        else:
            lines.append(t._("{n}. {question}\n{share} right.", n=t.number(q.position + 1),
                             question=_short(q.text.question), share=share))
    hard = d.to_discuss
    if hard:
        lines.append("\n".join([t._("<b>To discuss together:</b>"), *(
            t._("• {question}", question=_short(q.text.question, 200)) for q in hard)]))
    lines.append(t._("Not using the bot yet? Join the cohort to keep practising: {link}",
                     link=link))
    return "\n\n".join(lines)[:MAX_TEXT]


async def trainer_results(app: Application, t: Translator, d: Debrief, module: str) -> str:
    names = await display_names(SimpleNamespace(bot=app.bot),  # type: ignore[arg-type]
                                [o.user_id for o in d.officers[:NAMED]])
    lines = [t._("<b>Class quiz: {module}</b>\nResults per officer in the bot:", module=module)]
    for number, o in enumerate(d.officers[:NAMED], 1):
        name = names.get(o.user_id) or t.label("Officer {n}", n=t.number(number))
        lines.append(t._("{name}: {right} of {total} right", name=name,
                         right=t.number(o.right), total=t.number(o.answered)))
    if len(d.officers) > NAMED:
        more = len(d.officers) - NAMED
        lines.append(t.ngettext("… and {n} more officer.", "… and {n} more officers.", more))
    if not d.officers:
        lines.append(t._("No officer of the bot answered."))
    missed = sum(1 for o in d.officers if o.missed)
    if missed:
        lines.append(t.ngettext(
            "{n} officer missed at least one question: you can send them a refresher.",
            "{n} officers missed at least one question: you can send them a refresher.",
            missed))
    return "\n".join(lines)[:MAX_TEXT]


async def post_debrief(app: Application, quiz: ClassQuiz) -> None:
    s = _services(app)
    d = await s.classroom.debrief(quiz.id)
    if d is None:
        return
    course_module = s.content.course.module(quiz.module_id)
    group = await s.classroom.group(quiz.chat_id)
    gt = s.catalogs.get(quiz.locale)
    title = s.content.served.text(gt.locale, course_module.title)[0] if course_module \
        else quiz.module_id
    link = f"https://t.me/{app.bot.username}?start=" + \
        (INVITE_PREFIX + group.invite_code if group and group.invite_code else "class")
    await s.outbox.post(quiz.chat_id, "send_message",
                        {"text": gt.layout(group_summary(gt, d, title, link))})
    trainer = await s.store.users.get(quiz.trainer_id) if quiz.trainer_id else None
    if trainer is None:
        return
    t = s.catalogs.get(trainer.locale)
    title = s.content.served.text(t.locale, course_module.title)[0] if course_module \
        else quiz.module_id
    markup = markup_for(t, kb.refresh(t, quiz.id)) if any(o.missed for o in d.officers) \
        else None
    kwargs = {"text": t.layout(await trainer_results(app, t, d, title))}
    if markup is not None:
        kwargs["reply_markup"] = markup.to_dict()
    await s.outbox.post(trainer.chat_id, "send_message", kwargs, user_id=trainer.user_id)


@trainer_only
async def refresh_button(update: Update, context: BotContext) -> None:
    t = context.t
    values = cb.CLASS_REFRESH.unpack(update.callback_query.data)
    if values is None or not values["q"].isdigit():
        await answer_button(update, t.label("This button is no longer valid."), alert=True)
        return
    sent = await context.services.classroom.send_refreshers(
        int(values["q"]), update.effective_user.id, admin=is_admin(update, context))
    if sent is None:
        await answer_button(update, t.label("This class quiz is not yours."), alert=True)
    elif sent == 0:
        await answer_button(update, t.label("The refreshers of this class quiz were sent "
                                            "already."), alert=True)
    else:
        await answer_button(update, t.nlabel("A refresher is on its way to {n} officer.",
                                             "A refresher is on its way to {n} officers.",
                                             sent), alert=True)


def renderers(services: Services) -> dict:
    """Outbox renderers: the class polls, and an officer's refresher of missed items."""
    async def refresher(row: OutboxRow) -> Outgoing | Skip:
        t = services.catalogs.get(row.user_locale)
        served = services.content.served
        items = [i for i in (served.course.quiz_item(x) for x in row.payload.get("items", []))
                 if i is not None]
        if not items:
            return Skip("items left the course")
        parts = [t.ngettext(
            "🔁 <b>From your class quiz: {n} question to look at again</b>",
            "🔁 <b>From your class quiz: {n} questions to look at again</b>", len(items))]
        for item in items:
            right = next(o for o in item.options if o.correct)
            block = t._("❓ {question}\n✅ {answer}\n{explanation}",
                        question=plain(served.text(t.locale, item.question)[0]),
                        answer=plain(served.text(t.locale, right.text)[0]),
                        explanation=plain(served.text(t.locale, item.explanation)[0]))
            if sum(len(p) for p in parts) + len(block) > MAX_TEXT:
                break
            parts.append(block)
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            "🧠 " + t.label("Start the quiz"), callback_data=cb.MENU.pack(item="quiz"))]])
        return Outgoing("send_message", {"text": t.layout("\n\n".join(parts)),
                                         "reply_markup": markup_for(t, markup)})

    return {KIND: services.classroom.render, REFRESH_KIND: refresher}


# --- /teach -------------------------------------------------------------------------------
@trainer_only
async def teach(update: Update, context: BotContext) -> None:
    t = context.t
    course = context.services.content.course
    wanted = " ".join(context.args or []).strip().lower()
    served = context.services.content.served
    module = None
    if wanted:
        for number, m in enumerate(course.modules, 1):
            if wanted in (m.id, str(number)) or \
                    served.text(t.locale, m.title)[0].lower().startswith(wanted):
                module = m
                break
    if module is None:
        buttons = [[InlineKeyboardButton(served.text(t.locale, m.title)[0],
                                         callback_data=cb.TEACH.pack(m=m.id))]
                   for m in course.modules]
        note = t._("No module of that name.") + "\n\n" if wanted else ""
        await show(update, context, note + t._("<b>Teach a session</b>\nWhich module?"),
                   InlineKeyboardMarkup(buttons), edit=False)
        return
    await plan_screen(update, context, module.id)


@trainer_only
async def teach_button(update: Update, context: BotContext) -> None:
    values = cb.TEACH.unpack(update.callback_query.data)
    await answer_button(update)
    if values is None or context.services.content.course.module(values["m"]) is None:
        await show(update, context, context.t._("No module of that name."))
        return
    await plan_screen(update, context, values["m"])


async def plan_screen(update: Update, context: BotContext, module_id: str) -> None:
    """The module as a one-screen session plan: its summary, one key point per lesson, the
    questions to put to the class, and how to run the class quiz."""
    t, s = context.t, context.services
    served = s.content.served
    module = s.content.course.module(module_id)
    text_of = lambda x: plain(served.text(t.locale, x)[0])  # noqa: E731
    lines = [t._("<b>Session plan: {module}</b>", module=text_of(module.title)),
             t._("<i>{summary}</i>", summary=text_of(module.summary)), "",
             t._("<b>Key points</b> (one lesson each):")]
    lines += [t._("{n}. {lesson}", n=t.number(i), lesson=text_of(lesson.title))
              for i, lesson in enumerate(module.lessons, 1)]
    asks = [item for lesson in module.lessons for item in lesson.quiz[:1]
            if s.classroom.poll_text(item, t.locale) is not None][:3]
    if asks:
        lines += ["", t._("<b>Ask the class</b> (then run the class quiz):")]
        lines += [t._("• {question}", question=_short(text_of(i.question), 200)) for i in asks]
    groups = await s.classroom.groups_of(update.effective_user.id,
                                         admin=is_admin(update, context))
    lines.append("")
    if groups:
        lines.append(t._("Press the button to set up the class quiz in your class group."))
    else:
        lines.append(t._("To run the class quiz: add me to your class's Telegram group, send "
                         "/linkcohort there and confirm here. Then start it from this "
                         "screen or with /classquiz in the group."))
    await show(update, context, "\n".join(lines)[:MAX_TEXT],
               kb.start_quiz(t, groups, module.id), edit=update.callback_query is not None)


def register(app: Application, *, jobs: bool = True) -> None:
    services: Services = app.bot_data["services"]
    for kind, renderer in renderers(services).items():
        services.sender.register(kind, renderer)
    app.add_handler(CommandHandler("teach", teach))
    app.add_handler(CallbackQueryHandler(teach_button, pattern=cb.TEACH.pattern))
    app.add_handler(CallbackQueryHandler(refresh_button, pattern=cb.CLASS_REFRESH.pattern))
    if jobs and app.job_queue is not None:
        app.job_queue.run_repeating(_tick_job, interval=TICK_SECONDS, first=TICK_SECONDS,
                                    name="class-quiz-ticker")

