"""The SQL of progress reports, cascade reach and the report's follow-up audiences (issue 12).

Every statement selects its officers through :func:`bot.store.report_scope.scope_condition`
and reads each officer's rows through an index that starts with ``user_id`` (migration 7 made
those indexes covering: ``quiz_cards_report``, ``review_log_user``), so a report costs one
pass over the officers of its scope and their own rows, never a scan of the answer history.
Each public method is one :meth:`Database.read` hand-off (a connection of its own, one
snapshot, off the bot's connection), except the report, which reads its officers' figures and
their cards on two connections in parallel (two snapshots taken at the same moment).

Statements that read every officer of a scope say so with ``/* report scope */`` (the
query-plan test lets those, and only those, scan ``users``, ``cohorts`` and
``cohort_members``: an admin's report over everyone reads everyone; never an officer's
history).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.store.db import Database
from bot.store.report_scope import ScopeArgs

MARK = "/* report scope */"


@dataclass
class ReportRows:
    registered: int = 0
    new: int = 0  # registered since the start of the period
    active: int = 0  # answered a question or opened a lesson card in the period
    inactive: int = 0  # officers (not staff) not blocked, and not active in the period
    reminders: int = 0  # daily reminder switched on
    finished: dict[str, int] = field(default_factory=dict)  # lesson id: completions
    answers: dict[str, tuple[int, int]] = field(default_factory=dict)  # item: (n, correct)
    recall: dict[str, tuple[int, float]] = field(default_factory=dict)  # item: (cards, sum)


@dataclass(frozen=True)
class ReachRow:
    key: str  # a trainer's user id (as text) or a country code
    cohorts: int
    officers: int
    finished: int  # lessons finished by those officers
    cards: int  # FSRS cards behind the recall
    recall_sum: float
    class_quizzes: int = 0  # class quizzes held (all polls asked) in these cohorts


class ReportRepo:
    def __init__(self, db: Database):
        self.db = db

    async def report(self, scope: ScopeArgs, items: Sequence[str], since: str, at: str,
                     recall: str) -> ReportRows:
        """The figures of one report. ``items``: the course's question ids; ``since``: the
        first UTC day of the period, ``YYYY-MM-DD`` ('' for all time); ``at``: ISO moment
        recall is projected to; ``recall``: the recall SQL expression over ``q.stability``,
        ``q.last_review`` and ``:at``.

        Answers and cards are read officer by officer (``JOIN users``) for a narrowed scope,
        and question by question from the item-leading indexes for everyone (an admin's
        unfiltered report): no sort of a million rows, no look-up of each row's officer. The
        two agree because only onboarded officers can answer (nothing un-onboards a user)."""
        cond, args = scope.condition()
        args = {**args, "since": since, "at": at, "items": json.dumps(list(items))}
        cards_sql = (f"q.item_id, SUM(q.reviews), SUM(q.correct), SUM(q.stability IS NOT "
                     f"NULL AND q.last_review IS NOT NULL), TOTAL({recall})")
        everyone = scope == ScopeArgs()

        def read_lessons(conn: sqlite3.Connection) -> dict[str, int]:
            return {r[0]: r[1] for r in conn.execute(
                f"SELECT {MARK} p.lesson_id, COUNT(*) FROM users u CROSS JOIN lesson_progress p "
                f"ON p.user_id = u.user_id WHERE {cond} AND p.completed_at >= :since "
                "GROUP BY p.lesson_id", args)}

        def read_cards(conn: sqlite3.Connection, part: Sequence[str] = ()
                       ) -> tuple[list[tuple], dict[str, int]]:
            """The cards per question (everyone's: those of the questions ``part``; the
            first part also reads the lessons finished in the period)."""
            if everyone:  # question by question
                finished = read_lessons(conn) if part and part[0] == items[0] else {}
                return [tuple(r) for r in conn.execute(
                    f"SELECT {cards_sql} FROM quiz_cards q WHERE q.item_id IN "
                    "(SELECT value FROM json_each(:part)) GROUP BY q.item_id",
                    {**args, "part": json.dumps(list(part))})], finished
            return [tuple(r) for r in conn.execute(  # officer by officer
                f"SELECT {MARK} {cards_sql} FROM users u CROSS JOIN quiz_cards q ON q.user_id = "
                f"u.user_id WHERE {cond} GROUP BY q.item_id", args)], read_lessons(conn)

        def read(conn: sqlite3.Connection) -> ReportRows:
            rows = ReportRows()
            head = conn.execute(
                "SELECT COUNT(*) AS registered, COALESCE(SUM(new), 0) AS new, "
                "COALESCE(SUM(act), 0) AS active, COALESCE(SUM(rem), 0) AS reminders, "
                "COALESCE(SUM(role = 'officer' AND reachable = 1 AND NOT act), 0) AS inactive "
                f"FROM (SELECT {MARK} u.created_at >= :since AS new, u.role AS role, "
                "u.active AS reachable, EXISTS (SELECT 1 FROM review_log r WHERE r.user_id = "
                "u.user_id AND r.reviewed_at >= :since) OR EXISTS (SELECT 1 FROM card_views v "
                "WHERE v.user_id = u.user_id AND v.viewed_at >= :since) AS act, EXISTS (SELECT "
                "1 FROM reminders m WHERE m.user_id = u.user_id AND m.enabled = 1) AS rem "
                f"FROM users u WHERE {cond})", args).fetchone()
            rows.registered, rows.new = head["registered"], head["new"]
            rows.active, rows.reminders = head["active"], head["reminders"]
            rows.inactive = head["inactive"]
            if not rows.registered:
                return rows
            if since:  # the period's answers: everyone's per day, others' from the log
                rows.answers = {r[0]: (r[1], r[2]) for r in (conn.execute(
                    "SELECT item_id, SUM(answers), SUM(correct) FROM answer_days WHERE day >= "
                    ":since GROUP BY item_id", args) if everyone else conn.execute(
                    f"SELECT {MARK} r.item_id, COUNT(*), SUM(r.correct) FROM users u "
                    "CROSS JOIN review_log r ON r.user_id = u.user_id AND r.reviewed_at >= :since "
                    f"WHERE {cond} GROUP BY r.item_id", args))}
            return rows

        # connections at once: the officers' figures and answers of the period; the lessons
        # and cards (recall, and all time's answers from the cards' counters), everyone's in
        # two halves of the questions
        half = (len(items) + 1) // 2
        parts = [items[:half], items[half:]] if everyone and items else [items]
        rows, *read_parts = await asyncio.gather(
            self.db.read(read), *(self.db.read(read_cards, part) for part in parts))
        cards = [row for part, _ in read_parts for row in part]
        if rows.registered:
            rows.finished = {k: v for _, lessons in read_parts for k, v in lessons.items()}
            for item, reviews, correct, counted, total in cards:
                rows.recall[item] = (counted, total)
                if not since:
                    rows.answers[item] = (reviews, correct)
        return rows

    async def recall_by_officer(self, scope: ScopeArgs, items: Sequence[str], at: str,
                                recall: str) -> list[tuple[int, float]]:
        """(officer, mean projected recall over the given items he or she has reviewed),
        lowest first: who needs a refresher on a module."""
        def read(conn: sqlite3.Connection) -> list[tuple[int, float]]:
            cond, args = scope.condition()
            return [(r[0], r[1]) for r in conn.execute(
                f"SELECT {MARK} q.user_id, AVG({recall}) AS recall FROM users u "
                "CROSS JOIN quiz_cards q ON q.user_id = u.user_id AND q.item_id IN "
                f"(SELECT value FROM json_each(:items)) WHERE {cond} AND u.active = 1 "
                "AND q.last_review IS NOT NULL AND q.stability IS NOT NULL "
                "GROUP BY q.user_id ORDER BY recall, q.user_id",
                {**args, "items": json.dumps(list(items)), "at": at})]

        return await self.db.read(read)

    async def inactive(self, scope: ScopeArgs, since: str) -> list[int]:
        """Officers of the scope (not blocked) who neither answered a question nor opened a
        lesson card since ``since`` ('' : ever)."""
        def read(conn: sqlite3.Connection) -> list[int]:
            cond, args = scope.condition()
            return [r[0] for r in conn.execute(
                f"SELECT {MARK} u.user_id FROM users u WHERE {cond} AND u.active = 1 "
                "AND u.role = 'officer' AND NOT EXISTS (SELECT 1 FROM review_log r WHERE "
                "r.user_id = u.user_id AND r.reviewed_at >= :since) AND NOT EXISTS (SELECT 1 "
                "FROM card_views v WHERE v.user_id = u.user_id AND v.viewed_at >= :since) "
                "ORDER BY u.user_id", {**args, "since": since})]

        return await self.db.read(read)

    async def reach(self, trainer_id: int | None, at: str, recall: str
                    ) -> tuple[list[ReachRow], list[ReachRow]]:
        """Cascade reach: per trainer and per country of the cohorts (only ``trainer_id``'s
        own when given): cohorts run, officers reached (members, each counted once per
        trainer or country), lessons they finished, their cards' recall, and the class
        quizzes held in those cohorts."""
        def read(conn: sqlite3.Connection) -> tuple[list[ReachRow], list[ReachRow]]:
            where = "WHERE c.trainer_id = :trainer" if trainer_id is not None else ""
            args = {"trainer": trainer_id, "at": at}
            out = []
            for key in ("c.trainer_id", "c.country"):
                reached = (f"WITH reached AS (SELECT {MARK} DISTINCT {key} AS k, m.user_id FROM "
                           f"cohorts c JOIN cohort_members m ON m.cohort_id = c.id {where}) ")
                runs = {str(r[0]): r[1] for r in conn.execute(
                    f"SELECT {MARK} {key}, COUNT(*) FROM cohorts c {where} GROUP BY {key}",
                    args)}
                people = {str(r[0]): (r[1], r[2]) for r in conn.execute(
                    f"{reached}SELECT k, COUNT(*), TOTAL((SELECT COUNT(*) FROM lesson_progress "
                    "p WHERE p.user_id = reached.user_id AND p.completed_at IS NOT NULL)) "
                    "FROM reached GROUP BY k", args)}
                cards = {str(r[0]): (r[1], r[2]) for r in conn.execute(
                    f"{reached}SELECT k, COUNT(*), TOTAL({recall}) FROM reached CROSS JOIN "
                    "quiz_cards q ON q.user_id = reached.user_id WHERE q.last_review IS NOT "
                    "NULL AND q.stability IS NOT NULL GROUP BY k", args)}
                done = f"{where} AND" if where else "WHERE"
                held = {str(r[0]): r[1] for r in conn.execute(
                    f"SELECT {MARK} {key}, COUNT(*) FROM cohorts c CROSS JOIN class_quizzes q ON "
                    f"q.cohort_id = c.id {done} q.outcome = 'done' GROUP BY {key}", args)}
                rows = [ReachRow(k, n, people.get(k, (0, 0))[0], int(people.get(k, (0, 0))[1]),
                                 cards.get(k, (0, 0.0))[0], cards.get(k, (0, 0.0))[1],
                                 held.get(k, 0))
                        for k, n in runs.items()]
                rows.sort(key=lambda r: (-r.officers, r.key))
                out.append(rows)
            return out[0], out[1]

        return await self.db.read(read)
