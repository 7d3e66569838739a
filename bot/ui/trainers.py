"""Keyboards of the trainer and admin screens: roles, cohorts, an officer's cohorts."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.countries import COURSE_COUNTRIES, OTHER, country_name
from bot.i18n import Translator
from bot.services.report_scope import ReportFilter
from bot.store.cohorts import Cohort
from bot.ui import callbacks as cb
from bot.ui.keyboards import rows

NONE = "-"


def homed(t: Translator, menu: list[list[Button]]) -> Markup:
    """A staff screen's keyboard with the main menu as its last row: every screen has a way
    back, whatever led to it."""
    return Markup([*menu, [Button("🏠 " + t.label("Main menu"),
                                  callback_data=cb.MENU.pack(item="home"))]])


def confirm(t: Translator, yes: str, yes_data: str, no_data: str) -> Markup:
    """A yes/no question: ``yes`` is the (translated) label of the action."""
    return homed(t, [[Button(yes, callback_data=yes_data)],
                   [Button(t.label("Cancel"), callback_data=no_data)]])


def pager(t: Translator, page: int, has_more: bool, data) -> list[Button]:
    """◀️/▶️ buttons; ``data(page)`` packs the callback data of a page."""
    buttons = []
    if page > 0:
        buttons.append(Button("◀️ " + t.label("Previous"), callback_data=data(page - 1)))
    if has_more:
        buttons.append(Button(t.label("Next") + " ▶️", callback_data=data(page + 1)))
    return buttons


# --- roles ------------------------------------------------------------------------------
def roles(t: Translator, trainers: Sequence[int]) -> Markup:
    menu = [[Button("➕ " + t.label("Create a trainer invite link"),
                    callback_data=cb.ROLES.pack(a="invite", v=NONE))]]
    menu += rows([Button("➖ " + t.label("Revoke {user}", user=str(user)),
                         callback_data=cb.ROLES.pack(a="revoke", v=user)) for user in trainers],
                 2)
    return homed(t, menu)


def back_to_roles(t: Translator) -> Markup:
    return homed(t, [[Button("⬅️ " + t.label("Trainers"),
                           callback_data=cb.ROLES.pack(a="list", v=NONE))]])


# --- cohorts ----------------------------------------------------------------------------
def cohort_list(t: Translator, cohorts: Sequence[Cohort], page: int, has_more: bool) -> Markup:
    menu = [[Button(("🔒 " if c.closed else "👥 ") + c.name,
                    callback_data=cb.COHORT.pack(c=c.id, a="open", v=NONE))] for c in cohorts]
    nav = pager(t, page, has_more, lambda p: cb.COHORT.pack(c=NONE, a="list", v=p))
    if nav:
        menu.append(nav)
    menu.append([Button("➕ " + t.label("New cohort"),
                        callback_data=cb.COHORT.pack(c=NONE, a="new", v=NONE)),
                 Button("📊 " + t.label("Progress report"),
                        callback_data=cb.REPORT.pack(f=ReportFilter().pack()))])
    return homed(t, menu)


def cohort(t: Translator, c: Cohort) -> Markup:
    def data(action: str) -> str:
        return cb.COHORT.pack(c=c.id, a=action, v=NONE)
    menu = [[Button("👥 " + t.label("Members"), callback_data=cb.COHORT.pack(
                c=c.id, a="members", v=0)),
             Button("✏️ " + t.label("Rename"), callback_data=data("rename"))]]
    if not c.closed:
        menu.append([Button("🔄 " + t.label("New invite link"), callback_data=data("rotate")),
                     Button("🔒 " + t.label("Close the cohort"), callback_data=data("close"))])
    menu.append([Button("📊 " + t.label("Progress report"),
                        callback_data=cb.REPORT.pack(f=ReportFilter(cohort_id=c.id).pack()))])
    menu.append([Button("⬅️ " + t.label("Cohorts"),
                        callback_data=cb.COHORT.pack(c=NONE, a="list", v=0))])
    return homed(t, menu)


def back_to_cohort(t: Translator, cohort_id: int) -> Markup:
    return homed(t, [[Button("⬅️ " + t.label("Back"),
                           callback_data=cb.COHORT.pack(c=cohort_id, a="open", v=NONE))]])


def members(t: Translator, cohort_id: int, names: Sequence[tuple[int, str]], page: int,
            has_more: bool) -> Markup:
    menu = rows([Button("➖ " + t.label("Remove {name}", name=name),
                        callback_data=cb.COHORT.pack(c=cohort_id, a="rm", v=user))
                 for user, name in names], 2)
    nav = pager(t, page, has_more, lambda p: cb.COHORT.pack(c=cohort_id, a="members", v=p))
    if nav:
        menu.append(nav)
    menu.append([Button("⬅️ " + t.label("Back"),
                        callback_data=cb.COHORT.pack(c=cohort_id, a="open", v=NONE))])
    return homed(t, menu)


def cohort_countries(t: Translator) -> Markup:
    buttons = [Button(country_name(code, t.locale),
                      callback_data=cb.COHORT.pack(c=NONE, a="cty", v=code))
               for code in COURSE_COUNTRIES]
    buttons.append(Button(t.label("Another country"),
                          callback_data=cb.COHORT.pack(c=NONE, a="cty", v=OTHER)))
    menu = rows(buttons, 2)
    menu.append([Button(t.label("Cancel"), callback_data=cb.COHORT.pack(c=NONE, a="list",
                                                                        v=0))])
    return homed(t, menu)


def skip_or_cancel(t: Translator, skip_data: str | None, cancel_data: str) -> Markup:
    menu = []
    if skip_data:
        menu.append([Button(t.label("Skip"), callback_data=skip_data)])
    menu.append([Button(t.label("Cancel"), callback_data=cancel_data)])
    return homed(t, menu)


# --- an officer's cohorts -----------------------------------------------------------------
def my_cohorts(t: Translator, cohorts: Sequence[Cohort]) -> Markup:
    menu = [[Button("🚪 " + t.label("Leave {cohort}", cohort=c.name),
                    callback_data=cb.MY_COHORT.pack(c=c.id, a="leave"))] for c in cohorts]
    menu.append([Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))])
    return Markup(menu)
