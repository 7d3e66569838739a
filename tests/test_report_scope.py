"""The shared report filter and recall measure: SQL and Python agree, filters round-trip."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating

from bot.services.quiz import make_scheduler
from bot.services.report_scope import (
    HORIZON_DAYS,
    ReportFilter,
    horizon,
    projected_recall,
    recall_sql,
)


@pytest.mark.parametrize("f", [
    ReportFilter(), ReportFilter(12, "KZ", "ru", 7), ReportFilter(None, None, "fa_AF", 0),
    ReportFilter(3, None, None, 90)])
def test_filter_round_trips_in_callback_data(f):
    packed = f.pack()
    assert ReportFilter.unpack(packed) == f
    assert len(packed.encode()) <= 30


@pytest.mark.parametrize("text", [None, "", "c1.KZ.ru.31", "c1.kz.ru.7", "c1.KZ.ru", "x1.-.-.7",
                                  "c1.KZ.r'u.7", "c99999999999999.-.-.7"])
def test_forged_filters_are_refused(text):
    assert ReportFilter.unpack(text) is None


def test_recall_in_sql_equals_fsrs():
    scheduler = make_scheduler(fuzzing=False)
    start = datetime(2026, 1, 1, 9, 30, tzinfo=UTC)
    conn = sqlite3.connect(":memory:")
    now = start + timedelta(days=40, hours=5)
    expr = recall_sql(scheduler, ":s", ":last", ":at")
    card, when = Card(), start
    checked = 0
    for step, rating in enumerate([Rating.Good, Rating.Again, Rating.Good, Rating.Easy,
                                   Rating.Hard, Rating.Good]):
        card, _ = scheduler.review_card(card, rating, when)
        expected = projected_recall(scheduler, card, now)
        got = conn.execute(f"SELECT {expr}", {
            "s": card.stability, "last": card.last_review.isoformat(),
            "at": horizon(now).isoformat()}).fetchone()[0]
        assert got == pytest.approx(expected, abs=1e-12)
        when += timedelta(days=step * 3 + 1, hours=7)
        checked += 1
    assert checked == 6
    assert conn.execute(f"SELECT {expr}", {"s": None, "last": None, "at": now.isoformat()}
                        ).fetchone()[0] is None


def test_a_review_today_does_not_read_as_full_recall():
    scheduler = make_scheduler(fuzzing=False)
    now = datetime(2026, 3, 1, tzinfo=UTC)
    card, _ = scheduler.review_card(Card(), Rating.Again, now)
    assert scheduler.get_card_retrievability(card, now) == 1.0
    assert projected_recall(scheduler, card, now) < 0.9
    assert HORIZON_DAYS == 7
