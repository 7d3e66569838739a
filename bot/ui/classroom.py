"""Keyboards of the classroom: linking a group, setting up a class quiz, the debrief."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.course.model import Module
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.services.classroom import PERIODS, SIZES
from bot.store.classroom import ClassGroup
from bot.store.cohorts import Cohort
from bot.ui import callbacks as cb
from bot.ui.keyboards import rows


def link_choices(t: Translator, chat_id: int, cohorts: Sequence[Cohort]) -> Markup:
    buttons = [[Button(c.name, callback_data=cb.CLASS_LINK.pack(g=chat_id, c=c.id))]
               for c in cohorts[:20]]
    return Markup([*buttons, [Button(t.label("Cancel"),
                                     callback_data=cb.CLASS_LINK.pack(g=chat_id, c="no"))]])


def group_languages(chat_id: int, locales: Sequence[str], current: str) -> Markup:
    buttons = [Button(("✓ " if loc == current else "") + LANGUAGE_NAMES[loc],
                      callback_data=cb.CLASS_LANG.pack(g=chat_id, loc=loc)) for loc in locales]
    return Markup(rows(buttons, 2))


def join(t: Translator, link: str) -> Markup:
    return Markup([[Button("➕ " + t.label("Join the cohort"), url=link)]])


def modules(t: Translator, chat_id: int, found: Sequence[Module], title) -> Markup:
    """One button per module (``title`` gives its name in the group's language)."""
    return Markup([[Button(title(m), callback_data=cb.CLASS_QUIZ.pack(g=chat_id, m=m.id, n=0,
                                                                      p=0))] for m in found])


def sizes(t: Translator, chat_id: int, module_id: str) -> Markup:
    return Markup([[Button(t.nlabel("{n} question", "{n} questions", n),
                           callback_data=cb.CLASS_QUIZ.pack(g=chat_id, m=module_id, n=n, p=0))
                    for n in SIZES]])


def periods(t: Translator, chat_id: int, module_id: str, size: int) -> Markup:
    return Markup([[Button(t.nlabel("{n} second", "{n} seconds", p),
                           callback_data=cb.CLASS_QUIZ.pack(g=chat_id, m=module_id, n=size,
                                                            p=p))
                    for p in PERIODS]])


def refresh(t: Translator, quiz_id: int) -> Markup:
    return Markup([[Button("🔁 " + t.label("Send a refresher to those who missed"),
                           callback_data=cb.CLASS_REFRESH.pack(q=quiz_id))]])


def start_quiz(t: Translator, groups: Sequence[ClassGroup], module_id: str) -> Markup | None:
    """/teach: one button per linked class group, starting the class quiz set-up."""
    if not groups:
        return None
    return Markup([[Button("▶ " + t.label("Class quiz in the group of {cohort}",
                                          cohort=g.cohort_name or ""),
                           callback_data=cb.CLASS_QUIZ.pack(g=g.chat_id, m=module_id, n=0,
                                                            p=0))]
                   for g in groups[:5]])
