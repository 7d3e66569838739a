"""The bot on a database at scale: every update in-process, /forget of the busiest officers,
and the first pruning of old quiz rounds.

    python bench/gen_db.py /tmp/big.sqlite3                 # 100,000 officers, 5,000,000 answers
    python bench/bench_scale.py /tmp/big.sqlite3 [-n 3000] [--forget 5] [--prune] [--in-place]

The real Application (every handler, real catalogs and content) over the fake Bot API with no
latency and no rate limiter, on a copy of the generated database (``--in-place`` uses it as it
is: the run answers questions and deletes officers). Officers sampled from the database's
onboarded ones study (lesson cards, lesson quizzes, answers, Next, summaries with their
streak), open /progress, /quiz, search and the menu; each update goes through
``Application.process_update`` one at a time and is timed with ``time.perf_counter``, so the
figures are the bot's own work per update at this size, per kind of update, with the thread
hand-offs each made. Then the officers with the most answers (``gen_db``'s heavy ones, 5,000
answers each) delete their data with /forget, timed the same way; with ``--prune`` the prune
job runs once over the whole history, timed per batch (how long it holds the database).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_updates import Driver, machine_line, study_choice
from instrument import KIND_NAMES

from bot.app import build_application, running
from bot.config import load_settings
from bot.sandbox import FakeBotAPI, UpdateFactory
from bot.services.housekeeping import Housekeeping
from bot.ui import callbacks as cb

FREE_TEXTS = ("overdose", "needle stick", "naloxone", "передозировка", "HIV")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def kind_table(kinds: list[str], seconds: list[float], cpu: list[float],
               handoffs: list[int]) -> str:
    """Per kind of update: wall-clock time (p50, p99, max), CPU time of the process (p50,
    p99: the work without waiting for a CPU) and thread hand-offs."""
    by_kind: dict[str, list[tuple[float, float, int]]] = {}
    for row in zip(kinds, seconds, cpu, handoffs, strict=True):
        by_kind.setdefault(row[0], []).append(row[1:])
    by_kind["**every update**"] = list(zip(seconds, cpu, handoffs, strict=True))
    lines = ["| Update | n | p50 (ms) | p99 (ms) | max (ms) | CPU p50 (ms) | CPU p99 (ms) | "
             "hand-offs |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for kind, rows in sorted(by_kind.items(), key=lambda kv: (kv[0].startswith("**"),
                                                              -len(kv[1]))):
        wall = [r[0] * 1000 for r in rows]
        used = [r[1] * 1000 for r in rows]
        lines.append(f"| {KIND_NAMES.get(kind, kind)} | {len(rows)} | "
                     f"{statistics.median(wall):.2f} | {percentile(wall, 99):.2f} | "
                     f"{max(wall):.2f} | {statistics.median(used):.2f} | "
                     f"{percentile(used, 99):.2f} | {statistics.mean(r[2] for r in rows):.1f} |")
    return "\n".join(lines)


async def sample_officers(db, count: int, seed: int) -> list[int]:
    rows = await db.fetchall(
        "SELECT user_id FROM users WHERE privacy_seen_at IS NOT NULL AND locale IS NOT NULL "
        "AND country IS NOT NULL AND active = 1 AND user_id >= ? LIMIT 20000", (heavy_end(),))
    ids = [r[0] for r in rows]
    return random.Random(seed).sample(ids, min(count, len(ids)))


def heavy_end() -> int:
    from gen_db import FIRST_USER_ID, Sizes
    return FIRST_USER_ID + Sizes().heavy


async def run(path: Path, n: int, officers: int, forget: int, prune: bool, seed: int) -> str:
    from gen_db import FIRST_USER_ID

    settings = load_settings({"DATABASE_PATH": str(path)}, env_file=path.parent / "no.env")
    fake = FakeBotAPI()
    app = build_application(settings, request=fake, rate_limiter=False, reminder_ticker=False,
                            prune_job=False)
    out = []
    async with running(app):
        services = app.bot_data.services
        driver = Driver(app, fake)
        driver.count_handoffs(services.store.db.conn)
        rng = random.Random(seed)
        ids = await sample_officers(services.store.db, officers, seed)
        chats = {uid: UpdateFactory(uid, language_code=None) for uid in ids}
        started = time.perf_counter()
        for _ in range(n):
            uid = rng.choice(ids)
            users = chats[uid]
            message_id, data = driver.keyboard(uid)
            roll = rng.random()
            if not data or roll < 0.04:
                update = users.text(rng.choice(("/menu", "/quiz", "/progress")))
            elif roll < 0.08:
                update = users.text(rng.choice(FREE_TEXTS))
            else:
                update = users.callback(study_choice(data, rng), message_id)
            await driver.push(update)
        wall = time.perf_counter() - started
        kinds = [k for k, _ in driver.handoffs]
        out.append(f"{n} updates from {len(ids)} officers in {wall:.1f} s, one at a time:\n")
        out.append(kind_table(kinds, driver.latencies, driver.cpu,
                              [h for _, h in driver.handoffs]))

        forgets = []
        for uid in range(FIRST_USER_ID, FIRST_USER_ID + forget):
            answers = await services.store.db.scalar(
                "SELECT COUNT(*) FROM review_log WHERE user_id = ?", (uid,))
            users = UpdateFactory(uid, language_code=None)
            await app.process_update(driver_update(app, users.text("/forget")))
            start = time.perf_counter()
            await app.process_update(driver_update(app, users.callback(
                cb.FORGET.pack(answer="yes"))))
            forgets.append((answers, time.perf_counter() - start))
            if await services.store.users.get(uid) is not None:
                raise RuntimeError(f"/forget did not delete officer {uid}")
        if forgets:
            times = [s * 1000 for _, s in forgets]
            out.append(f"\n/forget (the press on Yes, end to end) for {len(forgets)} officers "
                       f"with {forgets[0][0]:,} answers each: p50 {statistics.median(times):.0f} "
                       f"ms, max {max(times):.0f} ms")

        if prune:
            batches: list[float] = []
            repo = services.store.housekeeping
            real = repo.prune_rounds

            async def timed(before: str, limit: int) -> int:
                start = time.perf_counter()
                try:
                    return await real(before, limit)
                finally:
                    batches.append(time.perf_counter() - start)

            repo.prune_rounds = timed
            start = time.perf_counter()
            deleted = await Housekeeping(services.store, services.clock).prune()
            total = time.perf_counter() - start
            ms = [b * 1000 for b in batches]
            out.append(f"\nFirst prune: {deleted:,} rounds (with their question showings) in "
                       f"{total:.1f} s, {len(batches)} transactions, each p50 "
                       f"{statistics.median(ms):.1f} ms, p99 {percentile(ms, 99):.1f} ms, "
                       f"max {max(ms):.1f} ms")
    return "\n".join(out)


def driver_update(app, data):
    from bot.sandbox import to_update
    return to_update(data, app.bot)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="made by bench/gen_db.py")
    parser.add_argument("-n", type=int, default=5000, help="timed updates (default 5000)")
    parser.add_argument("--officers", type=int, default=100, help="officers sampled (100)")
    parser.add_argument("--forget", type=int, default=5,
                        help="heavy officers who /forget (default 5)")
    parser.add_argument("--prune", action="store_true", help="time the first prune job")
    parser.add_argument("--in-place", action="store_true",
                        help="use the database itself, not a copy (it is changed)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not args.database.is_file():
        parser.error(f"{args.database} not found: make it with bench/gen_db.py")
    print(f"Machine: {machine_line()}")
    print(f"Database: {args.database} ({args.database.stat().st_size / 2**20:,.0f} MiB)\n",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-scale-", dir=args.database.parent) as tmp:
        path = args.database
        if not args.in_place:
            path = Path(tmp) / "copy.sqlite3"
            shutil.copy(args.database, path)
        print(asyncio.run(run(path, args.n, args.officers, args.forget, args.prune,
                              args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
