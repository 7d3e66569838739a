"""What a progress report covers, and the one recall measure every report uses.

Shared by the report message, its charts and its CSV exports (issue 12) and by an officer's
own ``/progress``, so that every screen means the same thing by "predicted recall".

**Filter.** A report covers onboarded officers, narrowed by cohort, country and language, over a
period of 7, 30 or 90 days or all time. ``ReportFilter.pack()`` gives a compact string that
fits one callback-data field (``c12.KZ.ru.30``; ``-`` for "any", period ``0`` for all time);
``unpack`` returns ``None`` for anything else. Unpacked values are still only a request: the
viewer's right to see a cohort is checked by :func:`bot.store.report_scope.scope_sql`'s caller
on the server every time.

**Recall.** Right after a review FSRS predicts about 100 % recall, even after a wrong answer, so
a report read on the day of a class would say everything is remembered. Every report therefore
projects recall :data:`HORIZON_DAYS` days ahead: "how much of this will the officer still
recall a week from now if nothing is reviewed". The same formula exists in Python
(:func:`projected_recall`, from fsrs's own ``get_card_retrievability``) and in SQL
(:func:`recall_sql`) for reports over many officers; a test keeps the two equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from fsrs import Card, Scheduler

from bot.store.report_scope import ScopeArgs

#: recall is projected this many days past the moment the report is read
HORIZON_DAYS = 7
#: the periods a report offers, in days; 0 means all time
PERIODS = (7, 30, 90, 0)

_PACKED = re.compile(r"^c(\d{1,12})\.([A-Z]{2}|-)\.([A-Za-z_]{2,8}|-)\.(\d{1,3})$")


@dataclass(frozen=True)
class ReportFilter:
    cohort_id: int | None = None
    country: str | None = None   # ISO 3166 alpha-2, upper case
    locale: str | None = None    # a supported UI locale, e.g. "fa_AF"
    period_days: int = 30        # one of PERIODS; 0 = all time

    def pack(self) -> str:
        return (f"c{self.cohort_id or 0}.{self.country or '-'}.{self.locale or '-'}."
                f"{self.period_days}")

    @classmethod
    def unpack(cls, text: str | None) -> ReportFilter | None:
        match = _PACKED.match(text or "")
        if not match:
            return None
        cohort, country, locale, period = match.groups()
        if int(period) not in PERIODS:
            return None
        return cls(int(cohort) or None, None if country == "-" else country,
                   None if locale == "-" else locale, int(period))

    def with_(self, **changes: object) -> ReportFilter:
        return replace(self, **changes)

    def since(self, now: datetime) -> datetime | None:
        """The start of the period, or None for all time."""
        return now - timedelta(days=self.period_days) if self.period_days else None


def horizon(now: datetime) -> datetime:
    """The moment recall is projected to."""
    return now + timedelta(days=HORIZON_DAYS)


def projected_recall(scheduler: Scheduler, card: Card, now: datetime) -> float:
    """Predicted recall of one card, :data:`HORIZON_DAYS` days after ``now``."""
    return scheduler.get_card_retrievability(card, horizon(now))


def recall_sql(scheduler: Scheduler, stability: str, last_review: str, at: str) -> str:
    """An SQL expression equal to :func:`projected_recall` for one card row.

    ``stability`` and ``last_review`` are SQL expressions for the card's FSRS stability (days)
    and last review (ISO 8601 text); ``at`` is a parameter or expression holding the ISO time to
    project to (``horizon(now)``). Whole days elapsed, as fsrs counts them. NULL for a card
    never reviewed. Needs SQLite's math functions (3.35+, present in CPython's builds).
    """
    decay = scheduler._DECAY  # fsrs keeps its curve constants private
    factor = scheduler._FACTOR
    elapsed = f"MAX(0, CAST(julianday({at}) - julianday({last_review}) AS INTEGER))"
    return (f"(CASE WHEN {last_review} IS NULL OR {stability} IS NULL THEN NULL "
            f"ELSE pow(1.0 + {factor!r} * {elapsed} / {stability}, {decay!r}) END)")


@dataclass(frozen=True)
class Scope:
    """A filter the viewer is allowed to see; ``trainer_id`` None means an admin's, over all."""

    filter: ReportFilter
    trainer_id: int | None


def scope_args(scope: Scope) -> ScopeArgs:
    """What the store needs of a scope."""
    f = scope.filter
    return ScopeArgs(scope.trainer_id, f.cohort_id, f.country, f.locale)


async def scope_for(accounts, cohorts, user, user_id: int, wanted: ReportFilter) -> Scope | None:
    """The scope ``user`` may see for ``wanted``, checked on the server; None: refuse.

    Admins see everything. Trainers see the officers of their own cohorts only, and a cohort
    in the filter must be theirs. Officers see no report.
    """
    if accounts.is_admin(user, user_id):
        return Scope(wanted, None)
    if not accounts.is_trainer(user, user_id):
        return None
    if wanted.cohort_id is not None:
        cohort = await cohorts.get(wanted.cohort_id, user_id, admin=False)
        if cohort is None or cohort.trainer_id != user_id:
            return None
    return Scope(wanted, user_id)
