"""Broadcast (or daily-reminder) benchmark: 10,000 recipients through the outbox, within limits.

    python bench/bench_broadcast.py [--recipients 10000] [--population 100000] [--scale 10]
                                    [--latency 0.05] [--jitter 0.25] [--sprinkle 0.0003]
                                    [--officers 50] [--officer-rate 5] [--mode broadcast]

The real Application (every handler, real catalogs and content, a real SQLite file holding
``--population`` onboarded officers) runs over ``bot.sandbox_limits.LimitedFakeBotAPI``: each
Bot API call takes ``--latency`` s plus up to ``--jitter`` s, and the fake enforces Telegram's
limits — 30 messages a second overall and one a second per private chat, both multiplied by
``--scale`` to keep the run short (the bot's own limits are scaled the same way) — answering a
429 with ``retry_after`` = 1 when they are exceeded, and a sprinkling of 429s at random
(``--sprinkle``, a probability per message). The bot runs with its real rate limiter.

``--mode broadcast``: a trainer's cohort of ``--recipients`` officers (languages mixed) gets a
template broadcast, started as the composer's confirmation does. ``--mode reminders``: the same
officers all have their daily reminder due in the same minute, with questions due.

While the outbox sends, ``--officers`` other officers use the bot (menu, lessons, /help) at
``--officer-rate`` updates a second; the latency of each of their updates is measured, first
for a few seconds without a broadcast (baseline), then during it.

Printed: achieved rate / allowed rate (all messages counted, answers to officers included, as
Telegram counts them), the time lost to 429 pauses, lost recipients (no message), duplicates
(a second message), peak memory (max RSS), and p50/p99 of officer updates before and during.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from fsrs import Card  # noqa: E402

from bot.app import build_application, running  # noqa: E402
from bot.config import load_settings  # noqa: E402
from bot.delivery.budget import SendLimits  # noqa: E402
from bot.handlers.reminders import queue_due_reminders  # noqa: E402
from bot.i18n import SUPPORTED_LOCALES  # noqa: E402
from bot.sandbox import UpdateFactory, to_update  # noqa: E402
from bot.sandbox_limits import LimitedFakeBotAPI  # noqa: E402
from bot.timeutil import iso  # noqa: E402
from bot.ui import callbacks as cb  # noqa: E402

TRAINER = 10
FIRST_RECIPIENT = 1_000_000
FIRST_OFFICER = 5_000_000  # interactive officers, not recipients
COUNTRIES = ("KZ", "KG", "TJ", "UZ", "TM", "AF", "PK", "IR")


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def seed(app, args) -> list[int]:
    """``--population`` onboarded officers; the first ``--recipients`` are the audience."""
    db = app.bot_data.services.store.db
    now = datetime.now(UTC)
    stamp = iso(now - timedelta(days=40))
    population = max(args.population, args.recipients)
    rows = [(i, i, SUPPORTED_LOCALES[n % len(SUPPORTED_LOCALES)], COUNTRIES[n % len(COUNTRIES)],
             stamp) for n, i in enumerate(range(FIRST_RECIPIENT, FIRST_RECIPIENT + population))]
    rows.append((TRAINER, TRAINER, "ru", "KZ", stamp))
    await db.executemany("INSERT INTO users (user_id, chat_id, locale, country, "
                         "privacy_seen_at) VALUES (?, ?, ?, ?, ?)", rows)
    await db.execute("UPDATE users SET role = 'trainer' WHERE user_id = ?", (TRAINER,))
    recipients = list(range(FIRST_RECIPIENT, FIRST_RECIPIENT + args.recipients))
    if args.mode == "broadcast":
        cohort = await app.bot_data.services.cohorts.create(TRAINER, "Bench", "KZ", None)
        await db.executemany("INSERT INTO cohort_members (cohort_id, user_id, joined_at) "
                             "VALUES (?, ?, ?)", [(cohort.id, u, stamp) for u in recipients])
    else:
        items = list(app.bot_data.services.content.course.quiz_items)[:3]
        card = Card().to_json()
        due = iso(now - timedelta(days=1))
        await db.executemany("INSERT INTO quiz_cards (user_id, item_id, card_json, due) "
                             "VALUES (?, ?, ?, ?)",
                             [(u, item, card, due) for u in recipients for item in items])
        await db.executemany(
            "INSERT INTO reminders (user_id, enabled, local_time, timezone, next_at) VALUES "
            "(?, 1, '09:00', 'Asia/Tashkent', ?)",
            [(u, iso(now - timedelta(seconds=30))) for u in recipients])
    return recipients


class Officers:
    """Interactive officers pressing menu buttons while the outbox works."""

    def __init__(self, app, args, rng):
        self.app, self.args, self.rng = app, args, rng
        self.users = [UpdateFactory(FIRST_OFFICER + i, language_code="ru")
                      for i in range(args.officers)]
        self.latencies: list[float] = []

    async def onboard(self) -> None:
        """Onboarded officers, written straight into the database (as after /start)."""
        db = self.app.bot_data.services.store.db
        await db.executemany(
            "INSERT INTO users (user_id, chat_id, locale, country, privacy_seen_at) VALUES "
            "(?, ?, 'ru', 'KZ', '2026-01-01T00:00:00.000000Z')",
            [(u.user_id, u.user_id) for u in self.users])

    def _update(self):
        users = self.rng.choice(self.users)
        kind = self.rng.random()
        if kind < 0.4:
            return users.callback(cb.MENU.pack(item=self.rng.choice(
                ("lessons", "settings", "home", "reference"))))
        if kind < 0.7:
            return users.text("/help")
        return users.callback(cb.MENU.pack(item="progress"))

    async def run(self, until: asyncio.Event | float) -> None:
        """Updates at ``--officer-rate`` a second, each handled concurrently as Telegram
        would deliver them, until the event is set or for that many seconds."""
        loop = asyncio.get_running_loop()
        end = loop.time() + until if isinstance(until, float) else None
        if not self.users or self.args.officer_rate <= 0:  # no officer traffic at all
            if end is None:
                await until.wait()
            return
        pending: set[asyncio.Task] = set()
        while (end is None and not until.is_set()) or (end is not None and loop.time() < end):
            pending.add(asyncio.create_task(self._one()))
            pending = {t for t in pending if not t.done()}
            await asyncio.sleep(1.0 / self.args.officer_rate)
        if pending:
            await asyncio.wait(pending)

    async def _one(self) -> None:
        update = to_update(self._update(), self.app.bot)
        start = time.perf_counter()
        await self.app.process_update(update)
        self.latencies.append(time.perf_counter() - start)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


async def main(args) -> int:
    rng = random.Random(args.seed)
    limits = SendLimits().scaled(args.scale)
    with tempfile.TemporaryDirectory() as folder:
        settings = load_settings({"DATABASE_PATH": str(Path(folder) / "bench.sqlite3")},
                                 env_file=Path(folder) / "no.env")
        fake = LimitedFakeBotAPI(latency=args.latency, jitter=args.jitter,
                                 rate=limits.overall_per_second,
                                 chat_interval=limits.private_interval,
                                 sprinkle_429=args.sprinkle, seed=args.seed)
        app = build_application(settings, request=fake, rate_limiter=True,
                                reminder_ticker=False, outbox=True, send_limits=limits)
        async with running(app):
            services = app.bot_data.services
            recipients = await seed(app, args)
            officers = Officers(app, args, rng)
            await officers.onboard()
            officers.latencies.clear()
            await officers.run(args.baseline)
            baseline = list(officers.latencies)
            officers.latencies.clear()
            fake.sprinkled = fake.refused = 0
            budget = services.sender.budget
            pauses_before = budget.pauses
            rss_before = rss_mib()
            calls_before = len(fake.calls)
            done = asyncio.Event()
            busy = asyncio.create_task(officers.run(done))
            start = time.perf_counter()
            if args.mode == "broadcast":
                b = await services.broadcasts.new_draft(TRAINER)
                b = await services.broadcasts.set_template(
                    b, "meeting", {"date": "2026-12-05", "time": "10:00"})
                b = await services.broadcasts.set_audience(b, {"cohorts": [1]})
                await services.broadcasts.start_now(b, None)
            else:
                queued = await queue_due_reminders(services)
                assert queued == len(recipients), queued
            queued_at = time.perf_counter() - start
            await asyncio.sleep(0.5)
            ok = await services.sender.idle(args.timeout)
            elapsed = time.perf_counter() - start
            done.set()
            await busy
            during = officers.latencies
            messages = [c for c in fake.calls[calls_before:]
                        if c.method in ("sendMessage", "editMessageText") and c.error is None]
        lost = [u for u in recipients if fake.delivered[u] == 0]
        duplicates = sum(max(0, fake.delivered[u] - 1) for u in recipients)
        allowed = limits.overall_per_second
        sent = sum(fake.delivered[u] for u in recipients)
        achieved = len(messages) / elapsed
        pause_s = (budget.pauses - pauses_before) * 1.0
        print(f"mode {args.mode}: {len(recipients):,} recipients, {args.population:,} officers "
              f"in the database, scale x{args.scale:g} (allowed {allowed:g}/s overall, one "
              f"per {limits.private_interval:g} s per chat), latency {args.latency * 1000:.0f}"
              f"+{args.jitter * 1000:.0f} ms, sprinkle {args.sprinkle:g}")
        print(f"finished: {ok}; queued in {queued_at * 1000:.0f} ms; all sent in "
              f"{elapsed:.1f} s ({elapsed * args.scale / 60:.1f} min at Telegram's real rate)")
        print(f"recipient messages {sent:,}, answers to officers "
              f"{len(messages) - sent:,}")
        print(f"achieved/allowed: {achieved:.1f}/{allowed:g} per s = {achieved / allowed:.3f} "
              f"(excluding {pause_s:.0f} s of 429 pauses: "
              f"{len(messages) / (elapsed - pause_s) / allowed:.3f})")
        over_chat = sum(fake.refused_chats.values())
        recipients_set = set(recipients)
        print(f"429s: {fake.sprinkled} sprinkled, {fake.refused} over a limit "
              f"({fake.refused_overall} overall, {over_chat} one chat's: "
              f"{sum(n for c, n in fake.refused_chats.items() if c in recipients_set)} to "
              f"recipients, the rest answers to officers); pauses "
              f"{budget.pauses - pauses_before}")
        print(f"lost: {len(lost)}, duplicates: {duplicates}")
        print(f"peak memory (max RSS): {rss_mib():.0f} MiB (before the broadcast: "
              f"{rss_before:.0f} MiB)")
        print(f"officer updates: baseline n={len(baseline)} p50 {pct(baseline, .5):.0f} ms "
              f"p99 {pct(baseline, .99):.0f} ms; during n={len(during)} p50 "
              f"{pct(during, .5):.0f} ms p99 {pct(during, .99):.0f} ms (mean "
              f"{statistics.mean(during) * 1000 if during else 0:.0f} ms)")
        return 0 if ok and not lost and not duplicates else 1


def parse(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--population", type=int, default=100_000)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--jitter", type=float, default=0.25)
    parser.add_argument("--sprinkle", type=float, default=0.0003)
    parser.add_argument("--officers", type=int, default=50)
    parser.add_argument("--officer-rate", type=float, default=5.0)
    parser.add_argument("--baseline", type=float, default=5.0)
    parser.add_argument("--mode", choices=("broadcast", "reminders"), default="broadcast")
    parser.add_argument("--timeout", type=float, default=1200.0)
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(asyncio.run(main(parse())))
