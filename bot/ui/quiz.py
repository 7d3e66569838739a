"""Keyboards of the quiz, progress and reminder screens."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.i18n import Translator
from bot.ui import callbacks as cb
from bot.ui.keyboards import rows


def _home(t: Translator) -> Button:
    return Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))


def question(t: Translator, pid: int, nonce: str, count: int, multiple: bool,
             selected: frozenset[int]) -> Markup:
    if not multiple:
        buttons = [Button(t.number(i + 1),  # the locale's digits, as in the question
                          callback_data=cb.QUIZ_ANSWER.pack(p=pid, n=nonce, pos=i))
                   for i in range(count)]
        return Markup([*rows(buttons, 3 if count in (3, 5, 6) else 4), [_home(t)]])
    buttons = [Button(("☑️ " if i in selected else "⬜ ") + t.number(i + 1),
                      callback_data=cb.QUIZ_TOGGLE.pack(p=pid, n=nonce, pos=i))
               for i in range(count)]
    return Markup([*rows(buttons, 4 if count == 4 else 3),
                   [Button("✔️ " + t.label("Submit answer"),
                           callback_data=cb.QUIZ_SUBMIT.pack(p=pid, n=nonce))],
                   [_home(t)]])


def after_answer(t: Translator, session_id: int, last: bool, lesson_id: str,
                 card: int) -> Markup:
    """Next (or the results), the lesson card the question is about, the main menu."""
    forward = (t.label("See my results") if last else t.label("Next question ▶"))
    return Markup([
        [Button(forward, callback_data=cb.QUIZ_NEXT.pack(s=session_id))],
        [Button("📖 " + t.label("Open the lesson"),
                callback_data=cb.QUIZ_CARD.pack(s=session_id, lesson=lesson_id, card=card))],
        [_home(t)],
    ])


def lesson_from_quiz(t: Translator, session_id: int, lesson_id: str, card: int,
                     total: int) -> Markup:
    """A lesson card opened from a quiz answer: move through the lesson, then back to the
    quiz where it stands (the next question, or the results)."""
    nav = []
    if card > 1:
        nav.append(Button(t.label("◀ Back"), callback_data=cb.QUIZ_CARD.pack(
            s=session_id, lesson=lesson_id, card=card - 1)))
    if card < total:
        nav.append(Button(t.label("Next ▶"), callback_data=cb.QUIZ_CARD.pack(
            s=session_id, lesson=lesson_id, card=card + 1)))
    return Markup([*([nav] if nav else []),
                   [Button("⬅ " + t.label("Back to quiz"),
                           callback_data=cb.QUIZ_NEXT.pack(s=session_id))],
                   [_home(t)]])


def resume_offer(t: Translator, session_id: int, number: int, total: int) -> Markup:
    """``/quiz`` while a quiz is in progress: continue it where it stands, or start over."""
    return Markup([
        [Button("▶️ " + t.label("Continue (question {number} of {total})", number=number,
                                total=total), callback_data=cb.QUIZ_NEXT.pack(s=session_id))],
        [Button("🔄 " + t.label("Start over"),
                callback_data=cb.QUIZ_RESTART.pack(s=session_id))],
        [_home(t)],
    ])


def summary(t: Translator, more_due: bool) -> Markup:
    first = []
    if more_due:
        first.append(Button("🧠 " + t.label("Another round"),
                            callback_data=cb.MENU.pack(item="quiz")))
    first.append(Button("📊 " + t.label("My progress"),
                        callback_data=cb.MENU.pack(item="progress")))
    return Markup([first, [_home(t)]])


def nothing_to_ask(t: Translator) -> Markup:
    return Markup([[Button("📚 " + t.label("Lessons"), callback_data=cb.MENU.pack(item="lessons")),
                    _home(t)]])


def progress(t: Translator, weakest: tuple[str, str] | None = None) -> Markup:
    """``weakest``: (module id, title) of the module to suggest, with a button into it."""
    menu = [[Button("🧠 " + t.label("Refresher quiz"), callback_data=cb.MENU.pack(item="quiz")),
             Button("⏰ " + t.label("Reminders"), callback_data=cb.MENU.pack(item="reminders"))]]
    if weakest is not None:
        menu.insert(0, [Button("📚 " + weakest[1],
                               callback_data=cb.MODULE.pack(module=weakest[0]))])
    return Markup([*menu, [_home(t)]])


def reminder(t: Translator, enabled: bool, presets: Sequence[str], current: str) -> Markup:
    times = [Button(("• " if p == current and enabled else "") + t.clock(p),
                    callback_data=cb.REMINDER.pack(action=p.replace(":", "")))
             for p in presets]
    toggle = (Button("🔕 " + t.label("Turn reminders off"),
                     callback_data=cb.REMINDER.pack(action="off")) if enabled else
              Button("🔔 " + t.label("Turn reminders on"),
                     callback_data=cb.REMINDER.pack(action="on")))
    return Markup([*rows(times, 3), [toggle],
                   [Button("🌍 " + t.label("Time zone"),
                           callback_data=cb.MENU.pack(item="timezone"))],
                   [Button("⚙️ " + t.label("Settings"),
                           callback_data=cb.MENU.pack(item="settings")),
                    _home(t)]])


def timezones(t: Translator, labels: Sequence[str]) -> Markup:
    buttons = [Button(label, callback_data=cb.TIMEZONE.pack(zone=i)) for i, label in
               enumerate(labels)]
    return Markup([*rows(buttons, 2), [Button("⏰ " + t.label("Reminders"),
                                              callback_data=cb.MENU.pack(item="reminders")),
                                       _home(t)]])
