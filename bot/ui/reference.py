"""Keyboards of the reference screens: topics, cards, search results, emergency numbers."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.countries import country_name
from bot.i18n import Translator
from bot.ui import callbacks as cb
from bot.ui.keyboards import rows

PROTECTED = "🔒"


def _home(t: Translator) -> Button:
    return Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))


def _reference(t: Translator) -> Button:
    return Button("🩺 " + t.label("Reference"), callback_data=cb.MENU.pack(item="reference"))


def _emergency(t: Translator) -> Button:
    return Button("🚨 " + t.label("Emergency numbers"),
                  callback_data=cb.EMERGENCY.pack(code="me"))


def _card(card_id: str, title: str, sensitive: bool) -> Button:
    label = f"{PROTECTED} {title}" if sensitive else title
    return Button(label, callback_data=cb.REF_CARD.pack(card=card_id))


def topics(t: Translator, entries: Sequence[tuple[str, str]]) -> Markup:
    """``entries``: (module id, localized module title)."""
    buttons = [Button(title, callback_data=cb.REF_TOPIC.pack(module=module_id))
               for module_id, title in entries]
    return Markup([*rows(buttons, 2), [_emergency(t)], [_home(t)]])


def topic_cards(t: Translator, entries: Sequence[tuple[str, str, bool]]) -> Markup:
    """``entries``: (card id, localized title, sensitive)."""
    buttons = [[_card(*entry)] for entry in entries]
    return Markup([*buttons, [Button(t.label("◀ Back"),
                                     callback_data=cb.MENU.pack(item="reference")),
                              _home(t)]])


def card(t: Translator, topic_id: str, lessons: Sequence[tuple[str, str]]) -> Markup:
    """``lessons``: (lesson id, localized title) of the lessons the card points to."""
    buttons = [[Button("📖 " + title, callback_data=cb.CARD.pack(lesson=lesson_id, card=1))]
               for lesson_id, title in lessons]
    return Markup([*buttons, [_emergency(t)],
                   [Button(t.label("◀ Back"), callback_data=cb.REF_TOPIC.pack(module=topic_id)),
                    _home(t)]])


def results(t: Translator, entries: Sequence[tuple[str, str, str, bool]], *,
            more: tuple[str, int] | None = None,
            previous: tuple[str, int] | None = None) -> Markup:
    """``entries``: (kind ``ref`` | ``lesson``, id, localized title, sensitive); ``more`` and
    ``previous``: (key, page) of the next and previous pages of results, if any."""
    buttons = []
    for kind, item_id, title, sensitive in entries:
        if kind == "ref":
            buttons.append([_card(item_id, "🩺 " + title, sensitive)])
        else:
            buttons.append([Button("📖 " + title,
                                   callback_data=cb.CARD.pack(lesson=item_id, card=1))])
    pages = []
    if previous is not None:
        pages.append(Button(t.label("◀ Previous"), callback_data=cb.SEARCH_PAGE.pack(
            key=previous[0], page=previous[1])))
    if more is not None:
        pages.append(Button(t.label("More ▶"), callback_data=cb.SEARCH_PAGE.pack(
            key=more[0], page=more[1])))
    return Markup([*buttons, *([pages] if pages else []), [_reference(t), _home(t)]])


def emergency(t: Translator, onboarded: bool = True) -> Markup:
    """Before onboarding the next step follows as its own message: no menu buttons here."""
    other = [Button("🌍 " + t.label("Other countries"),
                    callback_data=cb.EMERGENCY.pack(code="other"))]
    return Markup([other, [_reference(t), _home(t)]] if onboarded else [other])


def emergency_countries(t: Translator, codes: Sequence[str], onboarded: bool = True) -> Markup:
    buttons = [Button(country_name(code, t.locale), callback_data=cb.EMERGENCY.pack(code=code))
               for code in codes]
    return Markup([*rows(buttons, 2), [_reference(t), _home(t)]] if onboarded
                  else rows(buttons, 2))


def emergency_country_question(t: Translator, codes: Sequence[str], other: str) -> Markup:
    """``/emergency`` before the officer's country is known: the country, then its numbers."""
    buttons = [Button(country_name(code, t.locale),
                      callback_data=cb.EMERGENCY_COUNTRY.pack(code=code)) for code in codes]
    buttons.append(Button(t.label("Another country"),
                          callback_data=cb.EMERGENCY_COUNTRY.pack(code=other)))
    return Markup(rows(buttons, 2))
