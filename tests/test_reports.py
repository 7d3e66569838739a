"""/report, its filters and follow-ups, /reach and /progress: figures against a fixture
computed by hand, scope (trainers see their own cohorts only, officers nothing, by command and
by forged button), and the empty cases.

The fixture (the test clock's ``now``; recall projected 7 days ahead; FSRS predicts exactly
90 % recall when the days elapsed equal the card's stability):

* trainer 4001's cohort "North": officer A (5001) and officer B (5002);
  trainer 4002's cohort "South": officer C (5003).
* A, module 1: item i1, stability 10, last review 3 days ago -> 3 + 7 = 10 days: 90 %;
  item i2, stability 1,000,000, 1 day ago -> 100 % (to the percent). Module 1: 95 %.
  Answers: i1 once 40 days ago (wrong) and 4 times this month (wrong, wrong, wrong, right);
  i2 twice this month (wrong, right). Lesson 1 of module 1 finished 10 days ago.
* B, module 2: item j1, stability 47, last (and only) answer 40 days ago, right: 90 %.
  Lesson 1 of module 1 finished 60 days ago. Reminder switched off. Inactive this month.
* C, module 2: item j1, stability 1, last answer 13 days ago (wrong): 20 days on a
  stability of 1, far below 70 %.

Trainer 4001, last 30 days: 2 officers, 1 active; 6 answers, 2 right (33 %); i1 75 % wrong
(3 of 4), i2 50 % (1 of 2); module 1 recall 95 %, one lesson finished; module 2 recall 90 %
(the weakest); reminders 1 of 2. All time: 8 answers, 3 right (38 %), i1 80 % (4 of 5), two
lessons finished.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest
from conftest import ADMIN_ID
from fsrs import Card, State
from harness import Chat
from staffing import cohort_with, officers, trainer

from bot.i18n import SUPPORTED_LOCALES
from bot.sandbox import UpdateFactory
from bot.services.report_scope import ReportFilter, Scope
from bot.timeutil import iso
from bot.ui import callbacks as cb

A, B, C = 5001, 5002, 5003


def _card(stability: float, last) -> Card:
    return Card(card_id=1, state=State.Review, step=None, stability=stability, difficulty=5.0,
                due=last + timedelta(days=stability), last_review=last)


async def seed(app, content, now):
    """The fixture above, written straight into the database (the figures are what the
    report must compute from it)."""
    m1, m2 = content.course.modules[0], content.course.modules[1]
    i1, i2 = m1.lessons[0].quiz[0].id, m1.lessons[0].quiz[1].id
    j1 = m2.lessons[0].quiz[0].id
    lesson = m1.lessons[0].id
    hour = timedelta(hours=1)

    def ago(days: float):
        return now - timedelta(days=days) - hour

    cards = [(A, i1, _card(10, ago(3)), 5, 1), (A, i2, _card(1_000_000, ago(1)), 2, 1),
             (B, j1, _card(47, ago(40)), 1, 1), (C, j1, _card(1, ago(13)), 1, 0)]
    answers = [(A, i1, 40, 0), (A, i1, 5, 0), (A, i1, 4, 0), (A, i1, 3.5, 0), (A, i1, 3, 1),
               (A, i2, 2, 0), (A, i2, 1, 1), (B, j1, 40, 1), (C, j1, 13, 0)]

    def write(tx: sqlite3.Connection) -> None:
        for user, item, card, reviews, correct in cards:
            tx.execute("INSERT INTO quiz_cards (user_id, item_id, card_json, due, last_review, "
                       "reviews, lapses, stability, correct) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)",
                       (user, item, card.to_json(), iso(card.due), iso(card.last_review),
                        reviews, card.stability, correct))
        for user, item, days, correct in answers:
            tx.execute("INSERT INTO review_log (user_id, item_id, rating, correct, duration_ms, "
                       "reviewed_at, log_json) VALUES (?, ?, ?, ?, 1000, ?, '{}')",
                       (user, item, 3 if correct else 1, correct, iso(ago(days))))
        for user, days in ((A, 10), (B, 60)):
            tx.execute("INSERT INTO lesson_progress (user_id, lesson_id, card, started_at, "
                       "updated_at, completed_at) VALUES (?, ?, 1, ?, ?, ?)",
                       (user, lesson, iso(ago(days)), iso(ago(days)), iso(ago(days))))
        tx.execute("UPDATE reminders SET enabled = 0 WHERE user_id = ?", (B,))

    await app.bot_data.services.store.db.write(write)
    return m1, m2


@pytest.fixture
async def world(app, fake, content, clock):
    north_trainer = await trainer(app, fake, 4001)
    south_trainer = await trainer(app, fake, 4002)
    a, b, c = await officers(app, fake, [(A, "en", "English"), (B, "en", "English"),
                                         (C, "en", "English")])
    north = await cohort_with(app, 4001, [A, B], name="North")
    south = await cohort_with(app, 4002, [C], name="South")
    m1, m2 = await seed(app, content, clock())
    return {"north_trainer": north_trainer, "south_trainer": south_trainer, "a": a, "b": b,
            "c": c, "north": north, "south": south, "m1": m1, "m2": m2}


async def admin_chat(app, fake) -> Chat:
    admin = Chat(app, fake, UpdateFactory(ADMIN_ID))
    await admin.onboard()
    return admin


def title(content, module) -> str:
    return content.served.text("en", module.title)[0]


def question(content, item_id) -> str:
    return content.served.text("en", content.course.quiz_item(item_id).question)[0][:30]


async def test_a_trainers_report_shows_the_hand_computed_figures(world, content):
    boss = world["north_trainer"]
    await boss.send("/report")
    text = boss.last.text
    m1, m2 = world["m1"], world["m2"]
    assert f"{title(content, m1)}: recall 95%; 1 lesson finished" in text
    assert f"⚠️ {title(content, m2)}: recall 90%; 0 lessons finished" in text  # the weakest
    assert "2 officers registered (2 new in the period), 1 active in the period." in text
    assert "6 quiz answers in the period, 33% correct." in text
    assert "Daily reminder switched on: 1 of 2 officers." in text
    wrong = text.split("answered wrong")[1].splitlines()
    i1, i2 = m1.lessons[0].quiz[0].id, m1.lessons[0].quiz[1].id
    assert question(content, i1) in wrong[1] and "75% wrong (3 of 4)" in wrong[1]
    assert question(content, i2) in wrong[2] and "50% wrong (1 of 2)" in wrong[2]
    assert len(wrong) == 3
    labels = [b["text"] for row in boss.last.buttons for b in row]
    assert "📈 Charts" in labels and "📄 CSV" in labels
    assert f"🧠 Refresher on {title(content, m2)}…" in labels
    assert "💤 1 inactive officer…" in labels
    charts = boss.button("📈 Charts")[1]["callback_data"]
    assert cb.REPORT_CHART.unpack(charts) == {"kind": "menu", "f": ReportFilter().pack()}


async def test_the_period_filter_edits_the_report_in_place(world):
    boss = world["north_trainer"]
    await boss.send("/report")
    await boss.press("📅 Last 30 days")
    assert boss.last.method == "editMessageText"
    await boss.press("All time")
    assert boss.last.method == "editMessageText"
    text = boss.last.text
    assert "Period: All time" in text
    assert "8 quiz answers in the period, 38% correct." in text
    assert "80% wrong (4 of 5)" in text
    assert "recall 95%; 2 lessons finished" in text


async def test_a_one_member_cohort_and_a_filter_matching_no_one(world):
    south = world["south_trainer"]
    await south.send("/report")
    assert "1 officer registered (1 new in the period), 1 active in the period." in \
        south.last.text
    await south.press("🗣 All languages")
    await south.press("فارسی")
    assert "No officer matches this filter yet." in south.last.text
    assert boss_buttons_have_filters(south)


def boss_buttons_have_filters(chat: Chat) -> bool:
    labels = [b["text"] for row in chat.last.buttons for b in row]
    return any(label.startswith("📅") for label in labels) and \
        not any(label.startswith("🧠") for label in labels)


async def test_an_admin_alone_gets_a_sensible_report(app, fake):
    admin = await admin_chat(app, fake)
    await admin.send("/report")
    text = admin.last.text
    assert "not practised yet; 0 lessons finished" in text
    assert "No quiz answers in the period." in text
    assert "answered wrong" not in text
    assert not [c for c in fake.calls if c.error]


async def test_a_trainer_cannot_see_another_trainers_cohort(world):
    boss, south = world["north_trainer"], world["south_trainer"]
    forged = ReportFilter(cohort_id=world["south"].id).pack()
    for data in (cb.REPORT.pack(f=forged), cb.REPORT_SET.pack(f=forged, key="ref.hiv"),
                 cb.REPORT_SET.pack(f=forged, key="nud")):
        before = len(boss.mine())
        await boss.press_data(data)
        assert boss.answered_callback().params.get("show_alert")
        assert "your own cohorts only" in boss.answered_callback().params["text"]
        assert len(boss.mine()) == before
    # the trainer's own cohort works, and the cohort picker lists only his or her own
    await boss.send("/report")
    await boss.press("👥 All cohorts")
    labels = [b["text"] for row in boss.last.buttons for b in row]
    assert "👥 North" in labels and "👥 South" not in labels
    await boss.press("👥 North")
    assert "Cohort: North" in boss.last.text
    await south.send("/report")
    assert "1 officer registered" in south.last.text  # C only, not A and B


async def test_an_officer_reaches_no_report(world):
    a = world["a"]
    for command in ("/report", "/reach"):
        await a.send(command)
        assert "for trainers" in a.last.text and "Progress report" not in a.last.text
    await a.press_data(cb.REPORT.pack(f=ReportFilter().pack()))
    assert a.answered_callback().params.get("show_alert")
    await a.press_data(cb.REPORT_SET.pack(f=ReportFilter().pack(), key="nud"))
    assert a.answered_callback().params.get("show_alert")
    assert not any("Progress report" in (c.text or "") for c in a.mine())


async def test_forged_filter_data_is_stale(world):
    boss = world["north_trainer"]
    for data in ("rp:c1.XX.ru.31", "rps:c0.-.-.30:zz", "rps:c0.-.-.30:co.x"):
        await boss.press_data(data)
        assert "out of date" in boss.answered_callback().params["text"]


async def test_the_refresher_goes_to_the_low_recall_officers_through_the_composer(
        world, app, fake, content):
    services = app.bot_data.services
    admin = await admin_chat(app, fake)
    await admin.send("/report")
    await admin.press(f"🧠 Refresher on {title(content, world['m2'])}…")
    assert "1 chosen officer" in admin.last.text and "Preview" in admin.last.text
    await admin.press("✅ Send now…")
    await admin.press("✅ Yes, send it now")
    await services.sender.drain(app.bot)
    got = [c for c in fake.of("sendMessage") if c.error is None and "refresher on" in c.text]
    assert [int(c.params["chat_id"]) for c in got] == [C]
    # the north trainer's weakest module has nobody below 70 %: a clear answer, no draft
    boss = world["north_trainer"]
    await boss.send("/report")
    await boss.press(f"🧠 Refresher on {title(content, world['m2'])}…")
    assert "below 70" in boss.answered_callback().params["text"]


async def test_the_inactive_officers_get_a_nudge_after_a_preview(world, app, fake):
    boss = world["north_trainer"]
    await boss.send("/report")
    await boss.press("💤 1 inactive officer…")
    assert "1 officer of this filter did nothing in the period" in boss.last.text
    await boss.press("✉️ Prepare a nudge…")
    assert "Preview" in boss.last.text
    await boss.press("✅ Send now…")
    await boss.press("✅ Yes, send it now")
    await app.bot_data.services.sender.drain(app.bot)
    got = [c for c in fake.of("sendMessage") if c.error is None and "Keep going" in c.text]
    assert [int(c.params["chat_id"]) for c in got] == [B]


async def test_cascade_reach(world, app, fake):
    boss = world["north_trainer"]
    await boss.send("/reach")
    assert ("Your cohorts: cohorts 1 · officers reached 2 · lessons finished 2 · class quizzes 0 "
            "· recall 93%") in boss.last.text  # A 90 % and 100 %, B 90 %: 280 / 3
    admin = await admin_chat(app, fake)
    await admin.send("/reach")
    text = admin.last.text
    assert "Kazakhstan: cohorts 2 · officers reached 3 · lessons finished 2" in text
    assert "Trainer 4002: cohorts 1 · officers reached 1 · lessons finished 0" in text


async def test_progress_projects_recall_and_suggests_the_weakest_module(world, content):
    a = world["a"]
    await a.send("/progress")
    m1 = world["m1"]
    assert "a week from now" in a.last.text
    assert f"Your weakest module is <b>{title(content, m1)}</b> (95%)" in a.last.text
    await a.press(f"📚 {title(content, m1)}")
    assert a.last.method == "editMessageText"


@pytest.mark.parametrize("locale", ["fa", "ru"])
async def test_the_report_in_the_viewers_language(app, fake, content, clock, locale):
    boss = await trainer(app, fake, 4001, code=locale,
                         language={"fa": "فارسی", "ru": "Русский"}[locale])
    await officers(app, fake, [(A, "en", "English"), (B, "en", "English"),
                               (C, "en", "English")])
    await cohort_with(app, 4001, [A, B], name="North")
    await seed(app, content, clock())
    await boss.send("/report")
    text = boss.last.text
    t = app.bot_data.services.catalogs.get(locale)
    assert t.percent(0.95) in text and t.percent(0.9) in text
    assert "recall" not in text and "officers" not in text  # no English leaks
    if locale == "fa":
        assert "\u200f" in text or "\u2067" in text or "\u2066" in text  # laid out RTL
    assert locale in SUPPORTED_LOCALES


async def test_the_composers_low_recall_audience_uses_the_same_measure(world, app, clock):
    """C's card of module 2: stability 0.5, reviewed a day ago. Recall now is 85 %, above the
    70 % threshold; a week ahead it is 65 %: the composer's "low recall" audience, like the
    report, counts C in."""
    services = app.bot_data.services
    m2 = world["m2"]
    j1 = m2.lessons[0].quiz[0].id
    last = clock() - timedelta(days=1, hours=1)
    card = _card(0.5, last)
    await services.store.db.execute(
        "UPDATE quiz_cards SET card_json = ?, last_review = ?, stability = 0.5 WHERE "
        "user_id = ? AND item_id = ?", (card.to_json(), iso(last), C, j1))
    found = await services.broadcasts.recipients({"everyone": True,
                                                  "narrow": {"recall": m2.id}})
    assert [r.user_id for r in found] == [C]
    scope = Scope(ReportFilter(), None)
    assert await services.reports.low_recall(scope, m2.id) == [C]


async def test_a_trainer_reaches_the_report_from_the_cohorts(world):
    boss = world["north_trainer"]
    await boss.send("/cohorts")
    await boss.press("📊 Progress report")
    assert "Progress report" in boss.last.text and "Cohort: All cohorts" in boss.last.text
    await boss.send("/cohorts")
    await boss.press("👥 North")
    await boss.press("📊 Progress report")
    assert "Cohort: North" in boss.last.text
    assert "2 officers registered" in boss.last.text


async def test_everyones_answers_come_from_the_daily_counts_and_agree(world, app, fake,
                                                                      clock):
    """An admin's unfiltered report reads the period's answers from answer_days (kept by
    triggers on the answer log); filtered to a country everyone shares (Afghanistan, where
    every chat of this test onboarded), the report reads the log itself: the same figures.
    /forget's cascade takes an officer's answers out of the daily counts too."""
    admin = await admin_chat(app, fake)
    await admin.send("/report")
    everyone = admin.last.text
    assert "7 quiz answers in the period, 29% correct." in everyone  # A's 6 and C's 1
    await admin.press("🌍 All countries")
    await admin.press("Afghanistan")
    assert "Country: Afghanistan" in admin.last.text
    line = next(x for x in everyone.splitlines() if x.startswith("✅"))
    assert line in admin.last.text
    a = world["a"]
    await a.send("/forget")
    await a.press(0)
    clock.advance(minutes=11)  # past the everyone report's freshness
    await admin.send("/report")
    assert "1 quiz answer in the period, 0% correct." in admin.last.text


async def test_the_admins_report_over_everyone_is_kept_fresh_in_the_background(
        app, fake, clock):
    """About 1.5 s of reading at 100,000 officers: an admin's report over everyone is served
    from a computation at most 10 minutes old, says when it was computed, and is computed
    again by the background job for the periods an admin looked at."""
    admin = await admin_chat(app, fake)
    await admin.send("/report")
    assert "1 officer registered" in admin.last.text
    assert "As of December 1, 2026 at 05:00 UTC." in admin.last.text
    await officers(app, fake, [(7101, "en", "English")])
    clock.advance(minutes=3)
    await admin.send("/report")
    assert "1 officer registered" in admin.last.text  # the computation of 05:00
    assert "at 05:00 UTC" in admin.last.text
    reports = app.bot_data.services.reports
    assert await reports.refresh_everyone() == 1  # only the period the admin looked at
    await admin.send("/report")
    assert "2 officers registered" in admin.last.text
    assert "at 05:03 UTC" in admin.last.text
    await officers(app, fake, [(7102, "ru", "Русский")])
    clock.advance(minutes=11)  # too old: computed again on the spot
    await admin.send("/report")
    assert "3 officers registered" in admin.last.text and "at 05:14 UTC" in admin.last.text
    clock.advance(days=2)  # nobody looked for two days: the job rests
    assert await reports.refresh_everyone() == 0


async def test_a_trainer_without_cohorts_gets_a_clear_answer(app, fake):
    newcomer = await trainer(app, fake, 4009)
    await newcomer.send("/report")
    assert "No officer matches this filter yet." in newcomer.last.text
    await newcomer.send("/reach")
    assert "No cohort yet." in newcomer.last.text
