"""Time every chart and CSV export of the report at scale, and officers' calls meanwhile.

    python bench/bench_media.py PATH [--runs 7] [--cohorts 200]

PATH is a database from ``bench/gen_db.py`` (100,000 officers, 5,000,000 answers by default;
generate it once, it takes a few minutes). The bench opens it as the bot does (migrations
first: the first run upgrades it and says how long that took), puts the officers into
``--cohorts`` cohorts of their own trainers if the database has none, and then, for each
viewer's scope (an admin over everyone, all time and 30 days; an admin over one country and
language; a trainer over his or her cohort), times each chart (its query and its drawing, as
the handler does it) and each export (query and file) ``--runs`` times: p50, p99 (the
slowest of few runs) and the peak of Python's allocations (tracemalloc) per kind. The weekly
recall snapshot is timed on its own (a daily job, not a viewer's wait).

While media work runs, a stand-in officer keeps calling the bot's own database connection
(``store.users.get``) and the event loop's lag is sampled: media reads run on their own
read-only connection and thread, and drawing in its own thread, so both should stay small.
Peak resident memory of the process is printed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import sys
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.i18n import Catalogs  # noqa: E402
from bot.services.charts import ChartService, Worker  # noqa: E402
from bot.services.content import ContentService  # noqa: E402
from bot.services.exports import ExportService  # noqa: E402
from bot.services.quiz import make_scheduler  # noqa: E402
from bot.services.report_scope import ReportFilter, Scope  # noqa: E402
from bot.store import Database, Store  # noqa: E402
from bot.timeutil import system_clock  # noqa: E402
from bot.ui import report_media as view  # noqa: E402

ADMIN = 1


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def add_cohorts(path: Path, count: int) -> int:
    """``count`` cohorts of as many officers each, with their trainers (the first officers of
    each cohort), unless the database has cohorts already. Returns the first trainer's id."""
    conn = sqlite3.connect(path)
    try:
        row = conn.execute("SELECT trainer_id FROM cohorts ORDER BY id LIMIT 1").fetchone()
        if row:
            return row[0]
        ids = [r[0] for r in conn.execute(
            "SELECT user_id FROM users WHERE locale IS NOT NULL AND privacy_seen_at IS NOT NULL "
            "ORDER BY user_id")]
        size = max(1, len(ids) // count)
        now = "2026-11-01T00:00:00+00:00"
        with conn:
            for n in range(count):
                members = ids[n * size:(n + 1) * size]
                if not members:
                    break
                trainer = members[0]
                conn.execute("UPDATE users SET role = 'trainer' WHERE user_id = ?", (trainer,))
                cohort = conn.execute(
                    "INSERT INTO cohorts (trainer_id, name, country, invite_code, created_at) "
                    "VALUES (?, ?, 'KZ', ?, ?) RETURNING id",
                    (trainer, f"Cohort {n + 1}", f"bench{n}", now)).fetchone()[0]
                conn.executemany(
                    "INSERT INTO cohort_members (cohort_id, user_id, joined_at) VALUES (?, ?, ?)",
                    [(cohort, m, now) for m in members[1:]])
            conn.execute("ANALYZE")
        return conn.execute("SELECT trainer_id FROM cohorts ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        conn.close()


async def officer_calls(store: Store, user_id: int, stop: asyncio.Event,
                        latencies: list[float], lags: list[float]) -> None:
    """An officer's database calls on the bot's connection, and the loop's lag, meanwhile."""
    while not stop.is_set():
        start = time.perf_counter()
        await store.users.get(user_id)
        latencies.append(time.perf_counter() - start)
        before = time.perf_counter()
        await asyncio.sleep(0.01)
        lags.append(time.perf_counter() - before - 0.01)


async def run(path: Path, runs: int, cohorts: int) -> None:
    trainer_id = add_cohorts(path, cohorts)
    content = ContentService(REPO_ROOT / "content", REPO_ROOT / "locales")
    catalogs = Catalogs.load(REPO_ROOT / "locales")
    db = Database(path)
    start = time.perf_counter()
    before = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
    await db.open()
    migrated = time.perf_counter() - start
    store = Store(db)
    scheduler = make_scheduler(fuzzing=False)
    worker = Worker()
    charts = ChartService(store, content, system_clock, scheduler, worker)
    exports = ExportService(store, content, system_clock, scheduler, worker)
    print(f"schema {before} -> {await db.schema_version()} in {migrated:.1f} s")
    officers = await db.scalar("SELECT COUNT(*) FROM users")
    answers = await db.scalar("SELECT COUNT(*) FROM review_log")
    cohort = await db.scalar("SELECT id FROM cohorts WHERE trainer_id = ?", (trainer_id,))
    print(f"{officers:,} officers, {answers:,} answers, {cohorts} cohorts")

    start, start_cpu = time.perf_counter(), time.process_time()
    await charts.take_snapshot()
    print(f"weekly recall snapshot (daily job): {time.perf_counter() - start:.2f} s "
          f"({time.process_time() - start_cpu:.2f} s CPU)")

    t = catalogs.get("fa")
    titles = {m.id: content.served.text("fa", m.title)[0] for m in content.course.modules}
    scopes = {
        "admin, all, all time": Scope(ReportFilter(period_days=0), None),
        "admin, all, 30 days": Scope(ReportFilter(), None),
        "admin, KZ + ru, 90 days": Scope(ReportFilter(country="KZ", locale="ru",
                                                       period_days=90), None),
        "trainer, own cohorts, 30 days": Scope(ReportFilter(), trainer_id),
        "trainer, one cohort, all time": Scope(ReportFilter(cohort_id=cohort, period_days=0),
                                               trainer_id),
    }

    async def chart(kind: str, scope: Scope) -> int:
        return len(await charts.render(await view.chart_for(kind, charts, t, scope, titles)))

    async def export(kind: str, scope: Scope) -> int:
        if kind == "answers":
            return len((await exports.answers(scope, ADMIN)).data)
        return len((await exports.officers(scope, ADMIN, with_ids=kind == "officers_ids"
                                           and scope.trainer_id is None)).data)

    jobs = [(f"chart {k}", chart, k) for k in ("active", "completion", "recall")] + \
        [(f"csv {k}", export, k) for k in ("officers", "answers")]
    stop = asyncio.Event()
    latencies: list[float] = []
    lags: list[float] = []
    probe = asyncio.create_task(officer_calls(store, trainer_id, stop, latencies, lags))
    print(f"\n{'scope':32} {'kind':16} {'p50 s':>7} {'p99 s':>7} {'cpu p50':>7} {'size':>10} "
          f"{'py peak MiB':>11}")
    worst = 0.0
    for label, scope in scopes.items():
        for name, fn, kind in jobs:
            seconds, cpu = [], []
            for _ in range(runs):
                start, start_cpu = time.perf_counter(), time.process_time()
                size = await fn(kind, scope)
                seconds.append(time.perf_counter() - start)
                cpu.append(time.process_time() - start_cpu)
            tracemalloc.start()  # one more run, for its peak (tracemalloc slows Python down)
            await fn(kind, scope)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            worst = max(worst, percentile(seconds, 99))
            print(f"{label:32} {name:16} {percentile(seconds, 50):7.3f} "
                  f"{percentile(seconds, 99):7.3f} {percentile(cpu, 50):7.3f} {size:10,} "
                  f"{peak:11.1f}")
    stop.set()
    await probe
    worker.close()
    await db.close()
    print(f"\nslowest p99: {worst:.3f} s")
    print(f"officer calls on the bot's connection meanwhile: {len(latencies):,}, "
          f"p50 {percentile(latencies, 50) * 1000:.1f} ms, p99 "
          f"{percentile(latencies, 99) * 1000:.1f} ms, max {max(latencies) * 1000:.1f} ms")
    print(f"event-loop lag meanwhile: p99 {percentile(lags, 99) * 1000:.1f} ms, "
          f"max {max(lags) * 1000:.1f} ms")
    print(f"peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
          " MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--cohorts", type=int, default=200)
    args = parser.parse_args(argv)
    asyncio.run(run(args.path, args.runs, args.cohorts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
