"""Texts and keyboards of the progress report (/report), its filter pickers, its follow-ups
and cascade reach (/reach). Pure functions of (translator, figures)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.countries import COURSE_COUNTRIES, country_name
from bot.course.model import Course
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES, Html, Translator
from bot.services.report_scope import PERIODS, ReportFilter
from bot.services.reports import Reach, Report
from bot.store.cohorts import Cohort
from bot.store.reports import ReachRow
from bot.ui import callbacks as cb
from bot.ui.broadcasts import progress_line
from bot.ui.keyboards import rows
from bot.ui.trainers import homed, pager

QUESTION_CHARS = 70  # a question in the list of the most missed, cut to this length
Title = Callable[[object], str]  # a course Text in the viewer's language


def period_label(t: Translator, days: int) -> str:
    if not days:
        return t.label("All time")
    return t.nlabel("Last {n} day", "Last {n} days", days)


def filter_labels(t: Translator, f: ReportFilter, cohort: str | None) -> dict[str, str]:
    return {
        "cohort": cohort if f.cohort_id else t.label("All cohorts"),
        "country": country_name(f.country, t.locale) if f.country else t.label("All countries"),
        "language": LANGUAGE_NAMES.get(f.locale, f.locale) if f.locale
        else t.label("All languages"),
        "period": period_label(t, f.period_days),
    }


def _cut(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUESTION_CHARS else text[:QUESTION_CHARS - 1].rstrip() + "…"


def report_text(t: Translator, r: Report, course: Course, title: Title,
                cohort: str | None) -> str:
    labels = filter_labels(t, r.scope.filter, cohort)
    lines = [t._("📊 <b>Progress report</b>"),
             t._("Cohort: {cohort} · Country: {country} · Language: {language} · Period: "
                 "{period}", **labels),
             t._("As of {date} at {time} UTC.", date=t.date(r.now.date()),
                 time=t.clock(r.now.time()))]
    if not r.registered:
        lines += ["", t._("No officer matches this filter yet. Choose another filter, or "
                          "invite officers to a cohort with /cohorts.")]
        return "\n".join(lines)
    weakest = r.weakest
    lines += ["", t._("🧠 <b>Predicted recall by module</b>: how much officers will still "
                      "remember a week from now if they do not practise.")]
    for m in r.modules:
        module = course.module(m.module_id)
        name = title(module.title) if module else m.module_id
        mark = "⚠️ " if weakest is not None and m.module_id == weakest.module_id else "• "
        if m.recall is None:
            lines.append(mark + t.ngettext(
                "{module}: not practised yet; {n} lesson finished",
                "{module}: not practised yet; {n} lessons finished", m.finished, module=name))
        else:
            lines.append(mark + t.ngettext(
                "{module}: recall {recall}; {n} lesson finished",
                "{module}: recall {recall}; {n} lessons finished", m.finished, module=name,
                recall=t.percent(m.recall)))
    lines.append("")
    lines.append(t.ngettext(
        "👥 {n} officer registered ({new} new in the period), {active} active in the period.",
        "👥 {n} officers registered ({new} new in the period), {active} active in the period.",
        r.registered, new=r.new, active=r.active))
    if r.answers:
        lines.append(t.ngettext("✅ {n} quiz answer in the period, {percent} correct.",
                                "✅ {n} quiz answers in the period, {percent} correct.",
                                r.answers, percent=t.percent(r.correct / r.answers)))
    else:
        lines.append(t._("✅ No quiz answers in the period."))
    lines.append(t.ngettext("⏰ Daily reminder switched on: {n} of {total} officers.",
                            "⏰ Daily reminder switched on: {n} of {total} officers.",
                            r.reminders, total=r.registered))
    lines.append(t._("📣 Broadcast delivery so far: {line}",
                     line=Html(progress_line(t, r.delivery))))
    if r.wrong:
        lines += ["", t._("❌ <b>Questions most often answered wrong</b> in the period:")]
        for rank, w in enumerate(r.wrong, 1):
            item = course.quiz_item(w.item_id)
            question = _cut(title(item.question)) if item else w.item_id
            lines.append(t._("{rank}. {question}: {rate} wrong ({wrong} of {answers})",
                             rank=rank, question=question, rate=t.percent(w.rate),
                             wrong=w.wrong, answers=w.answers))
    return "\n".join(lines)


def _set(f: ReportFilter, key: str) -> str:
    return cb.REPORT_SET.pack(f=f.pack(), key=key)


def _show(f: ReportFilter) -> str:
    return cb.REPORT.pack(f=f.pack())


def report_keyboard(t: Translator, r: Report, cohort: str | None, weakest_title: str | None
                    ) -> Markup:
    """``weakest_title``: the title of ``r.weakest``, whose refresher the report offers."""
    f = r.scope.filter
    labels = filter_labels(t, f, cohort)
    menu = [[Button("👥 " + labels["cohort"], callback_data=_set(f, "co.0")),
             Button("🌍 " + labels["country"], callback_data=_set(f, "cty"))],
            [Button("🗣 " + labels["language"], callback_data=_set(f, "lng")),
             Button("📅 " + labels["period"], callback_data=_set(f, "per"))]]
    if weakest_title is not None and r.weakest is not None:
        menu.append([Button("🧠 " + t.label("Refresher on {module}…", module=weakest_title),
                            callback_data=_set(f, f"ref.{r.weakest.module_id}"))])
    if r.inactive:
        menu.append([Button("💤 " + t.nlabel("{n} inactive officer…", "{n} inactive officers…",
                                             r.inactive), callback_data=_set(f, "ina"))])
    menu.append([Button("📈 " + t.label("Charts"),
                        callback_data=cb.REPORT_CHART.pack(kind="menu", f=f.pack())),
                 Button("📄 " + t.label("CSV"),
                        callback_data=cb.REPORT_CSV.pack(kind="menu", f=f.pack()))])
    return homed(t, menu)


def _back(t: Translator, f: ReportFilter) -> list[Button]:
    return [Button("⬅️ " + t.label("Back to the report"), callback_data=_show(f))]


def cohort_picker(t: Translator, f: ReportFilter, cohorts: Sequence[Cohort], page: int,
                  has_more: bool) -> Markup:
    menu = [[Button(t.label("All cohorts"), callback_data=_show(f.with_(cohort_id=None)))]]
    menu += rows([Button(("🔒 " if c.closed else "👥 ") + c.name,
                         callback_data=_show(f.with_(cohort_id=c.id))) for c in cohorts], 2)
    nav = pager(t, page, has_more, lambda p: _set(f, f"co.{p}"))
    if nav:
        menu.append(nav)
    menu.append(_back(t, f))
    return homed(t, menu)


def country_picker(t: Translator, f: ReportFilter) -> Markup:
    menu = [[Button(t.label("All countries"), callback_data=_show(f.with_(country=None)))]]
    menu += rows([Button(country_name(code, t.locale), callback_data=_show(f.with_(country=code)))
                  for code in COURSE_COUNTRIES], 2)
    menu.append(_back(t, f))
    return homed(t, menu)


def language_picker(t: Translator, f: ReportFilter) -> Markup:
    menu = [[Button(t.label("All languages"), callback_data=_show(f.with_(locale=None)))]]
    menu += rows([Button(LANGUAGE_NAMES[loc], callback_data=_show(f.with_(locale=loc)))
                  for loc in SUPPORTED_LOCALES], 3)
    menu.append(_back(t, f))
    return homed(t, menu)


def period_picker(t: Translator, f: ReportFilter) -> Markup:
    menu = rows([Button(period_label(t, days), callback_data=_show(f.with_(period_days=days)))
                 for days in PERIODS], 2)
    menu.append(_back(t, f))
    return homed(t, menu)


def inactive_keyboard(t: Translator, f: ReportFilter, count: int) -> Markup:
    menu = []
    if count:
        menu.append([Button("✉️ " + t.label("Prepare a nudge…"), callback_data=_set(f, "nud"))])
    menu.append(_back(t, f))
    return homed(t, menu)


def back_to_report(t: Translator, f: ReportFilter) -> Markup:
    return homed(t, [_back(t, f)])


# --- cascade reach ------------------------------------------------------------------------
def _reach_line(t: Translator, name: str, row: ReachRow) -> str:
    if row.cards:
        return t._("• {name}: cohorts {cohorts} · officers reached {officers} · lessons "
                   "finished {finished} · class quizzes {held} · recall {recall}", name=name,
                   cohorts=row.cohorts, officers=row.officers, finished=row.finished,
                   held=row.class_quizzes, recall=t.percent(row.recall_sum / row.cards))
    return t._("• {name}: cohorts {cohorts} · officers reached {officers} · lessons finished "
               "{finished} · class quizzes {held} · no recall yet", name=name,
               cohorts=row.cohorts, officers=row.officers, finished=row.finished,
               held=row.class_quizzes)


def reach_text(t: Translator, reach: Reach, *, admin: bool, limit: int = 20) -> str:
    lines = [t._("🌱 <b>Cascade reach</b>: how far the trained trainers have carried the "
                 "course. Recall is predicted a week ahead.")]
    if not reach.trainers:
        lines += ["", t._("No cohort yet. Create one with /cohorts and invite your officers.")]
        return "\n".join(lines)
    if admin:
        lines += ["", t._("<b>By country</b>")]
        lines += [_reach_line(t, country_name(r.key, t.locale), r) for r in reach.countries]
        lines += ["", t._("<b>By trainer</b>")]
        shown = reach.trainers[:limit]
        lines += [_reach_line(t, t.label("Trainer {id}", id=r.key), r) for r in shown]
        if len(reach.trainers) > limit:
            lines.append(t.ngettext("…and {n} more trainer.", "…and {n} more trainers.",
                                    len(reach.trainers) - limit))
    else:
        lines += [""] + [_reach_line(t, t.label("Your cohorts"), r) for r in reach.trainers]
    return "\n".join(lines)
