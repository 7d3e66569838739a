"""Cohorts: a trainer's group of officers, its invite code, and who is in it.

"Active" everywhere means learning activity: a lesson card viewed or a quiz question answered
(``card_views`` and ``review_log``, both indexed by user and time).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import Database


@dataclass(frozen=True)
class Cohort:
    id: int
    trainer_id: int
    name: str
    country: str
    starts_on: str | None  # YYYY-MM-DD
    invite_code: str
    created_at: str
    closed_at: str | None
    members: int = 0
    active: int = 0  # members with learning activity since the period asked for

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


@dataclass(frozen=True)
class Member:
    user_id: int
    joined_at: str
    lessons_done: int
    last_active: str | None


_ACTIVE_SINCE = (
    "(EXISTS (SELECT 1 FROM review_log r WHERE r.user_id = {u} AND r.reviewed_at >= {since}) "
    "OR EXISTS (SELECT 1 FROM card_views v WHERE v.user_id = {u} AND v.viewed_at >= {since}))")

_SUMMARY = (
    "SELECT c.*, (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS members, "
    "(SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id AND "
    + _ACTIVE_SINCE.format(u="m.user_id", since=":since") + ") AS active FROM cohorts c ")


def active_since_sql(user_column: str, since_param: str) -> str:
    """An SQL condition: the user in ``user_column`` was active at or after ``since_param``."""
    return _ACTIVE_SINCE.format(u=user_column, since=since_param)


def _cohort(row: sqlite3.Row | None) -> Cohort | None:
    if row is None:
        return None
    keys = row.keys()
    return Cohort(row["id"], row["trainer_id"], row["name"], row["country"], row["starts_on"],
                  row["invite_code"], row["created_at"], row["closed_at"],
                  row["members"] if "members" in keys else 0,
                  row["active"] if "active" in keys else 0)


class CohortRepo:
    def __init__(self, db: Database):
        self.db = db

    async def create(self, trainer_id: int, name: str, country: str, starts_on: str | None,
                     code: str, now: str) -> Cohort:
        row = await self.db.fetchone(
            "INSERT INTO cohorts (trainer_id, name, country, starts_on, invite_code, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
            (trainer_id, name, country, starts_on, code, now))
        return _cohort(row)  # type: ignore[return-value]

    async def get(self, cohort_id: int, *, since: str = "") -> Cohort | None:
        """One cohort with its member count, and active members since ``since``."""
        return _cohort(await self.db.fetchone(_SUMMARY + "WHERE c.id = :id",
                                              {"id": cohort_id, "since": since or "9999"}))

    async def by_code(self, code: str) -> Cohort | None:
        return _cohort(await self.db.fetchone(
            "SELECT * FROM cohorts WHERE invite_code = ?", (code,)))

    async def of_trainer(self, trainer_id: int, since: str) -> list[Cohort]:
        rows = await self.db.fetchall(
            _SUMMARY + "WHERE c.trainer_id = :t ORDER BY c.closed_at IS NOT NULL, c.id DESC",
            {"t": trainer_id, "since": since})
        return [_cohort(r) for r in rows]  # type: ignore[misc]

    async def all(self, since: str, *, offset: int = 0, limit: int = 50) -> list[Cohort]:
        rows = await self.db.fetchall(
            _SUMMARY + "ORDER BY c.closed_at IS NOT NULL, c.id DESC LIMIT :limit "
            "OFFSET :offset", {"since": since, "limit": limit, "offset": offset})
        return [_cohort(r) for r in rows]  # type: ignore[misc]

    async def count(self, trainer_id: int | None = None) -> int:
        if trainer_id is None:
            return await self.db.scalar("SELECT COUNT(*) FROM cohorts")
        return await self.db.scalar("SELECT COUNT(*) FROM cohorts WHERE trainer_id = ?",
                                    (trainer_id,))

    async def of_officer(self, user_id: int) -> list[Cohort]:
        """The cohorts an officer is a member of, newest membership first."""
        rows = await self.db.fetchall(
            "SELECT c.* FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id "
            "WHERE m.user_id = ? ORDER BY m.joined_at DESC", (user_id,))
        return [_cohort(r) for r in rows]  # type: ignore[misc]

    async def rename(self, cohort_id: int, name: str) -> bool:
        return await self.db.execute("UPDATE cohorts SET name = ? WHERE id = ?",
                                     (name, cohort_id)) == 1

    async def close(self, cohort_id: int, now: str) -> bool:
        return await self.db.execute(
            "UPDATE cohorts SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
            (now, cohort_id)) == 1

    async def set_code(self, cohort_id: int, code: str) -> bool:
        return await self.db.execute("UPDATE cohorts SET invite_code = ? WHERE id = ?",
                                     (code, cohort_id)) == 1

    async def join(self, cohort_id: int, user_id: int, now: str) -> bool:
        """Add a member to an open cohort; False if already a member (or it closed)."""
        return await self.db.execute(
            "INSERT INTO cohort_members (cohort_id, user_id, joined_at) SELECT id, ?, ? "
            "FROM cohorts WHERE id = ? AND closed_at IS NULL "
            "ON CONFLICT (cohort_id, user_id) DO NOTHING", (user_id, now, cohort_id)) == 1

    async def leave(self, cohort_id: int, user_id: int) -> bool:
        return await self.db.execute(
            "DELETE FROM cohort_members WHERE cohort_id = ? AND user_id = ?",
            (cohort_id, user_id)) == 1

    async def is_member(self, cohort_id: int, user_id: int) -> bool:
        return await self.db.scalar(
            "SELECT 1 FROM cohort_members WHERE cohort_id = ? AND user_id = ?",
            (cohort_id, user_id)) is not None

    async def members(self, cohort_id: int, *, offset: int = 0, limit: int = 10
                      ) -> list[Member]:
        """Members, earliest joined first, with lessons finished and last learning activity."""
        rows = await self.db.fetchall(
            "SELECT m.user_id, m.joined_at, (SELECT COUNT(*) FROM lesson_progress p WHERE "
            "p.user_id = m.user_id AND p.completed_at IS NOT NULL) AS done, "
            "MAX(COALESCE((SELECT MAX(reviewed_at) FROM review_log r WHERE r.user_id = "
            "m.user_id), ''), COALESCE((SELECT MAX(viewed_at) FROM card_views v WHERE "
            "v.user_id = m.user_id), '')) AS last FROM cohort_members m WHERE m.cohort_id = ? "
            "ORDER BY m.joined_at, m.user_id LIMIT ? OFFSET ?", (cohort_id, limit, offset))
        return [Member(r["user_id"], r["joined_at"], r["done"], r["last"] or None)
                for r in rows]

    async def member_ids(self, cohort_ids: Sequence[int]) -> list[int]:
        """Distinct members of the given cohorts (for reports and computed audiences)."""
        if not cohort_ids:
            return []
        rows = await self.db.fetchall(
            "SELECT DISTINCT user_id FROM cohort_members WHERE cohort_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY user_id",
            (_json_ids(cohort_ids),))
        return [r["user_id"] for r in rows]


def _json_ids(ids: Sequence[int]) -> str:
    return "[" + ",".join(str(int(i)) for i in ids) + "]"
