"""The figures behind the report's charts (issue 12), and the thread that draws them.

- **Active officers per week**: officers who answered a question or opened a lesson card in
  that week (Monday to Sunday, UTC), from the ``activity_weeks`` summary the database keeps.
- **Completion per module**: the share of the module's lessons the officers in scope have
  finished (finished lessons / (lessons in the module x officers)), as of now.
- **Predicted recall per module over time**: the one recall measure of
  ``bot.services.report_scope`` (FSRS retrievability projected 7 days ahead), averaged over
  the officers' reviewed questions of each module, from weekly snapshots. A snapshot is
  aggregates only (per cohort, country and language); the current week's is taken again
  every day (a JobQueue job), and once on demand when a chart finds none at all, so the line
  starts the week the bot first took one: the chart says since when.

Drawing (matplotlib) and writing files run in one worker thread, one job at a time, so memory
stays bounded and the event loop keeps serving officers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, TypeVar

from fsrs import Scheduler

from bot.services.content import ContentService
from bot.services.report_scope import Scope, horizon, recall_sql, scope_args
from bot.store import Store
from bot.timeutil import Clock

T = TypeVar("T")

KINDS = ("active", "completion", "recall")
#: weeks a chart covers, per report period (days; 0 = all time)
WEEKS = {7: 8, 30: 8, 90: 13, 0: 52}


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def stability_sql(alias: str = "qc") -> str:
    """A card's FSRS stability: the column the quiz store writes with every review
    (migration 7), not its JSON, which would be parsed once per card."""
    return f"{alias}.stability"


class Worker:
    """One thread for CPU-heavy media work (drawing, files): jobs run one at a time."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="media-work")
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


@dataclass(frozen=True)
class WeekCounts:
    weeks: list[date]
    counts: list[int]
    officers: int


@dataclass(frozen=True)
class ModuleShares:
    modules: list[str]          # module ids, in course order
    shares: list[float]         # 0..1
    officers: int


@dataclass(frozen=True)
class RecallHistory:
    days: list[date]                          # snapshot days (Mondays), oldest first
    series: dict[str, list[float | None]]     # module id: mean recall per day (None: no card)
    since: date | None                        # the first snapshot in the chart


class ChartService:
    def __init__(self, store: Store, content: ContentService, clock: Clock,
                 scheduler: Scheduler, worker: Worker | None = None):
        self.store, self.content, self.clock, self.scheduler = store, content, clock, scheduler
        self.worker = worker or Worker()
        self._snapshot_lock = asyncio.Lock()

    @property
    def _recall(self) -> str:
        return recall_sql(self.scheduler, stability_sql(), "qc.last_review", ":at")

    def _first_week(self, scope: Scope) -> date:
        weeks = WEEKS.get(scope.filter.period_days, 8)
        return monday(self.clock().date()) - timedelta(weeks=weeks - 1)

    async def active(self, scope: Scope) -> WeekCounts:
        args = scope_args(scope)
        first = self._first_week(scope)
        counts = await self.store.media.active_weeks(args, first.isoformat())
        weeks = [first + timedelta(weeks=i)
                 for i in range(WEEKS.get(scope.filter.period_days, 8))]
        return WeekCounts(weeks, [counts.get(w.isoformat(), 0) for w in weeks],
                          await self.store.media.officers(args))

    async def completion(self, scope: Scope) -> ModuleShares:
        args = scope_args(scope)
        done = await self.store.media.lessons_done(args)
        officers = await self.store.media.officers(args)
        modules, shares = [], []
        for module in self.content.course.modules:
            lessons = [le.id for le in module.lessons]
            modules.append(module.id)
            finished = sum(done.get(le, 0) for le in lessons)
            shares.append(finished / (len(lessons) * officers) if lessons and officers else 0.0)
        return ModuleShares(modules, shares, officers)

    async def recall(self, scope: Scope) -> RecallHistory:
        if await self.store.media.last_snapshot() is None:  # a new install: the first point
            await self.take_snapshot()
        first = self._first_week(scope)
        rows = await self.store.media.recall_history(
            scope_args(scope), None if scope.filter.period_days == 0 else first.isoformat())
        days = sorted({date.fromisoformat(r[0]) for r in rows})
        sums = {(r[0], r[1]): (r[2], r[3]) for r in rows}
        series: dict[str, list[float | None]] = {}
        for module in self.content.course.modules:
            values = []
            for day in days:
                total, cards = sums.get((day.isoformat(), module.id), (0.0, 0))
                values.append(total / cards if cards else None)
            if any(v is not None for v in values):
                series[module.id] = values
        return RecallHistory(days, series, days[0] if days else None)

    async def take_snapshot(self) -> date:
        """Predicted recall per (cohort, country, language, module) for this week, replacing
        this week's earlier snapshot."""
        async with self._snapshot_lock:
            now = self.clock()
            day = monday(now.date())
            rows = await self.store.media.recall_groups(self._recall, horizon(now).isoformat())
            modules = {item_id: item.module_id
                       for item_id, item in self.content.course.quiz_items.items()}
            await self.store.media.save_snapshot(
                day.isoformat(), await self.worker.run(_per_module, rows, modules))
            return day

    async def render(self, chart) -> bytes:
        from bot.ui.charts import render
        return await self.worker.run(render, chart)

    async def snapshot_job(self, _context=None) -> None:
        await self.take_snapshot()


def _per_module(rows: list[tuple], modules: dict[str, str]) -> list[tuple]:
    """Sums per (cohort, country, language, question) added up per module."""
    groups: dict[tuple, list[float]] = {}
    for cohort, country, locale, item_id, total, cards in rows:
        module = modules.get(item_id)
        if module is None or total is None:
            continue
        acc = groups.setdefault((cohort, country, locale, module), [0.0, 0])
        acc[0] += total
        acc[1] += cards
    return [(*key, acc[0], acc[1]) for key, acc in groups.items()]
