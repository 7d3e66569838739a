"""Broadcast templates: whole messages from the catalogs, rendered in each recipient's language.

Each template has a key (stored with the broadcast), a text rendered from values computed for
the recipient at send time, and a Start button into the bot. ``render`` and ``button`` are
pure functions of (translator, values), used both for the officer's message and for the
trainer's preview.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.i18n import N_, Translator
from bot.ui import callbacks as cb

DUE, LESSON, MEETING, PROGRESS = "due", "lesson", "meeting", "progress"
TEMPLATES = (DUE, LESSON, MEETING, PROGRESS)
#: Templates a feature sends (through the composer's preview), not offered in its menu:
#: a refresher on a module (param ``module``), from the progress report.
REFRESH = "refresh"
FEATURE_TEMPLATES = (REFRESH,)

#: How each template is named on the composer's buttons.
NAMES = {
    DUE: N_("Refresher questions are due"),
    LESSON: N_("A new lesson is available"),
    MEETING: N_("Your cohort meets on…"),
    PROGRESS: N_("Keep going: lessons finished"),
    REFRESH: N_("Refresher on a module"),
}


def render(t: Translator, template: str, values: dict[str, Any]) -> str:
    """The message of ``template`` in ``t``'s language. Values: ``n`` (due), ``title``
    (lesson, already in the recipient's language), ``date`` and ``time`` (meeting, local
    wall-clock), ``done`` and ``total`` (progress)."""
    if template == DUE:
        return t.ngettext(
            "🧠 {n} refresher question is due. A few minutes of practice now keeps it fresh.",
            "🧠 {n} refresher questions are due. A few minutes of practice now keeps them "
            "fresh.", values["n"])
    if template == LESSON:
        return t._("📖 A new lesson is available: <b>{title}</b>", title=values["title"])
    if template == MEETING:
        day: date = values["date"]
        at: time = values["time"]
        return t._("📅 Your cohort meets on {date} at {time}.", date=t.date(day),
                   time=t.clock(at))
    if template == PROGRESS:
        return t.ngettext("🏁 Keep going: you have finished {done} of {total} lesson.",
                          "🏁 Keep going: you have finished {done} of {total} lessons.",
                          values["total"], done=values["done"], total=values["total"])
    if template == REFRESH:
        return t._("🧠 Time for a refresher on <b>{title}</b>: a few questions now help you "
                   "remember it when it matters.", title=values["title"])
    raise ValueError(template)


def button(t: Translator, template: str | None, params: dict[str, Any]) -> Markup:
    """The Start button into the bot that goes with a template (own text: the main menu)."""
    if template == DUE:
        label, data = "🧠 " + t.label("Start the quiz"), cb.MENU.pack(item="quiz")
    elif template == LESSON:
        label, data = "📖 " + t.label("Open the lesson"), \
            cb.CARD.pack(lesson=params["lesson"], card=1)
    elif template == REFRESH:
        label, data = "🧠 " + t.label("Open the module"), \
            cb.MODULE.pack(module=params["module"])
    elif template == PROGRESS:
        label, data = "📚 " + t.label("Continue the lessons"), cb.MENU.pack(item="lessons")
    else:
        label, data = "🏠 " + t.label("Main menu"), cb.MENU.pack(item="home")
    return Markup([[Button(label, callback_data=data)]])
