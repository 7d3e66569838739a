"""Charts (PNG photos) and CSV exports from the report (issue 12, items 3 and 4)."""

from __future__ import annotations

import csv
import io

from conftest import ADMIN_ID
from harness import Chat
from staffing import cohort_with, officers, trainer
from test_quiz import _answer_current

from bot.logs import pseudonym
from bot.sandbox import UpdateFactory
from bot.services.report_scope import ReportFilter, Scope
from bot.ui import callbacks as cb

PNG = b"\x89PNG\r\n\x1a\n"
ALL = ReportFilter()


def _admin(app, fake) -> Chat:
    return Chat(app, fake, UpdateFactory(ADMIN_ID, language_code="en"))


def _file(chat: Chat, method: str) -> tuple[str, bytes]:
    sent = [c for c in chat.calls if c.method == method and c.error is None]
    assert sent, [c.method for c in chat.calls]
    (name, data), = sent[-1].files.values()
    return name, data


def _csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


async def _learn(chat: Chat, content, lesson, wrong_first: bool = True) -> None:
    """Finish ``lesson`` and answer its quiz (the first answer wrong)."""
    await chat.press_data(f"done:{lesson.id}")
    await chat.press("Quiz on this lesson")
    for n in range(len(lesson.quiz)):
        await _answer_current(chat, content, correct=not (wrong_first and n == 0))
        await chat.press("See my results" if n == len(lesson.quiz) - 1 else "Next question ▶")


async def test_admin_gets_each_chart_as_a_png_photo(app, fake, content):
    a, _b = await officers(app, fake, [(3001, "en", "English"), (3002, "ru", "Русский")])
    module = content.course.modules[0]
    await _learn(a, content, module.lessons[0])
    admin = _admin(app, fake)
    await admin.onboard()
    await admin.send("/charts")
    assert "Charts" in admin.last.text and "Last 30 days" in admin.last.text
    data = admin.last.callback_data()
    assert cb.REPORT.pack(f=ALL.pack()) in data and cb.MENU.pack(item="home") in data
    for label in ("Active officers per week", "Completion per module",
                  "Predicted recall per module"):
        await admin.press(label)
        name, png = _file(admin, "sendPhoto")
        assert png.startswith(PNG) and name.endswith(".png")
        photo = next(c for c in admin.calls if c.method == "sendPhoto")
        assert label in photo.text
        assert admin.answered_callback() is not None
        # under the picture: back to the charts menu, or home
        assert photo.callback_data() == [cb.REPORT_CHART.pack(kind="menu", f=ALL.pack()),
                                         cb.MENU.pack(item="home")]
        await admin.press("◀ Back")
        assert "Charts" in admin.last.text and "Last 30 days" in admin.last.text


async def test_chart_figures_match_a_hand_count(app, fake, content, clock):
    """Two officers (plus the admin): one finishes the first lesson of module 1 and answers
    its quiz; completion of module 1 = 1 / (lessons x 3 officers); one officer active this
    week; recall per module is the mean of projected recall over the answered questions."""
    a, _ = await officers(app, fake, [(3001, "en", "English"), (3002, "en", "English")])
    module = content.course.modules[0]
    lesson = module.lessons[0]
    await _learn(a, content, lesson)
    admin = _admin(app, fake)
    await admin.onboard()
    services = app.bot_data.services
    scope = Scope(ALL, None)
    completion = await services.charts.completion(scope)
    assert completion.officers == 3
    assert completion.shares[0] == 1 / (len(module.lessons) * 3)
    assert all(s == 0 for s in completion.shares[1:])
    active = await services.charts.active(scope)
    assert active.counts[-1] == 1 and sum(active.counts) == 1 and len(active.counts) == 8
    recall = await services.charts.recall(scope)
    from fsrs import Card

    from bot.services.report_scope import projected_recall
    cards = await services.store.quiz.cards(a.user_id)
    expected = [projected_recall(services.quiz.scheduler, Card.from_json(c.card_json),
                                 clock()) for c in cards.values()]
    assert len(recall.days) == 1 and set(recall.series) == {module.id}
    assert abs(recall.series[module.id][0] - sum(expected) / len(expected)) < 1e-9
    assert recall.series[module.id][0] < 1.0  # projected a week ahead, not 100 %
    # a week later the daily job adds a second point
    clock.advance(days=7)
    await services.charts.take_snapshot()
    assert len((await services.charts.recall(scope)).days) == 2


async def test_empty_database_and_empty_filter_give_a_no_data_chart(app, fake):
    admin = _admin(app, fake)
    await admin.onboard()
    nobody = ReportFilter(country="TM", locale="ps")
    for kind in ("active", "completion", "recall"):
        await admin.press_data(cb.REPORT_CHART.pack(kind=kind, f=nobody.pack()))
        _name, png = _file(admin, "sendPhoto")
        assert png.startswith(PNG)
    await admin.press_data(cb.REPORT_CSV.pack(kind="officers", f=nobody.pack()))
    _, data = _file(admin, "sendDocument")
    assert _csv(data) == []
    assert "0 officers" in next(c for c in admin.calls if c.method == "sendDocument").text


async def test_officers_get_no_chart_menu_or_export(app, fake, content):
    officer, = await officers(app, fake, [(3001, "en", "English")])
    for command in ("/charts", "/export"):
        await officer.send(command)
        assert "for trainers and admins only" in officer.last.text
    for data in (cb.REPORT_CHART.pack(kind="active", f=ALL.pack()),
                 cb.REPORT_CSV.pack(kind="officers", f=ALL.pack()),
                 cb.REPORT_CSV.pack(kind="ids_ok", f=ALL.pack())):
        await officer.press_data(data)
        assert "for trainers and admins only" in officer.answered_callback().params["text"]
        assert not [c for c in officer.calls if c.method in ("sendPhoto", "sendDocument")]


async def test_trainer_cannot_reach_another_trainers_cohort_by_forged_button(app, fake):
    mine = await trainer(app, fake, 4001)
    await trainer(app, fake, 4002)
    _a, _b = await officers(app, fake, [(3001, "en", "English"), (3002, "en", "English")])
    own = await cohort_with(app, 4001, [3001], name="Mine")
    other = await cohort_with(app, 4002, [3002], name="Theirs")
    forged = ReportFilter(cohort_id=other.id).pack()
    for data in (cb.REPORT_CHART.pack(kind="completion", f=forged),
                 cb.REPORT_CSV.pack(kind="officers", f=forged),
                 cb.REPORT_CSV.pack(kind="menu", f=forged)):
        await mine.press_data(data)
        assert "your own cohorts only" in mine.answered_callback().params["text"]
        assert not [c for c in mine.calls if c.method in ("sendPhoto", "sendDocument")]
    # the default filter gives a trainer his or her own cohorts' officers only
    await mine.press_data(cb.REPORT_CSV.pack(kind="officers", f=ALL.pack()))
    _, data = _file(mine, "sendDocument")
    assert [r["officer"] for r in _csv(data)] == [pseudonym(3001)]
    await mine.press_data(cb.REPORT_CSV.pack(kind="officers", f=ReportFilter(
        cohort_id=own.id).pack()))
    assert [r["officer"] for r in _csv(_file(mine, "sendDocument")[1])] == [pseudonym(3001)]
    # and no Telegram ids, whatever the button says
    await mine.press_data(cb.REPORT_CSV.pack(kind="ids_ok", f=ALL.pack()))
    assert "Only an admin" in mine.answered_callback().params["text"]
    await mine.send("/export")
    assert "Telegram ids" not in " ".join(mine.last.button_texts())


async def test_malformed_buttons_get_the_out_of_date_answer(app, fake):
    admin = _admin(app, fake)
    await admin.onboard()
    for data in ("rpc:pie:c0.-.-.30", "rpc:active:c0.-.-.31", "rpx:officers:nonsense",
                 "rpx:drop:c0.-.-.30"):
        await admin.press_data(data)
        assert "out of date" in admin.answered_callback().params["text"]


async def test_progress_export_is_pseudonymous_with_hand_counted_figures(app, fake, content):
    a, _b = await officers(app, fake, [(3001, "en", "English"), (3002, "ru", "Русский")])
    lesson = content.course.modules[0].lessons[0]
    await _learn(a, content, lesson)
    admin = _admin(app, fake)
    await admin.onboard()
    await admin.send("/export")
    await admin.press("Progress per officer")
    name, data = _file(admin, "sendDocument")
    assert name.endswith(".csv")
    rows = {r["officer"]: r for r in _csv(data)}
    assert set(rows) == {pseudonym(3001), pseudonym(3002), pseudonym(ADMIN_ID)}
    assert "3001" not in data.decode("utf-8-sig")
    row = rows[pseudonym(3001)]
    n = len(lesson.quiz)
    assert (row["lessons_finished"], row["answers_in_period"], row["answers_total"],
            row["correct_total"]) == ("1", str(n), str(n), str(n - 1))
    assert row["lessons_total"] == str(len(content.course.lessons))
    assert abs(float(row["accuracy"]) - (n - 1) / n) < 1e-4
    assert 0 < float(row["predicted_recall_7d"]) < 1
    assert rows[pseudonym(3002)]["language"] == "ru"
    assert rows[pseudonym(3002)]["answers_total"] == "0"
    audit = await app.bot_data.services.store.media.audit()
    assert [(r["actor_id"], r["kind"], r["filter"], r["rows"]) for r in audit] == [
        (ADMIN_ID, "officers", ALL.pack(), 3)]


async def test_telegram_ids_need_a_confirmation_and_are_audited(app, fake, clock):
    await officers(app, fake, [(3001, "en", "English")])
    admin = _admin(app, fake)
    await admin.onboard()
    await admin.send("/export")
    await admin.press("Progress with Telegram ids")
    assert "Telegram id" in admin.last.text and "recorded" in admin.last.text
    assert not [c for c in admin.calls if c.method == "sendDocument"]
    store = app.bot_data.services.store
    assert await store.media.audit() == []
    await admin.press("Cancel")
    assert "CSV files" in admin.last.text
    await admin.press("Progress with Telegram ids")
    await admin.press("Yes, send it")
    _, data = _file(admin, "sendDocument")
    rows = _csv(data)
    assert {r["telegram_user_id"] for r in rows} == {"3001", str(ADMIN_ID)}
    assert "officer" not in rows[0]
    audit = await store.media.audit()
    assert [(r["actor_id"], r["kind"], r["filter"], r["at"]) for r in audit] == [
        (ADMIN_ID, "officers_ids", ALL.pack(), clock().isoformat())]
    assert "CSV files" in admin.last.text  # the confirmation is gone: no second file by a tap
    assert "Yes, send it" not in admin.last.button_texts()


async def test_answers_per_question_with_the_most_chosen_wrong_option(app, fake, content):
    a, b = await officers(app, fake, [(3001, "en", "English"), (3002, "en", "English")])
    lesson = content.course.modules[0].lessons[0]
    await _learn(a, content, lesson, wrong_first=True)
    await _learn(b, content, lesson, wrong_first=False)
    admin = _admin(app, fake)
    await admin.onboard()
    await admin.send("/export")
    await admin.press("Answers per question")
    rows = {r["item_id"]: r for r in _csv(_file(admin, "sendDocument")[1])}
    assert set(rows) == {i.id for i in lesson.quiz}
    first = lesson.quiz[0]
    row = rows[first.id]
    assert (row["module"], row["lesson"]) == (first.module_id, lesson.id)
    assert (row["times_answered"], row["wrong_answers"], row["wrong_rate"]) == ("2", "1",
                                                                               "0.5000")
    if sum(o.correct for o in first.options) == 1:  # a single-choice question
        wrong = int(row["most_chosen_wrong_option"]) - 1
        assert not first.options[wrong].correct
        assert row["most_chosen_wrong_text"] == first.options[wrong].text.source
        assert row["most_chosen_wrong_times"] == "1"
    for item in lesson.quiz[1:]:
        assert rows[item.id]["wrong_answers"] == "0"
        assert rows[item.id]["most_chosen_wrong_option"] == ""
    # all time reads the per-officer totals the trigger keeps: the same figures
    await admin.press_data(cb.REPORT_CSV.pack(kind="answers", f=ReportFilter(
        period_days=0).pack()))
    assert {r["item_id"]: r for r in _csv(_file(admin, "sendDocument")[1])} == rows


async def test_a_period_counts_only_its_answers(app, fake, content, clock):
    a, = await officers(app, fake, [(3001, "en", "English")])
    lesson = content.course.modules[0].lessons[0]
    await _learn(a, content, lesson)
    clock.advance(days=31)
    admin = _admin(app, fake)
    await admin.onboard()
    await admin.press_data(cb.REPORT_CSV.pack(kind="officers", f=ALL.pack()))
    row = next(r for r in _csv(_file(admin, "sendDocument")[1])
               if r["officer"] == pseudonym(3001))
    n = len(lesson.quiz)
    assert (row["answers_in_period"], row["answers_total"]) == ("0", str(n))
    await admin.press_data(cb.REPORT_CSV.pack(kind="answers", f=ALL.pack()))
    assert _csv(_file(admin, "sendDocument")[1]) == []
    await admin.press_data(cb.REPORT_CSV.pack(kind="answers", f=ReportFilter(
        period_days=90).pack()))
    assert len(_csv(_file(admin, "sendDocument")[1])) == n


async def test_forget_removes_an_officer_from_later_exports_and_charts(app, fake, content):
    a, _b = await officers(app, fake, [(3001, "en", "English"), (3002, "en", "English")])
    lesson = content.course.modules[0].lessons[0]
    await _learn(a, content, lesson)
    admin = _admin(app, fake)
    await admin.onboard()
    await admin.press_data(cb.REPORT_CSV.pack(kind="officers", f=ALL.pack()))
    assert pseudonym(3001) in {r["officer"] for r in _csv(_file(admin, "sendDocument")[1])}
    await a.send("/forget")
    await a.press(0)  # yes, delete everything
    await admin.press_data(cb.REPORT_CSV.pack(kind="officers", f=ALL.pack()))
    assert {r["officer"] for r in _csv(_file(admin, "sendDocument")[1])} == {
        pseudonym(3002), pseudonym(ADMIN_ID)}
    await admin.press_data(cb.REPORT_CSV.pack(kind="answers", f=ALL.pack()))
    assert _csv(_file(admin, "sendDocument")[1]) == []
    services = app.bot_data.services
    assert sum((await services.charts.active(Scope(ALL, None))).counts) == 0


def test_batch_pseudonyms_equal_the_logs_pseudonyms():
    from bot.logs import pseudonyms
    ids = [3001, 3002, 100_000_000]
    assert pseudonyms(ids) == [pseudonym(i) for i in ids]
