"""Keyboards and texts of the broadcast composer and its delivery report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

from babel import Locale
from babel.dates import format_skeleton, format_timedelta
from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.countries import COURSE_COUNTRIES, country_name
from bot.i18n import LANGUAGE_NAMES, Html, Translator
from bot.services.broadcasts import INACTIVE_DAYS, Progress
from bot.store.broadcasts import Broadcast
from bot.store.cohorts import Cohort
from bot.ui import callbacks as cb
from bot.ui import templates
from bot.ui.keyboards import rows
from bot.ui.trainers import homed

NONE = "-"
#: Hours offered for a meeting or a scheduled broadcast (never in quiet hours)
HOURS = tuple(range(7, 21))


def data(b: Broadcast | int | None, action: str, value: object = NONE) -> str:
    bid = b.id if isinstance(b, Broadcast) else (b or 0)
    return cb.BROADCAST.pack(b=bid, a=action, v=value)


def _babel(t: Translator) -> Locale:
    return Locale.parse("uz_Latn" if t.locale == "uz" else t.locale)


def short_day(t: Translator, day: date) -> str:
    """A day for a button: weekday, day and month (``Sat, Dec 5``) in the viewer's locale."""
    return format_skeleton("MMMEd", day, locale=_babel(t))


def duration(t: Translator, seconds: float) -> str:
    return format_timedelta(timedelta(seconds=max(1.0, seconds)), threshold=2,
                            locale=_babel(t))


def cancel_row(t: Translator, b: Broadcast) -> list[Button]:
    return [Button("✖️ " + t.label("Cancel"), callback_data=data(b, "x"))]


def back_and_cancel(t: Translator, b: Broadcast, back: str) -> Markup:
    return homed(t, [[Button("⬅️ " + t.label("Back"), callback_data=data(b, back)),
                    *cancel_row(t, b)]])


def audience(t: Translator, b: Broadcast, cohorts: Sequence[Cohort], *, admin: bool,
             page: int, has_more: bool) -> Markup:
    chosen = set(b.audience.get("cohorts") or [])
    menu = rows([Button(("✅ " if c.id in chosen else "▫️ ") + c.name,
                        callback_data=data(b, "co", c.id)) for c in cohorts], 2)
    nav = []
    if page > 0:
        nav.append(Button("◀️ " + t.label("Previous"), callback_data=data(b, "aud", page - 1)))
    if has_more:
        nav.append(Button(t.label("Next") + " ▶️", callback_data=data(b, "aud", page + 1)))
    if nav:
        menu.append(nav)
    if admin:
        menu.append([Button("🌍 " + t.label("A country"), callback_data=data(b, "ac")),
                     Button("🗣 " + t.label("A language"), callback_data=data(b, "al"))])
        menu.append([Button("📢 " + t.label("Everyone"), callback_data=data(b, "ae"))])
    if chosen:
        menu.append([Button(t.label("Continue") + " ➡️", callback_data=data(b, "nar"))])
    menu.append([Button("📜 " + t.label("Earlier broadcasts"), callback_data=data(0, "hist")),
                 *cancel_row(t, b)])
    return homed(t, menu)


def countries(t: Translator, b: Broadcast) -> Markup:
    menu = rows([Button(country_name(code, t.locale), callback_data=data(b, "cty", code))
                 for code in COURSE_COUNTRIES], 2)
    menu.append([Button("⬅️ " + t.label("Back"), callback_data=data(b, "aud", 0))])
    return homed(t, menu)


def languages(t: Translator, b: Broadcast, locales: Sequence[str]) -> Markup:
    menu = rows([Button(LANGUAGE_NAMES[loc], callback_data=data(b, "lng", loc))
                 for loc in locales], 3)
    menu.append([Button("⬅️ " + t.label("Back"), callback_data=data(b, "aud", 0))])
    return homed(t, menu)


def narrow_label(t: Translator, key: str, module_title: str = "") -> str:
    if key.startswith("in"):
        n = int(key[2:])
        return t.nlabel("Inactive for {n} day or more", "Inactive for {n} days or more", n)
    if key == "due":
        return t.label("With reviews due")
    if key == "rec":
        return t.label("Low recall in: {module}", module=module_title) if module_title \
            else t.label("Low recall in a module…")
    return t.label("All of them")


def narrow(t: Translator, b: Broadcast) -> Markup:
    keys = ["all", *(f"in{d}" for d in INACTIVE_DAYS), "due", "rec"]
    menu = [[Button(narrow_label(t, key), callback_data=data(b, "n", key))] for key in keys]
    menu.append([Button("⬅️ " + t.label("Back"), callback_data=data(b, "aud", 0)),
                 *cancel_row(t, b)])
    return homed(t, menu)


def modules(t: Translator, b: Broadcast, entries: Sequence[tuple[str, str]], action: str,
            back: str) -> Markup:
    """``entries``: (module id, localized title)."""
    menu = [[Button(title, callback_data=data(b, action, module_id))]
            for module_id, title in entries]
    menu.append([Button("⬅️ " + t.label("Back"), callback_data=data(b, back))])
    return homed(t, menu)


def message(t: Translator, b: Broadcast) -> Markup:
    menu = [[Button(t.label(templates.NAMES[key]), callback_data=data(b, "tpl", key))]
            for key in templates.TEMPLATES]
    menu.append([Button("✍️ " + t.label("My own text"), callback_data=data(b, "own"))])
    menu.append([Button("⬅️ " + t.label("Back"), callback_data=data(b, "nar")),
                 *cancel_row(t, b)])
    return homed(t, menu)


def days(t: Translator, b: Broadcast, first: date, count: int, action: str, back: str
         ) -> Markup:
    buttons = [Button(short_day(t, first + timedelta(days=i)),
                      callback_data=data(b, action, (first + timedelta(days=i)).strftime(
                          "%Y%m%d"))) for i in range(count)]
    menu = rows(buttons, 3)
    menu.append([Button("⬅️ " + t.label("Back"), callback_data=data(b, back)),
                 *cancel_row(t, b)])
    return homed(t, menu)


def hours(t: Translator, b: Broadcast, day: date, action: str, back: str,
          earliest: int = 0) -> Markup:
    buttons = [Button(t.clock(time(h, 0)), callback_data=data(
        b, action, f"{day.strftime('%Y%m%d')}{h:02d}00")) for h in HOURS if h >= earliest]
    menu = rows(buttons, 4)
    menu.append([Button("⬅️ " + t.label("Back"), callback_data=data(b, back)),
                 *cancel_row(t, b)])
    return homed(t, menu)


def preview(t: Translator, b: Broadcast, *, sendable: bool) -> Markup:
    menu = []
    if sendable:
        menu.append([Button("✅ " + t.label("Send now…"), callback_data=data(b, "now")),
                     Button("🕒 " + t.label("Schedule…"), callback_data=data(b, "sch"))])
    menu.append([Button("⬅️ " + t.label("Change the message"), callback_data=data(b, "msg")),
                 Button("👥 " + t.label("Change the audience"), callback_data=data(b, "aud", 0))])
    menu.append(cancel_row(t, b))
    return homed(t, menu)


def confirm(t: Translator, b: Broadcast, yes: str, value: object = NONE) -> Markup:
    action = "go" if value == NONE else "sgo"
    return homed(t, [[Button("✅ " + yes, callback_data=data(b, action, value))],
                   [Button("⬅️ " + t.label("Back"), callback_data=data(b, "pre"))]])


def scheduled(t: Translator, b: Broadcast) -> Markup:
    return homed(t, [[Button("✖️ " + t.label("Cancel this broadcast"),
                           callback_data=data(b, "cx"))],
                   [Button("📜 " + t.label("Earlier broadcasts"),
                           callback_data=data(0, "hist"))]])


def history(t: Translator, cancellable: Sequence[int]) -> Markup:
    menu = [[Button("✖️ " + t.label("Cancel #{id}", id=str(bid)),
                    callback_data=data(bid, "cx"))] for bid in cancellable]
    menu.append([Button("📣 " + t.label("New broadcast"), callback_data=data(0, "new"))])
    return homed(t, menu)


def progress_line(t: Translator, p: Progress) -> str:
    return t._("Sent: {sent} · Waiting: {pending} · Blocked the bot: {blocked} · Failed: "
               "{failed} · Nothing to send: {skipped}", sent=p.sent, pending=p.pending,
               blocked=p.blocked, failed=p.failed, skipped=p.skipped)


def report_buttons(t: Translator) -> Markup:
    return homed(t, [[Button("📜 " + t.label("Earlier broadcasts"),
                             callback_data=data(0, "hist"))]])


def report(t: Translator, b: Broadcast, p: Progress, rate: float, elapsed: float) -> str:
    """The delivery report, live while sending and final when done."""
    if b.status == "done":
        return t._("📣 <b>Broadcast #{id}</b> finished. Time taken: {duration}.\n{progress}",
                   id=str(b.id), duration=duration(t, elapsed),
                   progress=Html(progress_line(t, p)))
    return t.ngettext("📣 <b>Broadcast #{id}</b>: sending…\n{progress}\nSpeed: {n} message a "
                      "second", "📣 <b>Broadcast #{id}</b>: sending…\n{progress}\nSpeed: {n} "
                      "messages a second", round(rate), id=str(b.id),
                      progress=Html(progress_line(t, p)))
