"""What the report's charts and exports show: menus, captions and the charts' words."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton as Button
from telegram import InlineKeyboardMarkup as Markup

from bot.countries import country_name
from bot.i18n import LANGUAGE_NAMES, Html, Translator
from bot.services.charts import ChartService, ModuleShares, RecallHistory, WeekCounts
from bot.services.report_scope import ReportFilter, Scope
from bot.ui import callbacks as cb
from bot.ui.charts import Bars, Chart, Labels, Lines


def filter_lines(t: Translator, f: ReportFilter, cohort_name: str | None) -> str:
    """The filter a menu applies, one line each (HTML)."""
    lines = [t.ngettext("Last {n} day", "Last {n} days", f.period_days)
             if f.period_days else t._("All time")]
    if cohort_name is not None:
        lines.append(t._("Cohort: {name}", name=cohort_name))
    if f.country:
        lines.append(t._("Country: {country}", country=country_name(f.country, t.locale)))
    if f.locale:
        lines.append(t._("Language: {language}", language=LANGUAGE_NAMES.get(f.locale,
                                                                            f.locale)))
    return "\n".join(lines)


def _footer(t: Translator, f: ReportFilter) -> list[list[Button]]:
    return [[Button(t.label("◀ Back"), callback_data=cb.REPORT.pack(f=f.pack())),
             Button("🏠 " + t.label("Main menu"), callback_data=cb.MENU.pack(item="home"))]]


def file_keyboard(t: Translator, f: ReportFilter, *, chart: bool) -> Markup:
    """Under a chart or a CSV file: back to the menu it came from, or home."""
    route = cb.REPORT_CHART if chart else cb.REPORT_CSV
    return Markup([[Button(t.label("◀ Back"), callback_data=route.pack(kind="menu", f=f.pack())),
                    Button("🏠 " + t.label("Main menu"),
                           callback_data=cb.MENU.pack(item="home"))]])


def charts_menu(t: Translator, f: ReportFilter, cohort_name: str | None
                ) -> tuple[str, Markup]:
    text = t._("<b>Charts</b> for these officers:\n{filter}\n\nEach chart arrives as a "
               "picture.", filter=_raw(filter_lines(t, f, cohort_name)))
    packed = f.pack()
    buttons = [
        [Button(t.label("Active officers per week"),
                callback_data=cb.REPORT_CHART.pack(kind="active", f=packed))],
        [Button(t.label("Completion per module"),
                callback_data=cb.REPORT_CHART.pack(kind="completion", f=packed))],
        [Button(t.label("Predicted recall per module"),
                callback_data=cb.REPORT_CHART.pack(kind="recall", f=packed))],
    ]
    return text, Markup(buttons + _footer(t, f))


def exports_menu(t: Translator, f: ReportFilter, cohort_name: str | None, *, admin: bool
                 ) -> tuple[str, Markup]:
    text = t._("<b>CSV files</b> for these officers:\n{filter}\n\nOfficers are named by "
               "pseudonyms. Column names are in English so that files from every country "
               "line up.", filter=_raw(filter_lines(t, f, cohort_name)))
    packed = f.pack()
    buttons = [[Button(t.label("Progress per officer"),
                       callback_data=cb.REPORT_CSV.pack(kind="officers", f=packed))]]
    if admin:
        buttons.append([Button(t.label("Progress with Telegram ids"),
                               callback_data=cb.REPORT_CSV.pack(kind="ids", f=packed))])
    buttons.append([Button(t.label("Answers per question"),
                           callback_data=cb.REPORT_CSV.pack(kind="answers", f=packed))])
    return text, Markup(buttons + _footer(t, f))


def confirm_ids(t: Translator, f: ReportFilter) -> tuple[str, Markup]:
    text = t._("This file names every officer by his or her Telegram id. Your request is "
               "recorded: who asked, when, and for which officers. Keep the file safe and "
               "delete it when you no longer need it. Send it?")
    packed = f.pack()
    return text, Markup([
        [Button(t.label("Yes, send it"),
                callback_data=cb.REPORT_CSV.pack(kind="ids_ok", f=packed))],
        [Button(t.label("Cancel"), callback_data=cb.REPORT_CSV.pack(kind="menu", f=packed))]])


def _raw(text: str) -> Html:
    return Html(text)


def _week(t: Translator, day: date) -> str:
    return t.date(day, "d MMM")


def active_chart(t: Translator, data: WeekCounts) -> Chart:
    labels = Labels(
        title=t.label("Active officers per week"),
        subtitle=t.nlabel("{n} officer in this view", "{n} officers in this view",
                          data.officers),
        x=t.label("Week starting"), y=t.label("Officers"),
        empty=t.label("No activity yet for these officers."))
    bars = Bars([_week(t, w) for w in data.weeks], data.counts,
                [t.number(c) if c else "" for c in data.counts])
    return Chart(labels, bars, rtl=t.is_rtl, tick=lambda v: t.number(int(v)) if v == int(v)
                 else "")


def completion_chart(t: Translator, data: ModuleShares, titles: dict[str, str]) -> Chart:
    labels = Labels(
        title=t.label("Completion per module"),
        subtitle=t.nlabel("Share of each module's lessons finished, {n} officer",
                          "Share of each module's lessons finished, {n} officers",
                          data.officers),
        empty=t.label("No one is in this view yet."))
    bars = Bars([titles[m] for m in data.modules], data.shares,
                [t.percent(s) for s in data.shares], horizontal=True, limit=1.0)
    return Chart(labels if data.officers else Labels(labels.title, empty=labels.empty),
                 bars if data.officers else None, rtl=t.is_rtl, tick=t.percent)


def recall_chart(t: Translator, data: RecallHistory, titles: dict[str, str]) -> Chart:
    subtitle = (t.label("Recall a week from now if nothing is reviewed; weekly since {date}",
                        date=t.date(data.since, "medium")) if data.since else "")
    labels = Labels(
        title=t.label("Predicted recall per module"), subtitle=subtitle,
        x=t.label("Week starting"), y=t.label("Predicted recall"),
        empty=t.label("No recall data yet: it starts once these officers have answered "
                      "quiz questions."))
    lines = Lines([_week(t, d) for d in data.days],
                  [(titles[m], values) for m, values in data.series.items()], limit=1.0)
    return Chart(labels, lines if data.series else None, rtl=t.is_rtl, tick=t.percent)


async def chart_for(kind: str, charts: ChartService, t: Translator, scope: Scope,
                    titles: dict[str, str]) -> Chart:
    """The chart ``kind`` for ``scope``, in ``t``'s language (``titles``: module titles)."""
    if kind == "active":
        return active_chart(t, await charts.active(scope))
    if kind == "completion":
        return completion_chart(t, await charts.completion(scope), titles)
    return recall_chart(t, await charts.recall(scope), titles)


def chart_caption(t: Translator, kind: str, f: ReportFilter, cohort_name: str | None) -> str:
    title = {"active": t._("Active officers per week"),
             "completion": t._("Completion per module"),
             "recall": t._("Predicted recall per module")}[kind]
    return f"<b>{title}</b>\n{filter_lines(t, f, cohort_name)}"


def export_caption(t: Translator, kind: str, rows: int) -> str:
    if kind == "answers":
        return t.ngettext("Answers per question: {n} question.",
                          "Answers per question: {n} questions.", rows)
    if kind == "ids_ok":
        return t.ngettext("Progress per officer, with Telegram ids: {n} officer. This export "
                          "is recorded.", "Progress per officer, with Telegram ids: {n} "
                          "officers. This export is recorded.", rows)
    return t.ngettext("Progress per officer: {n} officer, named by pseudonyms.",
                      "Progress per officer: {n} officers, named by pseudonyms.", rows)
