"""Lesson progress: every card view, the furthest card and completion of each lesson."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.store.db import Database


@dataclass(frozen=True)
class LessonState:
    lesson_id: str
    card: int
    updated_at: str
    completed: bool


def _states(conn: sqlite3.Connection, user_id: int) -> dict[str, LessonState]:
    rows = conn.execute("SELECT lesson_id, card, updated_at, completed_at FROM lesson_progress "
                        "WHERE user_id = ?", (user_id,))
    return {r["lesson_id"]: LessonState(r["lesson_id"], r["card"], r["updated_at"],
                                        r["completed_at"] is not None) for r in rows}


class ProgressRepo:
    def __init__(self, db: Database):
        self.db = db

    async def record_view(self, user_id: int, lesson_id: str, card: int, now: str) -> None:
        """One card view: the view log, and the lesson's current card."""
        def view(tx: sqlite3.Connection) -> None:
            tx.execute(
                "INSERT INTO card_views (user_id, lesson_id, card, viewed_at) "
                "VALUES (?, ?, ?, ?)", (user_id, lesson_id, card, now))
            tx.execute(
                "INSERT INTO lesson_progress (user_id, lesson_id, card, started_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id, lesson_id) DO UPDATE SET "
                "card = excluded.card, updated_at = excluded.updated_at",
                (user_id, lesson_id, card, now, now))

        await self.db.write(view)

    async def complete(self, user_id: int, lesson_id: str, now: str
                       ) -> tuple[bool, dict[str, LessonState]]:
        """Mark the lesson complete (True the first time) and return every lesson's state."""
        def complete(tx: sqlite3.Connection) -> tuple[bool, dict[str, LessonState]]:
            tx.execute(
                "INSERT INTO lesson_progress (user_id, lesson_id, card, started_at, updated_at) "
                "VALUES (?, ?, 1, ?, ?) ON CONFLICT (user_id, lesson_id) DO NOTHING",
                (user_id, lesson_id, now, now))
            first = tx.execute(
                "UPDATE lesson_progress SET completed_at = ?, updated_at = ? "
                "WHERE user_id = ? AND lesson_id = ? AND completed_at IS NULL",
                (now, now, user_id, lesson_id)).rowcount > 0
            return first, _states(tx, user_id)

        return await self.db.write(complete)

    async def states(self, user_id: int) -> dict[str, LessonState]:
        return await self.db.run(_states, user_id)

    async def completed(self, user_id: int) -> set[str]:
        rows = await self.db.fetchall(
            "SELECT lesson_id FROM lesson_progress WHERE user_id = ? AND completed_at IS NOT NULL",
            (user_id,))
        return {r["lesson_id"] for r in rows}

    async def view_count(self, user_id: int) -> int:
        return int(await self.db.scalar("SELECT COUNT(*) FROM card_views WHERE user_id = ?",
                                        (user_id,)))
