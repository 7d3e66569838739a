"""SQL for charts and CSV exports (issue 12): read on connections of their own.

A chart or an export over 100,000 officers reads for up to a second or two. On the bot's one
connection that would hold up every officer's update queued behind it, so these reads run on
read-only connections in worker threads (``Database.read``, as the reports' do; WAL lets them
read while the bot writes). Writes (snapshots, the audit) go through the bot's connection as
usual.

Every query selects its officers through :func:`bot.store.report_scope.scope_condition`.
"""

from __future__ import annotations

import asyncio
import heapq
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.store.db import Database
from bot.store.report_scope import ScopeArgs

T = TypeVar("T")


@dataclass(frozen=True)
class QuestionRow:
    item_id: str
    answered: int
    wrong: int
    top_wrong: int | None  # the original index of the wrong option chosen most, if known
    top_wrong_times: int


class MediaRepo:
    def __init__(self, db: Database):
        self.db = db

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(connection, *args)`` on a read-only connection of its own, in a worker
        thread (``Database.read``), so that no officer waits behind a chart or an export."""
        return await self.db.read(fn, *args)

    # --- charts -----------------------------------------------------------------------------
    async def officers(self, scope: ScopeArgs) -> int:
        where, args = scope.condition()
        return await self.read(_scalar, f"SELECT COUNT(*) FROM users u WHERE {where}", args)

    async def active_weeks(self, scope: ScopeArgs, first_week: str) -> dict[str, int]:
        """Officers active (an answer or a lesson card) per week from ``first_week`` on."""
        where, args = scope.condition()
        rows = await self.read(_all, (
            "SELECT aw.week, COUNT(*) FROM activity_weeks aw JOIN users u "
            f"ON u.user_id = aw.user_id WHERE aw.week >= :first AND {where} "
            "GROUP BY aw.week"), {**args, "first": first_week})
        return {week: n for week, n in rows}

    async def lessons_done(self, scope: ScopeArgs) -> dict[str, int]:
        """Finished lessons per lesson id, over the officers in scope."""
        where, args = scope.condition()
        rows = await self.read(_all, (
            "SELECT lp.lesson_id, COUNT(*) FROM users u CROSS JOIN lesson_progress lp "
            f"ON lp.user_id = u.user_id WHERE lp.completed_at IS NOT NULL AND {where} "
            "GROUP BY lp.lesson_id"), args)
        return {lesson: n for lesson, n in rows}

    async def recall_history(self, scope: ScopeArgs, first_day: str | None
                             ) -> list[tuple[str, str, float, int]]:
        """(taken_on, module_id, recall_sum, cards) from the weekly snapshots in scope.

        An admin's view without a cohort reads the all-officer rows (cohort 0); a cohort, or a
        trainer's cohorts, their own rows (an officer in two of one trainer's cohorts counts
        in both)."""
        where = ["taken_on >= :first"]
        args: dict[str, object] = {"first": first_day or ""}
        if scope.cohort_id is not None:
            where.append("cohort_id = :cohort")
            args["cohort"] = scope.cohort_id
        elif scope.trainer_id is None:
            where.append("cohort_id = 0")
        if scope.trainer_id is not None:
            where.append("cohort_id IN (SELECT id FROM cohorts WHERE trainer_id = :trainer)")
            args["trainer"] = scope.trainer_id
        if scope.country is not None:
            where.append("country = :country")
            args["country"] = scope.country
        if scope.locale is not None:
            where.append("locale = :locale")
            args["locale"] = scope.locale
        return await self.read(_all, (
            "SELECT taken_on, module_id, SUM(recall_sum), SUM(cards) FROM recall_snapshots "
            f"WHERE {' AND '.join(where)} GROUP BY taken_on, module_id ORDER BY taken_on"),
            args)

    async def last_snapshot(self) -> str | None:
        return await self.db.scalar("SELECT MAX(taken_on) FROM recall_snapshots")

    async def recall_groups(self, recall_expr: str, at: str
                            ) -> list[tuple[int, str, str, str, float, int]]:
        """Predicted recall summed per (cohort, country, language, question) over every
        onboarded officer's reviewed questions: cohort 0 counts each officer once."""
        where, args = ScopeArgs().condition()
        args["at"] = at
        def sql(cohort: str, join: str) -> str:
            return (f"SELECT {cohort}, COALESCE(u.country, ''), u.locale, qc.item_id, "
                    f"SUM({recall_expr}), COUNT(*) FROM users u {join} CROSS JOIN quiz_cards "
                    f"qc ON qc.user_id = u.user_id WHERE qc.last_review IS NOT NULL "
                    f"AND {where} GROUP BY 1, 2, 3, 4")

        def both(conn: sqlite3.Connection) -> list[tuple]:
            every = conn.execute(sql("0", ""), args).fetchall()
            cohorts = conn.execute(sql(
                "cm.cohort_id", "CROSS JOIN cohort_members cm ON cm.user_id = u.user_id"),
                args).fetchall()
            return [tuple(r) for r in every + cohorts]
        return await self.read(both)

    async def save_snapshot(self, taken_on: str, rows: Iterable[tuple]) -> None:
        rows = list(rows)

        def save(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM recall_snapshots WHERE taken_on = ?", (taken_on,))
            conn.executemany(
                "INSERT INTO recall_snapshots (taken_on, cohort_id, country, locale, "
                "module_id, recall_sum, cards) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(taken_on, *row) for row in rows])
        await self.db.write(save)

    # --- exports ----------------------------------------------------------------------------
    async def officer_rows(self, scope: ScopeArgs, since: str | None, recall_expr: str,
                           at: str, lessons_total: int) -> list[tuple[int, str]]:
        """(user id, the rest of the officer's CSV line) for every officer in scope.

        The line after the officer's name: country, language, registered_on,
        last_active_week, lessons_finished, lessons_total, answers_in_period, answers_total,
        correct_total, accuracy, questions_reviewed, predicted_recall_7d (answers and
        accuracy over all time, lessons and recall as now). SQLite writes it (every field is
        a code, an ISO date or a number: nothing to quote), which halves the time of an
        export of 100,000 officers. Driven from the officers in scope; every other table is
        searched by officer, once each."""
        where, args = scope.condition()
        args |= {"at": at, "lessons_total": lessons_total} | ({"since": since} if since else {})
        period = ("(SELECT COUNT(*) FROM review_log rl WHERE rl.user_id = u.user_id "
                  "AND rl.reviewed_at >= :since)") if since else "NULL"
        sql = (
            "SELECT u.user_id, printf('%s,%s,%s,%s,%d,%d', COALESCE(u.country, ''), "
            "COALESCE(u.locale, ''), substr(u.created_at, 1, 10), "
            "COALESCE((SELECT MAX(week) FROM activity_weeks aw WHERE aw.user_id = u.user_id), "
            "''), (SELECT COUNT(*) FROM lesson_progress lp WHERE lp.user_id = u.user_id "
            f"AND lp.completed_at IS NOT NULL), :lessons_total), {period}, "
            "(SELECT printf('%d,%d,%s', SUM(answered), SUM(answered - wrong), CASE WHEN "
            "SUM(answered) > 0 THEN printf('%.4f', 1.0 * SUM(answered - wrong) / SUM(answered)) "
            "ELSE '' END) FROM answer_totals t WHERE t.user_id = u.user_id), "
            "(SELECT printf('%d,%s', COUNT(*), CASE WHEN COUNT(*) > 0 THEN printf('%.4f', "
            f"TOTAL({recall_expr}) / COUNT(*)) ELSE '' END) FROM quiz_cards qc "
            "WHERE qc.user_id = u.user_id AND qc.last_review IS NOT NULL) "
            f"FROM users u WHERE {where} AND u.user_id % 2 = :half ORDER BY u.user_id")

        def rows(conn: sqlite3.Connection, half: int) -> list[tuple[int, str]]:
            out = []
            for user_id, head, in_period, totals, cards in conn.execute(sql,
                                                                         args | {"half": half}):
                period_answers = totals.partition(",")[0] if in_period is None else in_period
                out.append((user_id, f"{head},{period_answers},{totals},{cards}"))
            return out
        # odd and even officers on two read connections at once (Database.read), merged in
        # order: an export of 100,000 officers is about 2.6 s of SQLite work in one thread
        halves = await asyncio.gather(self.read(rows, 0), self.read(rows, 1))
        return list(heapq.merge(*halves))

    async def question_rows(self, scope: ScopeArgs, since: str | None,
                            items: list[str]) -> list[QuestionRow]:
        """Answers per question (``items``: the course's) over the officers in scope, in the
        period or all time, with the wrong option chosen most (single-choice answers in the
        rounds still kept: the shown position mapped back through the stored option order).

        All time reads the per-officer totals; a period, question by question, the answers'
        index (no sort of millions of answers), packing count and wrong answers in one value.
        """
        where, args = scope.condition()
        args |= {"since": since or "", "items": json.dumps(items)}
        in_scope = f"IN (SELECT u.user_id FROM users u WHERE {where})"
        if since is None:
            counts_sql = (
                "SELECT t.item_id, SUM(t.answered), SUM(t.wrong) FROM users u CROSS JOIN "
                f"answer_totals t ON t.user_id = u.user_id WHERE {where} GROUP BY t.item_id")
        else:
            counts_sql = (
                "SELECT j.value, (SELECT printf('%d %d', COUNT(*), TOTAL(1 - rl.correct)) "
                "FROM review_log rl WHERE rl.item_id = j.value AND rl.reviewed_at >= :since "
                f"AND rl.user_id {in_scope}) FROM json_each(:items) j")
        wrong_sql = (
            "SELECT j.value, (SELECT printf('%d %d', choice, times) FROM ("
            " SELECT json_extract(qp.option_order, '$[' || qp.selected || ']') AS choice, "
            " COUNT(*) AS times FROM quiz_presentations qp WHERE qp.correct = 0 "
            " AND qp.item_id = j.value AND qp.answered_at >= :since "
            f" AND qp.user_id {in_scope} AND qp.selected GLOB '[0-9]' "
            " GROUP BY choice ORDER BY times DESC, choice LIMIT 1)) FROM json_each(:items) j")

        def both(conn: sqlite3.Connection) -> list[QuestionRow]:
            counts = {}
            for item, *values in conn.execute(counts_sql, args).fetchall():
                answered, wrong = (values if since is None else
                                   [int(float(v)) for v in values[0].split()])
                if answered:
                    counts[item] = (answered, wrong)
            wrong_options = {item: [int(v) for v in top.split()]
                             for item, top in conn.execute(wrong_sql, args).fetchall() if top}
            return [QuestionRow(item, n, bad, *(wrong_options.get(item) or (None, 0)))
                    for item, (n, bad) in sorted(counts.items())]
        return await self.read(both)

    async def audit_export(self, actor_id: int, kind: str, packed_filter: str, rows: int,
                           at: str) -> None:
        await self.db.execute(
            "INSERT INTO export_audit (actor_id, kind, filter, rows, at) VALUES (?, ?, ?, ?, ?)",
            (actor_id, kind, packed_filter, rows, at))

    async def audit(self, limit: int = 20) -> list[sqlite3.Row]:
        return await self.db.fetchall(
            "SELECT actor_id, kind, filter, rows, at FROM export_audit ORDER BY id DESC LIMIT ?",
            (limit,))


def _scalar(conn: sqlite3.Connection, sql: str, args: Any) -> Any:
    row = conn.execute(sql, args).fetchone()
    return row[0] if row else None


def _all(conn: sqlite3.Connection, sql: str, args: Any) -> list[tuple]:
    return [tuple(r) for r in conn.execute(sql, args).fetchall()]
