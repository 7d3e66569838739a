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
        buttons = [Button(str(i + 1), callback_data=cb.QUIZ_ANSWER.pack(p=pid, n=nonce, pos=i))
                   for i in range(count)]
        return Markup(rows(buttons, 3 if count in (3, 5, 6) else 4))
    buttons = [Button(("☑️ " if i in selected else "⬜ ") + str(i + 1),
                      callback_data=cb.QUIZ_TOGGLE.pack(p=pid, n=nonce, pos=i))
               for i in range(count)]
    return Markup([*rows(buttons, 4 if count == 4 else 3),
                   [Button("✔️ " + t.label("Submit answer"),
                           callback_data=cb.QUIZ_SUBMIT.pack(p=pid, n=nonce))]])


def after_answer(t: Translator, session_id: int, last: bool, lesson_id: str) -> Markup:
    forward = (t.label("See my results") if last else t.label("Next question ▶"))
    return Markup([
        [Button(forward, callback_data=cb.QUIZ_NEXT.pack(s=session_id))],
        [Button("📖 " + t.label("Open the lesson"), callback_data=cb.CARD.pack(lesson=lesson_id,
                                                                          card=1))],
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


def progress(t: Translator) -> Markup:
    return Markup([[Button("🧠 " + t.label("Refresher quiz"),
                           callback_data=cb.MENU.pack(item="quiz")),
                    Button("⏰ " + t.label("Reminders"),
                           callback_data=cb.MENU.pack(item="reminders"))],
                   [_home(t)]])


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
                                              callback_data=cb.MENU.pack(item="reminders"))]])
