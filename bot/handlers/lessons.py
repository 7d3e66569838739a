"""Lessons: module list with progress, cards with Next/Back edited in place, resume."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, filters

from bot.context import BotContext
from bot.handlers.common import Page, show
from bot.handlers.menu import Menu
from bot.handlers.stale import pressed
from bot.services.lessons import Place
from bot.ui import callbacks as cb
from bot.ui import lessons as kb


async def module_list(update: Update, context: BotContext) -> None:
    t, page = context.t, Page(context)
    progress = await context.services.lessons.modules(update.effective_user.id)
    entries = [(p.module.id, page(p.module.title), p.done, p.total) for p in progress]
    done = sum(p.done for p in progress)
    total = sum(p.total for p in progress)
    text = t.ngettext("<b>Lessons</b>\nYou have finished {done} of {n} lesson. Choose a module.",
                      "<b>Lessons</b>\nYou have finished {done} of {n} lessons. Choose a module.",
                      total, done=done)
    await show(update, context, text + page.notice(), kb.module_list(t, entries))


async def module_screen(update: Update, context: BotContext) -> None:
    values = cb.MODULE.unpack(update.callback_query.data)
    found = await pressed(update, context, values and await context.services.lessons.module(
        update.effective_user.id, values["module"]))
    if not found:
        return
    progress, lessons = found
    t, page = context.t, Page(context)
    entries = [(s.lesson.id, page(s.lesson.title), s.completed, s.started) for s in lessons]
    text = t._("<b>{module}</b>\n{summary}\n\nFinished: {done} of {total}.",
               module=page(progress.module.title),
               summary=page(progress.module.summary),
               done=progress.done, total=progress.total)
    await show(update, context, text + page.notice(), kb.lesson_list(t, entries))


async def show_place(update: Update, context: BotContext, place: Place,
                     markup: InlineKeyboardMarkup | None = None) -> None:
    """A lesson card; ``markup`` replaces the lesson navigation (a card opened from a quiz)."""
    t, page = context.t, Page(context)
    header = t._("<b>{module} · {lesson}</b>\nCard {card} of {total}",
                 module=page(place.module.title), lesson=page(place.lesson.title),
                 card=place.card, total=place.total)
    body = page(place.lesson.cards[place.card - 1])
    markup = markup or kb.card_nav(t, place.lesson.id, place.module.id, place.card, place.total)
    await show(update, context, f"{header}\n\n{body}{page.notice()}", markup)


async def card_screen(update: Update, context: BotContext) -> None:
    values = cb.CARD.unpack(update.callback_query.data)
    place = None
    if values and values["card"].isdigit():
        place = await context.services.lessons.open(update.effective_user.id, values["lesson"],
                                                    int(values["card"]))
    if await pressed(update, context, place):
        await show_place(update, context, place)


async def finish_lesson(update: Update, context: BotContext) -> None:
    values = cb.DONE.unpack(update.callback_query.data)
    result = await pressed(update, context, values and await context.services.lessons.finish(
        update.effective_user.id, values["lesson"]))
    if not result:
        return
    t, page = context.t, Page(context)
    progress = result.module_progress
    text = t._("✅ <b>Lesson complete: {lesson}</b>", lesson=page(result.lesson.title))
    text += "\n" + t.ngettext(
        "You have finished {done} of {n} lesson in {module}.",
        "You have finished {done} of {n} lessons in {module}.",
        progress.total, done=progress.done, module=page(result.module.title))
    if result.lesson.quiz:
        text += "\n\n" + t._("Check what you remember with a short quiz on this lesson.")
    next_lesson = (result.next_lesson.id, page(result.next_lesson.title)) \
        if result.next_lesson else None
    if next_lesson is None:
        text += "\n\n" + t._("🎓 You have finished every lesson of the course. Well done!")
    markup = kb.finished(t, result.lesson.id, result.module.id, bool(result.lesson.quiz),
                         next_lesson)
    await show(update, context, text + page.notice(), markup)


async def resume(update: Update, context: BotContext) -> None:
    place = await context.services.lessons.resume_point(update.effective_user.id)
    if place is None:
        await module_list(update, context)
        return
    place = await context.services.lessons.open(update.effective_user.id, place.lesson.id,
                                                place.card)
    await show_place(update, context, place)  # type: ignore[arg-type]


async def lessons_command(update: Update, context: BotContext) -> None:
    await module_list(update, context)


def register(app: Application, menu: Menu) -> None:
    menu.add("lessons", module_list)
    menu.add("resume", resume)
    app.add_handler(CommandHandler("lessons", lessons_command, filters=filters.ChatType.PRIVATE))
    app.add_handler(CallbackQueryHandler(module_screen, pattern=cb.MODULE.pattern))
    app.add_handler(CallbackQueryHandler(card_screen, pattern=cb.CARD.pattern))
    app.add_handler(CallbackQueryHandler(finish_lesson, pattern=cb.DONE.pattern))
