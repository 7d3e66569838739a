"""/report at scale: representative filters on 100,000 officers and 5,000,000 answers, officer
updates while reports run, and peak memory.

    python bench/gen_db.py /tmp/big.sqlite3            # 100,000 officers in 200 cohorts
    python bench/bench_reports.py /tmp/big.sqlite3 [-n 20]

The real Application (every handler, real catalogs and content) over the fake Bot API with no
latency, on the generated database as it is (a database generated before cohorts existed gets
the bot's migrations and ``gen_db.add_cohorts``' 200 cohorts first). For each filter an admin
(or the trainer with the most officers) sends ``/report`` ``n`` times through
``Application.process_update``: wall-clock time per report, p50/p99/max, the whole update
(reads, rendering, the fake sendMessage). Then officers' updates (the main menu, /progress,
a lesson card) are timed alone, and again while an admin's all-time report over everyone runs
back to back in another task: the report reads on a connection of its own in a worker thread
(``Database.read``), so an officer waits only for the CPU. Peak memory: the process's peak
resident size (``ru_maxrss``) and the peak of Python allocations during the reports
(``tracemalloc``).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import sqlite3
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_updates import machine_line
from gen_db import add_cohorts

from bot.app import build_application, running
from bot.config import load_settings
from bot.sandbox import FakeBotAPI, UpdateFactory
from bot.services.report_scope import ReportFilter, Scope
from bot.ui import callbacks as cb

ADMIN = 1


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def prepare(path: Path) -> tuple[int, int, int]:
    """Cohorts if the database has none; (busiest trainer, his or her biggest cohort,
    onboarded officers)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        if add_cohorts(conn, 200, 1, datetime.now(UTC)):
            conn.execute("ANALYZE")
        trainer, = conn.execute(
            "SELECT c.trainer_id FROM cohorts c JOIN cohort_members m ON m.cohort_id = c.id "
            "GROUP BY c.trainer_id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
        cohort, = conn.execute(
            "SELECT c.id FROM cohorts c JOIN cohort_members m ON m.cohort_id = c.id "
            "GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()
        officers, = conn.execute("SELECT COUNT(*) FROM users WHERE privacy_seen_at IS NOT "
                                 "NULL").fetchone()
        conn.execute("INSERT OR IGNORE INTO users (user_id, chat_id, locale, country, role, "
                     "privacy_seen_at) VALUES (?, ?, 'en', 'KZ', 'admin', "
                     "'2026-01-01T00:00:00Z')", (ADMIN, ADMIN))
        return trainer, cohort, officers
    finally:
        conn.close()


CPU: list[float] = []  # process CPU seconds (every thread) of each timed report


async def timed_report(app, users: UpdateFactory, f: ReportFilter, first: bool) -> float:
    update = users.text("/report") if first and f == ReportFilter() else \
        users.callback(cb.REPORT.pack(f=f.pack()), 1)
    from bot.sandbox import to_update
    started, cpu = time.perf_counter(), time.process_time()
    await app.process_update(to_update(update, app.bot))
    CPU.append(time.process_time() - cpu)
    return time.perf_counter() - started


async def officer_latencies(app, officer_ids: list[int], rounds: int) -> list[float]:
    from bot.sandbox import to_update
    out = []
    for i in range(rounds):
        users = UpdateFactory(officer_ids[i % len(officer_ids)])
        for data in (users.callback(cb.MENU.pack(item="home"), 1), users.text("/progress"),
                     users.callback(cb.MENU.pack(item="lessons"), 1)):
            started = time.perf_counter()
            await app.process_update(to_update(data, app.bot))
            out.append(time.perf_counter() - started)
    return out


def line(name: str, values: list[float], cpu: list[float] | None = None) -> str:
    ms = [v * 1000 for v in values]
    text = (f"| {name} | {len(ms)} | {statistics.median(ms):,.0f} | {percentile(ms, 99):,.0f} "
            f"| {max(ms):,.0f} |")
    return text + (f" {statistics.median(cpu) * 1000:,.0f} |" if cpu else "")


async def main(path: Path, n: int) -> int:
    trainer, cohort, officers = prepare(path)
    size = path.stat().st_size / 2**30  # noqa: ASYNC240 -- before the bot starts
    settings = load_settings({"DATABASE_PATH": str(path), "ADMIN_IDS": str(ADMIN)},
                             env_file=path.with_suffix(".no-env"))
    fake = FakeBotAPI()
    app = build_application(settings, request=fake, rate_limiter=False, reminder_ticker=False,
                            prune_job=False, outbox=False)
    filters = [
        ("admin, everyone, last 30 days", ADMIN, ReportFilter()),
        ("admin, everyone, all time", ADMIN, ReportFilter(period_days=0)),
        ("admin, everyone, last 90 days", ADMIN, ReportFilter(period_days=90)),
        ("admin, Kazakhstan, last 90 days", ADMIN, ReportFilter(country="KZ", period_days=90)),
        ("admin, Russian speakers, last 7 days", ADMIN, ReportFilter(locale="ru",
                                                                     period_days=7)),
        ("admin, the biggest cohort, all time", ADMIN, ReportFilter(cohort_id=cohort,
                                                                    period_days=0)),
        ("busiest trainer, all his cohorts, 30 days", trainer, ReportFilter()),
        ("busiest trainer, all time", trainer, ReportFilter(period_days=0)),
    ]
    print(f"{machine_line()}\n{path} ({size:.1f} GiB), "
          f"{officers:,} onboarded officers; {n} reports per filter\n")
    print("| Report | n | p50 (ms) | p99 (ms) | max (ms) | CPU p50 (ms) |\n"
          "|---|---:|---:|---:|---:|---:|")
    tracemalloc.start()
    async with running(app):
        sample = [r[0] for r in sqlite3.connect(path).execute(
            "SELECT user_id FROM users WHERE privacy_seen_at IS NOT NULL AND role = 'officer' "
            "ORDER BY user_id LIMIT 200 OFFSET 5000")]
        for name, viewer, f in filters:
            users = UpdateFactory(viewer)
            await timed_report(app, users, f, True)  # warm the page cache for this filter
            CPU.clear()
            times = [await timed_report(app, users, f, i == 0) for i in range(n)]
            text = fake.of("sendMessage")[-1].text if f == ReportFilter() else None
            assert text is None or text.startswith("📊"), text[:200]
            print(line(name, times, list(CPU)), flush=True)
        # an admin's report over everyone is served from the background job's computation
        # (bot/services/reports.py): what that job costs, report by report
        service = app.bot_data.services.reports
        for name, _viewer, f in filters[:3]:
            CPU.clear()
            times = []
            for _ in range(n):
                started, cpu = time.perf_counter(), time.process_time()
                await service.compute(Scope(f, None))
                CPU.append(time.process_time() - cpu)
                times.append(time.perf_counter() - started)
            print(line(name.replace("admin, ", "computed in the background: "), times,
                       list(CPU)), flush=True)
        python_peak = tracemalloc.get_traced_memory()[1]
        alone = await officer_latencies(app, sample, 60)
        stop = asyncio.Event()
        reports_done = 0

        async def reports() -> None:
            nonlocal reports_done
            while not stop.is_set():  # the background job's work, back to back
                await service.compute(Scope(ReportFilter(period_days=0), None))
                reports_done += 1

        task = asyncio.create_task(reports())
        await asyncio.sleep(0.05)
        during: list[float] = []
        while reports_done < 10:  # officers keep coming while ten reports run
            during += await officer_latencies(app, sample, 5)
        stop.set()
        await task
    tracemalloc.stop()
    print("\n| Officer updates (menu, /progress, lessons) | n | p50 (ms) | p99 (ms) | max (ms) |"
          "\n|---|---:|---:|---:|---:|")
    print(line("alone", alone))
    print(line(f"while all-time reports over everyone are computed back to back "
               f"({reports_done} reports)", during))
    print(f"\nPeak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB "
          f"resident (the whole process: content, catalogs, SQLite caches); "
          f"{python_peak / 2**20:,.1f} MiB peak of Python allocations during the reports")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("-n", type=int, default=20, help="reports per filter")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.path, args.n)))
