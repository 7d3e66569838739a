"""Refresher quizzes: sessions of due and new items, answers, summaries and /progress."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.handlers import quiz_screens as screens
from bot.handlers.common import Page, answer_button, show
from bot.handlers.lessons import show_place
from bot.handlers.menu import Menu
from bot.handlers.stale import pressed, stale_button
from bot.services.quiz import Answer, Question
from bot.services.reminders import zone
from bot.store.quiz import Session
from bot.timeutil import parse_iso
from bot.ui import callbacks as cb
from bot.ui import quiz as kb


async def _show_question(update: Update, context: BotContext, q: Question) -> None:
    page = Page(context)
    text = screens.question_text(page, q)
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
    """``/quiz`` and the menu entry: the quiz in progress if there is one (continue or start
    over), else a new round: due items first, then new ones."""
    t, uid = context.t, update.effective_user.id
    current = await context.services.quiz.open_session(uid)
    if current is not None:
        number, total = current.position + 1, len(current.items)
        await show(update, context, t._(
            "🧠 <b>You have a quiz in progress.</b>\nYou have answered {answered} of {total} "
            "questions. Continue with question {number}, or start over with a new round?",
            answered=current.position, total=total, number=number),
            kb.resume_offer(t, current.id, number, total),
            edit=update.callback_query is not None)
        return
    await _new_round(update, context)


async def _own_session(update: Update, context: BotContext, route: cb.Route,
                       *extra: str) -> tuple[Session, dict[str, str]] | None:
    """The session a button names (field ``s``) when it is the officer's own, with the
    button's values (``extra`` more of them must be numbers); else the stale answer."""
    values = route.unpack(update.callback_query.data)
    numbers = _ints(values, "s", *extra)
    session = numbers and await context.store.quiz.session(numbers[0])
    if not session or session.user_id != update.effective_user.id:
        await stale_button(update, context)
        return None
    return session, values  # type: ignore[return-value]


async def restart(update: Update, context: BotContext) -> None:
    """"Start over": a new round replaces the quiz in progress."""
    if await _own_session(update, context, cb.QUIZ_RESTART):
        await answer_button(update)
        await _new_round(update, context)


async def _new_round(update: Update, context: BotContext) -> None:
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
    await _answered(update, context, result)


async def _answered(update: Update, context: BotContext, result: Answer) -> None:
    """Show what an answer press led to. A question answered before is shown again with its
    answer and its Next button, so that a repeated press (or one whose first answer never
    reached the phone) is never a dead end."""
    t = context.t
    if result.status == "empty":
        await answer_button(update, t.label("Choose at least one answer first."))
        return
    if result.status == "invalid" or result.item is None or result.session is None:
        if result.status == "already":  # the session is gone: nothing to go back to
            await answer_button(update, t.label("You have already answered this question."))
            return
        await stale_button(update, context)
        return
    if result.status == "old":
        await answer_button(update)
        await _replaced(update, context)
        return
    session, item = result.session, result.item
    q = Question(session, result.presentation, item,  # type: ignore[arg-type]
                 session.items.index(item.id) + 1 if item.id in session.items
                 else session.position, len(session.items))
    outcome = screens.outcome(result, q.multiple)
    if result.status == "already":
        await answer_button(update, t.label("You have already answered this question."))
    else:
        await answer_button(update, screens.toast(t, outcome))
    last = session.position >= len(session.items)
    await show(update, context, screens.answer_text(Page(context), q, result),
               kb.after_answer(t, session.id, last, item.lesson_id, item.card or 1))


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
        await _answered(update, context, await context.services.quiz.answer(
            update.effective_user.id, numbers[0], values["n"], None))
        return
    if status == "old":
        await answer_button(update)
        await _replaced(update, context)
        return
    if q is None:
        await stale_button(update, context)
        return
    await answer_button(update)
    await _show_question(update, context, q)


async def next_question(update: Update, context: BotContext) -> None:
    found = await _own_session(update, context, cb.QUIZ_NEXT)
    if not found:
        return
    session = found[0]
    await answer_button(update)
    if session.finished and session.position < len(session.items):
        await _replaced(update, context)
        return
    await _ask(update, context, session)


async def lesson_card(update: Update, context: BotContext) -> None:
    """"Open the lesson" from an answer: the card the question is about, with a way back to
    the quiz."""
    found = await _own_session(update, context, cb.QUIZ_CARD, "card")
    if not found:
        return
    session, values = found
    place = await context.services.lessons.open(update.effective_user.id, values["lesson"],
                                                int(values["card"]))
    if not await pressed(update, context, place):
        return
    await show_place(update, context, place, kb.lesson_from_quiz(
        context.t, session.id, place.lesson.id, place.card, place.total))


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
    lines += ["", t._("<b>Predicted recall by module</b> (how much you will still remember a "
                      "week from now if you do not practise):")]
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
    practised = [r for r in retention.values() if r.recall is not None]
    weakest = min(practised, key=lambda r: (r.recall, r.module_id)) if practised else None
    suggestion = None
    if weakest is not None and (module := served.course.module(weakest.module_id)):
        title, _ = served.text(t.locale, module.title)
        suggestion = (module.id, title)
        lines += ["", t._("💡 Your weakest module is <b>{module}</b> ({recall}): a few questions "
                          "on it now help you most.", module=title,
                          recall=t.percent(weakest.recall))]
    await show(update, context, "\n".join(lines), kb.progress(t, suggestion),
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
    app.add_handler(CallbackQueryHandler(restart, pattern=cb.QUIZ_RESTART.pattern))
    app.add_handler(CallbackQueryHandler(lesson_card, pattern=cb.QUIZ_CARD.pattern))
