"""Progress reports for admins and trainers, what to do about them, and cascade reach.

A report covers the officers of a :class:`~bot.services.report_scope.Scope` (checked by
``scope_for`` before any call here) and holds, for the period of its filter: officers
registered (and new), active (answered a question or opened a lesson card), lessons finished
per module, quiz accuracy, the ten questions most often answered wrong, reminder opt-ins and
broadcast delivery totals; and, whatever the period, **predicted recall per module**: FSRS
retrievability of each officer's reviewed questions projected ``HORIZON_DAYS`` ahead
(``bot.services.report_scope``), averaged over every (officer, question) card of the module.
The period does not narrow recall: recall is a state (what is remembered now), not an event.

Follow-ups: the officers whose recall in the weakest module is below ``LOW_RECALL`` (the
composer's own "low recall" threshold) get a refresher, and the officers who did nothing in
the period a nudge, both as broadcast drafts that go through the composer's preview and
confirmation (``BroadcastService``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.services.broadcasts import LOW_RECALL, BroadcastService, Progress
from bot.services.content import ContentService
from bot.services.quiz import QuizService
from bot.services.report_scope import (
    PERIODS,
    ReportFilter,
    Scope,
    horizon,
    recall_sql,
    scope_args,
)
from bot.store import Store
from bot.store.broadcasts import Broadcast
from bot.store.reports import ReachRow, ReportRepo
from bot.timeutil import Clock, iso

TOP_WRONG = 10
#: an admin's report over everyone is served from a computation at most this old
EVERYONE_FRESH = timedelta(minutes=10)
#: and kept fresh in the background while an admin has looked at it within this time
EVERYONE_WATCHED = timedelta(days=1)


@dataclass(frozen=True)
class ModuleFigures:
    module_id: str
    lessons: int  # lessons in the module
    finished: int  # lesson completions in the period
    cards: int  # (officer, question) cards behind the recall
    recall: float | None  # mean projected recall; None when nothing was practised


@dataclass(frozen=True)
class WrongQuestion:
    item_id: str
    answers: int
    wrong: int

    @property
    def rate(self) -> float:
        return self.wrong / self.answers


@dataclass(frozen=True)
class Report:
    scope: Scope
    now: datetime
    registered: int
    new: int
    active: int
    inactive: int  # officers who can be nudged: not staff, not blocked, not active
    reminders: int
    answers: int
    correct: int
    modules: list[ModuleFigures]
    wrong: list[WrongQuestion]
    delivery: Progress

    @property
    def weakest(self) -> ModuleFigures | None:
        """The module with the lowest predicted recall (of those practised)."""
        practised = [m for m in self.modules if m.recall is not None]
        return min(practised, key=lambda m: (m.recall, m.module_id)) if practised else None


@dataclass(frozen=True)
class Reach:
    """Cascade reach: per trainer (keys: user ids as text) and per cohort country."""

    trainers: list[ReachRow]
    countries: list[ReachRow]


def since_day(scope: Scope, now: datetime) -> str:
    """The period's first day (UTC) as ``YYYY-MM-DD``, '' for all time: a period of 7 days
    runs from midnight UTC 7 days ago, so that every figure counts the same whole days (ISO
    times compare after their date)."""
    since = scope.filter.since(now)
    return since.astimezone(UTC).date().isoformat() if since else ""


class ReportService:
    def __init__(self, store: Store, content: ContentService, quiz: QuizService,
                 broadcasts: BroadcastService, clock: Clock):
        self.repo = ReportRepo(store.db)
        self.content = content
        self.broadcasts = broadcasts
        self.clock = clock
        self._recall = recall_sql(quiz.scheduler, "q.stability", "q.last_review", ":at")
        self._cache: dict[int, Report] = {}  # admins' report over everyone, by period
        self._watched: dict[int, datetime] = {}  # when an admin last asked for each

    @property
    def _all_items(self) -> list[str]:
        return [i.id for m in self.content.course.modules for lesson in m.lessons
                for i in lesson.quiz]

    def _items(self, module_id: str) -> list[str]:
        module = self.content.course.module(module_id)
        return [i.id for lesson in module.lessons for i in lesson.quiz] if module else []

    @staticmethod
    def _everyone(scope: Scope) -> bool:
        f = scope.filter
        return scope.trainer_id is None and f.cohort_id is None and f.country is None and \
            f.locale is None

    async def report(self, scope: Scope) -> Report:
        """The report for ``scope``. An admin's report over everyone (about 1.5 s of reading
        at 100,000 officers) is served from the last computation when it is younger than
        :data:`EVERYONE_FRESH`; :meth:`refresh_everyone` recomputes it in the background, and
        the report says when it was computed."""
        if self._everyone(scope):
            self._watched[scope.filter.period_days] = self.clock()
            cached = self._cache.get(scope.filter.period_days)
            if cached is not None and self.clock() - cached.now < EVERYONE_FRESH:
                return cached
        report = await self.compute(scope)
        if self._everyone(scope):
            self._cache[scope.filter.period_days] = report
        return report

    async def refresh_everyone(self) -> int:
        """Compute again the admins' reports over everyone that an admin looked at within
        :data:`EVERYONE_WATCHED`, one period after another, so that the next /report reads
        them at once (a job runs this every few minutes). Returns how many were computed."""
        now = self.clock()
        periods = [p for p in PERIODS if now - self._watched.get(p, now - 2 * EVERYONE_WATCHED)
                   < EVERYONE_WATCHED]
        for period in periods:
            self._cache[period] = await self.compute(Scope(ReportFilter(period_days=period),
                                                            None))
        return len(periods)

    async def compute(self, scope: Scope) -> Report:
        """The report for ``scope`` read now (no cache)."""
        now = self.clock()
        rows = await self.repo.report(scope_args(scope), self._all_items, since_day(scope, now),
                                      iso(horizon(now)), self._recall)
        delivery = await self.broadcasts.totals(
            None if scope.trainer_id is None else [scope.trainer_id])
        course = self.content.course
        modules = []
        for module in course.modules:
            items = [i.id for lesson in module.lessons for i in lesson.quiz]
            cards = sum(rows.recall.get(i, (0, 0.0))[0] for i in items)
            total = sum(rows.recall.get(i, (0, 0.0))[1] for i in items)
            modules.append(ModuleFigures(
                module.id, len(module.lessons),
                sum(rows.finished.get(lesson.id, 0) for lesson in module.lessons),
                cards, total / cards if cards else None))
        known = {i.id for m in course.modules for lesson in m.lessons for i in lesson.quiz}
        answers = {k: v for k, v in rows.answers.items() if k in known}
        wrong = sorted((WrongQuestion(k, n, n - ok) for k, (n, ok) in answers.items()
                        if n > ok), key=lambda w: (-w.wrong, -w.rate, w.item_id))
        return Report(scope, now, rows.registered, rows.new, rows.active, rows.inactive,
                      rows.reminders,
                      sum(n for n, _ in answers.values()),
                      sum(ok for _, ok in answers.values()), modules, wrong[:TOP_WRONG],
                      delivery)

    async def low_recall(self, scope: Scope, module_id: str) -> list[int]:
        """Officers of the scope whose predicted recall in the module is below LOW_RECALL,
        lowest first."""
        items = self._items(module_id)
        if not items:
            return []
        found = await self.repo.recall_by_officer(scope_args(scope), items,
                                                  iso(horizon(self.clock())), self._recall)
        return [user for user, recall in found if recall < LOW_RECALL]

    async def inactive(self, scope: Scope) -> list[int]:
        return await self.repo.inactive(scope_args(scope), since_day(scope, self.clock()))

    async def draft(self, sender_id: int, template: str, params: dict[str, Any],
                    user_ids: list[int]) -> Broadcast | None:
        """A broadcast draft to the given officers, for the composer's preview."""
        service = self.broadcasts
        b = await service.new_draft(sender_id)
        b = await service.set_template(b, template, params)
        return await service.set_audience(b, {"users": user_ids}) if b else None

    async def reach(self, trainer_id: int | None) -> Reach:
        trainers, countries = await self.repo.reach(trainer_id, iso(horizon(self.clock())),
                                                    self._recall)
        return Reach(trainers, countries)
