"""Keyboards as pure functions of (translator, data)."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.countries import COURSE_COUNTRIES, OTHER, country_name
from bot.i18n import LANGUAGE_NAMES, Translator
from bot.ui import callbacks as cb


def rows(buttons: Sequence[Button], width: int) -> list[list[Button]]:
    return [list(buttons[i:i + width]) for i in range(0, len(buttons), width)]


def languages(locales: Sequence[str], suggested: str | None,
              back: Translator | None = None) -> Markup:
    """Every language under its own name; the suggested one first. ``back``: opened from
    the settings, with a Back button to them (labelled in that translator's language)."""
    ordered = sorted(locales, key=lambda loc: loc != suggested)
    buttons = [Button(LANGUAGE_NAMES[loc], callback_data=cb.LANG.pack(locale=loc))
               for loc in ordered]
    return Markup(rows(buttons, 2) + ([_back_to_settings(back)] if back else []))


def countries(t: Translator, back: bool = False) -> Markup:
    buttons = [Button(country_name(code, t.locale), callback_data=cb.COUNTRY.pack(code=code))
               for code in COURSE_COUNTRIES]
    buttons.append(Button(t.label("Another country"), callback_data=cb.COUNTRY.pack(code=OTHER)))
    return Markup(rows(buttons, 2) + ([_back_to_settings(t)] if back else []))


def _back_to_settings(t: Translator) -> list[Button]:
    return [Button(t.label("◀ Back"), callback_data=cb.MENU.pack(item="settings")),
            Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))]


def privacy_ok(t: Translator) -> Markup:
    return Markup([[Button(t.label("Understood, continue"), callback_data=cb.PRIVACY_OK.pack())]])


def main_menu(t: Translator, *, resume: bool = False) -> Markup:
    menu = [[Button("🚨 " + t.label("Emergency numbers"), callback_data=cb.EMERGENCY.pack(
        code="me"))]]
    if resume:
        menu.append([Button(t.arrow("▶️ ") + t.label("Continue where I left off"),
                            callback_data=cb.MENU.pack(item="resume"))])
    menu += [
        [Button("📚 " + t.label("Lessons"), callback_data=cb.MENU.pack(item="lessons")),
         Button("🧠 " + t.label("Refresher quiz"), callback_data=cb.MENU.pack(item="quiz"))],
        [Button("🩺 " + t.label("Reference"), callback_data=cb.MENU.pack(item="reference")),
         Button("⚙️ " + t.label("Settings"), callback_data=cb.MENU.pack(item="settings"))],
    ]
    return Markup(menu)


def back_to_menu(t: Translator) -> Markup:
    return Markup([[Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))]])


def settings(t: Translator) -> Markup:
    return Markup([
        [Button("🌐 " + t.label("Language"), callback_data=cb.MENU.pack(item="language")),
         Button("📍 " + t.label("Country"), callback_data=cb.MENU.pack(item="country"))],
        [Button("⏰ " + t.label("Reminders"), callback_data=cb.MENU.pack(item="reminders")),
         Button("📊 " + t.label("My progress"), callback_data=cb.MENU.pack(item="progress"))],
        [Button("🔒 " + t.label("Privacy"), callback_data=cb.MENU.pack(item="privacy")),
         Button("🗑 " + t.label("Delete my data"), callback_data=cb.MENU.pack(item="forget"))],
        [Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))],
    ])


def forget_confirm(t: Translator, since: str) -> Markup:
    """``since``: the account the prompt belongs to (``forget_since``)."""
    return Markup([
        [Button(t.label("Yes, delete everything"),
                callback_data=cb.FORGET.pack(answer="yes", since=since))],
        [Button(t.label("Cancel"), callback_data=cb.FORGET.pack(answer="no", since=since))],
    ])


def forget_since(created_at: str) -> str:
    """An account's start as callback data: its digits (``20261201050000123``)."""
    return "".join(ch for ch in created_at if ch.isascii() and ch.isdigit()) or "0"


def start_again(t: Translator) -> Markup:
    """After everything was deleted: begin again (the first onboarding step)."""
    return Markup([[Button("🔄 " + t.label("Start again"),
                           callback_data=cb.MENU.pack(item="home"))]])
