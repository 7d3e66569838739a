"""Keyboards of the lesson screens."""

from __future__ import annotations

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.i18n import Translator
from bot.ui import callbacks as cb


def module_list(t: Translator, entries: list[tuple[str, str, int, int]]) -> Markup:
    """``entries``: (module id, localized title, lessons done, lessons in module)."""
    buttons = []
    for module_id, title, done, total in entries:
        label = (t.label("{title} · {done}/{total} ✓", title=title, done=done, total=total)
                 if done == total else
                 t.label("{title} · {done}/{total}", title=title, done=done, total=total))
        buttons.append([Button(label, callback_data=cb.MODULE.pack(module=module_id))])
    buttons.append([Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))])
    return Markup(buttons)


def lesson_list(t: Translator, entries: list[tuple[str, str, bool, bool]]) -> Markup:
    """``entries``: (lesson id, localized title, completed, started)."""
    buttons = []
    for lesson_id, title, completed, started in entries:
        mark = "✅" if completed else ("▶️" if started else "▫️")
        buttons.append([Button(f"{mark} {title}",
                               callback_data=cb.CARD.pack(lesson=lesson_id, card=1))])
    buttons.append([Button("📚 " + t.label("All modules"),
                           callback_data=cb.MENU.pack(item="lessons")),
                    Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))])
    return Markup(buttons)


def card_nav(t: Translator, lesson_id: str, module_id: str, card: int, total: int) -> Markup:
    back = (cb.CARD.pack(lesson=lesson_id, card=card - 1) if card > 1
            else cb.MODULE.pack(module=module_id))
    forward = (Button(t.label("Next ▶"), callback_data=cb.CARD.pack(lesson=lesson_id,
                                                                    card=card + 1))
               if card < total else
               Button("✅ " + t.label("Finish lesson"),
                      callback_data=cb.DONE.pack(lesson=lesson_id)))
    return Markup([
        [Button(t.label("◀ Back"), callback_data=back), forward],
        [Button("📚 " + t.label("Lessons"), callback_data=cb.MODULE.pack(module=module_id)),
         Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))],
    ])


def finished(t: Translator, lesson_id: str, module_id: str, has_quiz: bool,
             next_lesson: tuple[str, str] | None) -> Markup:
    rows = []
    if has_quiz:
        rows.append([Button("🧠 " + t.label("Quiz on this lesson"),
                            callback_data=cb.QUIZ_LESSON.pack(lesson=lesson_id))])
    if next_lesson is not None:
        next_id, next_title = next_lesson
        rows.append([Button(t.label("Next lesson: {title}", title=next_title),
                            callback_data=cb.CARD.pack(lesson=next_id, card=1))])
    rows.append([Button("📚 " + t.label("Lessons"), callback_data=cb.MODULE.pack(module=module_id)),
                 Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))])
    return Markup(rows)
