"""Refresher quizzes: sessions of due and new items, answers, summaries and /progress."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.handlers.common import Page, show
from bot.handlers.menu import Menu
from bot.handlers.stale import pressed, stale_button
from bot.services.quiz import Answer, Question
from bot.services.reminders import zone
from bot.store.quiz import Session
from bot.timeutil import parse_iso
from bot.ui import callbacks as cb
from bot.ui import quiz as kb


def _question_text(page: Page, q: Question, answer: Answer | None = None) -> str:
    t = page.context.t
    lines = [t._("🧠 <b>Question {number} of {total}</b>", number=q.number, total=q.total),
             "", f"<b>{page(q.item.question)}</b>", ""]
    for position, index in enumerate(q.presentation.order):
        option = page(q.item.options[index].text)
        mark = ""
        if answer is not None:
            mark = "✅ " if position in answer.right else ("❌ " if position in answer.chosen
                                                          else "▫️ ")
        lines.append(f"{mark}{position + 1}. {option}")
    if answer is None and q.multiple:
        lines += ["", t._("<i>Choose every correct answer, then press Submit.</i>")]
    return "\n".join(lines)


async def _show_question(update: Update, context: BotContext, q: Question) -> None:
    page = Page(context)
    text = _question_text(page, q)
    markup = kb.question(context.t, q.presentation.id, q.presentation.nonce,
                         len(q.item.options), q.multiple, q.presentation.selected)
    await show(update, context, text + page.notice(), markup)


async def _ask(update: Update, context: BotContext, session: Session) -> None:
    uid = update.effective_user.id
    q = await context.services.quiz.next_question(uid, session)
    if q is None:
        await _summary(update, context, session.id)
        return
    await _show_question(update, context, q)


async def _user_zone(context: BotContext, user_id: int):
    user = context.user
    reminder = await context.services.reminders.get_or_default(user_id,
                                                               user.country if user else None)
    return zone(reminder.timezone)


async def _summary(update: Update, context: BotContext, session_id: int) -> None:
    t, uid = context.t, update.effective_user.id
    tz = await _user_zone(context, uid)
    summary = await context.services.quiz.summary(uid, session_id, tz)
    if summary is None:
        await stale_button(update, context)
        return
    parts = [t._("🏁 <b>Quiz finished</b>\nScore: {correct} of {total}.",
                 correct=summary.correct, total=summary.total)]
    if summary.streak_days:
        parts.append(t.ngettext("🔥 You have practised {n} day in a row.",
                                "🔥 You have practised {n} days in a row.", summary.streak_days))
    if summary.due_now:
        parts.append(t.ngettext("{n} more question is due now.",
                                "{n} more questions are due now.", summary.due_now))
    elif summary.next_due is not None:
        parts.append(t._("Your next review is due on {date}.",
                         date=t.date(summary.next_due.astimezone(tz))))
    await show(update, context, "\n".join(parts), kb.summary(t, summary.due_now > 0))


async def start_review(update: Update, context: BotContext) -> None:
    """``/quiz`` and the menu entry: due items first, then new ones."""
    t, uid = context.t, update.effective_user.id
    session = await context.services.quiz.start_review(uid)
    if session is not None:
        await _ask(update, context, session)
        return
    completed = await context.store.progress.completed(uid)
    if not completed:
        text = t._("🧠 Quizzes ask about the lessons you have finished. Finish a lesson first, "
                   "then come back here.")
    else:
        tz = await _user_zone(context, uid)
        nxt = await context.store.quiz.next_due(uid, "")
        text = t._("🧠 Nothing is due right now: your memory is fresh. Finish another lesson "
                   "for new questions.")
        if nxt:
            text += "\n" + t._("Your next review is due on {date}.",
                               date=t.date(parse_iso(nxt).astimezone(tz)))
    await show(update, context, text, kb.nothing_to_ask(t), edit=update.callback_query is not None)


async def start_lesson_quiz(update: Update, context: BotContext) -> None:
    values = cb.QUIZ_LESSON.unpack(update.callback_query.data)
    session = await pressed(update, context, values and await context.services.quiz.start_lesson(
        update.effective_user.id, values["lesson"]))
    if session:
        await _ask(update, context, session)


async def _replaced(update: Update, context: BotContext) -> None:
    await show(update, context, context.t._(
        "This question belongs to an earlier quiz, so it no longer counts. Start a new round "
        "whenever you are ready."), kb.nothing_to_ask(context.t))


def _ints(values: dict[str, str] | None, *names: str) -> list[int] | None:
    if values is None or not all(values[n].isdigit() for n in names):
        return None
    return [int(values[n]) for n in names]


async def answer(update: Update, context: BotContext) -> None:
    query = update.callback_query
    route = cb.QUIZ_SUBMIT if query.data.startswith(cb.QUIZ_SUBMIT.prefix + ":") else \
        cb.QUIZ_ANSWER
    values = route.unpack(query.data)
    numbers = _ints(values, "p", "pos") if route is cb.QUIZ_ANSWER else _ints(values, "p")
    result = Answer("invalid")
    if numbers is not None:
        positions = frozenset({numbers[1]}) if route is cb.QUIZ_ANSWER else None
        result = await context.services.quiz.answer(update.effective_user.id, numbers[0],
                                                    values["n"], positions)
    t = context.t
    if result.status == "empty":
        await query.answer(t.label("Choose at least one answer first."))
        return
    if result.status == "invalid":
        await stale_button(update, context)
        return
    if result.status == "already":
        await query.answer(t.label("You have already answered this question."))
        return
    if result.status == "old":
        await query.answer()
        await _replaced(update, context)
        return
    await query.answer(t.label("Correct!") if result.correct else t.label("Not quite."))
    session = result.session
    q = Question(session, result.presentation, result.item,  # type: ignore[arg-type]
                 session.position, len(session.items))
    page = Page(context)
    text = _question_text(page, q, result)
    verdict = t._("✅ <b>Correct.</b>") if result.correct else t._("❌ <b>Not quite.</b>")
    text += f"\n\n{verdict}\n<i>{page(result.item.explanation)}</i>" + page.notice()
    last = session.position >= len(session.items)
    await show(update, context, text,
               kb.after_answer(t, session.id, last, result.item.lesson_id))


async def toggle(update: Update, context: BotContext) -> None:
    query = update.callback_query
    values = cb.QUIZ_TOGGLE.unpack(query.data)
    numbers = _ints(values, "p", "pos")
    if numbers is None:
        await stale_button(update, context)
        return
    status, q = await context.services.quiz.toggle(update.effective_user.id, numbers[0],
                                                   values["n"], numbers[1])
    if status == "already":
        await query.answer(context.t.label("You have already answered this question."))
        return
    if status == "old":
        await query.answer()
        await _replaced(update, context)
        return
    if q is None:
        await stale_button(update, context)
        return
    await query.answer()
    await _show_question(update, context, q)


async def next_question(update: Update, context: BotContext) -> None:
    values = cb.QUIZ_NEXT.unpack(update.callback_query.data)
    numbers = _ints(values, "s")
    session = numbers and await context.store.quiz.session(numbers[0])
    if not session or session.user_id != update.effective_user.id:
        await stale_button(update, context)
        return
    await update.callback_query.answer()
    if session.finished and session.position < len(session.items):
        await _replaced(update, context)
        return
    await _ask(update, context, session)


async def progress(update: Update, context: BotContext) -> None:
    t, uid = context.t, update.effective_user.id
    served = context.services.content.served
    modules = await context.services.lessons.modules(uid)
    retention = {r.module_id: r for r in await context.services.quiz.retention(uid)}
    answered, right = await context.store.quiz.answer_counts(uid)
    done, total = sum(m.done for m in modules), sum(m.total for m in modules)
    lines = [t._("📊 <b>Your progress</b>"),
             t._("Lessons finished: {done} of {total}.", done=done, total=total)]
    if answered:
        lines.append(t.ngettext("Quiz answers: {n}, of which {percent} correct.",
                                "Quiz answers: {n}, of which {percent} correct.", answered,
                                percent=t.percent(right / answered)))
    lines += ["", t._("<b>Predicted recall by module</b> (how likely you are to remember now):")]
    for m in modules:
        title, _ = served.text(t.locale, m.module.title)
        r = retention.get(m.module.id)
        if r is None or r.recall is None:
            lines.append(t._("• {module}: lessons {done}/{total}, not practised yet",
                             module=title, done=m.done, total=m.total))
        else:
            lines.append(t._("• {module}: lessons {done}/{total}, recall {recall} "
                             "({reviewed} of {items} questions practised)", module=title,
                             done=m.done, total=m.total, recall=t.percent(r.recall),
                             reviewed=r.reviewed, items=r.items))
    await show(update, context, "\n".join(lines), kb.progress(t),
               edit=update.callback_query is not None)


def register(app: Application, menu: Menu) -> None:
    private = filters.ChatType.PRIVATE
    menu.add("quiz", start_review)
    menu.add("progress", progress)
    app.add_handler(CommandHandler("quiz", start_review, filters=private))
    app.add_handler(CommandHandler("progress", progress, filters=private))
    app.add_handler(CallbackQueryHandler(start_lesson_quiz, pattern=cb.QUIZ_LESSON.pattern))
    app.add_handler(CallbackQueryHandler(answer, pattern=cb.QUIZ_ANSWER.pattern))
    app.add_handler(CallbackQueryHandler(answer, pattern=cb.QUIZ_SUBMIT.pattern))
    app.add_handler(CallbackQueryHandler(toggle, pattern=cb.QUIZ_TOGGLE.pattern))
    app.add_handler(CallbackQueryHandler(next_question, pattern=cb.QUIZ_NEXT.pattern))
