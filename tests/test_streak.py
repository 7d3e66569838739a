"""The quiz summary's streak: counted in SQL one local day at a time, equal to counting the
distinct local days of every answer (the reference below), in any zone, DST included."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.store import Database, Store
from bot.timeutil import iso

NOW = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


def reference_streak(times: list[datetime], now: datetime, tz) -> int:
    """The old way: every timestamp to a local day, then count back from today/yesterday."""
    days = sorted({t.astimezone(tz).date() for t in times}, reverse=True)
    today = now.astimezone(tz).date()
    if not days or days[0] < today - timedelta(days=1):
        return 0
    streak, expected = 0, days[0]
    for day in days:
        if day != expected:
            break
        streak += 1
        expected = day - timedelta(days=1)
    return streak


@pytest.fixture
async def store(tmp_path):
    db = Database(tmp_path / "streak.sqlite3")
    await db.open()
    await db.execute("INSERT INTO users (user_id, chat_id) VALUES (1, 1)")
    yield Store(db)
    await db.close()


async def answered_at(store: Store, times: list[datetime]) -> None:
    await store.db.execute("DELETE FROM review_log")
    await store.db.executemany(
        "INSERT INTO review_log (user_id, item_id, rating, correct, duration_ms, reviewed_at, "
        "log_json) VALUES (1, 'q', 3, 1, 1000, ?, '{}')", [(iso(t),) for t in times])


async def streak(store: Store, now: datetime, tz) -> int:
    return (await store.quiz.review_state(1, iso(now), tz)).streak_days


async def test_streak_cases(store):
    tz = ZoneInfo("Asia/Tashkent")  # UTC+5: 10:00 local at NOW
    day = timedelta(days=1)
    await answered_at(store, [])
    assert await streak(store, NOW, tz) == 0
    await answered_at(store, [NOW, NOW - day, NOW - 2 * day, NOW - 4 * day])
    assert await streak(store, NOW, tz) == 3
    await answered_at(store, [NOW - day, NOW - 2 * day])  # nothing yet today
    assert await streak(store, NOW, tz) == 2
    await answered_at(store, [NOW - 2 * day])
    assert await streak(store, NOW, tz) == 0
    # 19:30 UTC is 00:30 the next day in Tashkent: today and yesterday, locally
    await answered_at(store, [datetime(2026, 11, 30, 19, 30, tzinfo=UTC),
                              datetime(2026, 11, 30, 10, 0, tzinfo=UTC)])
    assert await streak(store, NOW, tz) == 2
    # fifty answers a day for ten days
    await answered_at(store, [NOW - d * day - timedelta(minutes=m)
                              for d in range(10) for m in range(50)])
    assert await streak(store, NOW, tz) == 10


@pytest.mark.parametrize("zone", ["Asia/Tashkent", "Asia/Tehran", "Asia/Kabul", "UTC",
                                  "Europe/Berlin", "America/New_York"])
async def test_streak_equals_counting_every_local_day(store, zone):
    tz = ZoneInfo(zone)
    rng = random.Random(zone)
    for _ in range(12):
        now = NOW + timedelta(days=rng.randrange(0, 200), minutes=rng.randrange(0, 1440))
        times: list[datetime] = []
        moment = now - timedelta(minutes=rng.randrange(0, 600))
        for _ in range(rng.randrange(0, 60)):
            times.append(moment)
            moment -= timedelta(minutes=rng.choice((5, 60, 600, 1000, 1440, 2000, 3000)))
        await answered_at(store, times)
        assert await streak(store, now, tz) == reference_streak(times, now, tz), times
