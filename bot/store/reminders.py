"""Daily reminders: the officer's local time and zone, and the next moment one is due."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.db import Database
from bot.store.outbox import NewMessage, insert_messages


@dataclass(frozen=True)
class Reminder:
    user_id: int
    enabled: bool
    local_time: str  # HH:MM
    timezone: str
    next_at: str  # UTC ISO
    last_sent_at: str | None


@dataclass(frozen=True)
class DueReminder:
    user_id: int
    chat_id: int
    locale: str | None
    next_at: str
    local_time: str
    timezone: str


@dataclass(frozen=True)
class Claim:
    """Move the reminder from ``expected_next_at`` to ``next_at``; queue ``message`` (None:
    skip this occurrence, e.g. too late or inside quiet hours)."""

    user_id: int
    expected_next_at: str
    next_at: str
    message: NewMessage | None


def _reminder(row: sqlite3.Row | None) -> Reminder | None:
    if row is None:
        return None
    return Reminder(row["user_id"], bool(row["enabled"]), row["local_time"], row["timezone"],
                    row["next_at"], row["last_sent_at"])


class ReminderRepo:
    def __init__(self, db: Database):
        self.db = db

    async def get(self, user_id: int) -> Reminder | None:
        return _reminder(await self.db.fetchone("SELECT * FROM reminders WHERE user_id = ?",
                                                (user_id,)))

    async def upsert(self, user_id: int, *, enabled: bool, local_time: str, timezone: str,
                     next_at: str) -> Reminder:
        row = await self.db.fetchone(
            "INSERT INTO reminders (user_id, enabled, local_time, timezone, next_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET enabled = "
            "excluded.enabled, local_time = excluded.local_time, timezone = excluded.timezone, "
            "next_at = excluded.next_at RETURNING *",
            (user_id, int(enabled), local_time, timezone, next_at))
        return _reminder(row)  # type: ignore[return-value]

    async def insert_missing(self, user_id: int, *, enabled: bool, local_time: str,
                             timezone: str, next_at: str) -> Reminder:
        """The officer's reminder: the stored one, else this one, stored now."""
        def ensure(tx: sqlite3.Connection) -> Reminder:
            tx.execute(
                "INSERT INTO reminders (user_id, enabled, local_time, timezone, next_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
                (user_id, int(enabled), local_time, timezone, next_at))
            return _reminder(tx.execute("SELECT * FROM reminders WHERE user_id = ?",
                                        (user_id,)).fetchone())  # type: ignore[return-value]

        return await self.db.write(ensure)

    async def due(self, now: str, limit: int = 1000) -> list[DueReminder]:
        """Enabled reminders whose time has come, for officers who have not blocked the bot."""
        rows = await self.db.fetchall(
            "SELECT r.user_id, u.chat_id, u.locale, r.next_at, r.local_time, r.timezone "
            "FROM reminders r JOIN users u ON u.user_id = r.user_id WHERE r.enabled = 1 AND "
            "r.next_at <= ? AND u.active = 1 ORDER BY r.next_at LIMIT ?", (now, limit))
        return [DueReminder(r["user_id"], r["chat_id"], r["locale"], r["next_at"],
                            r["local_time"], r["timezone"]) for r in rows]

    async def claim_into_outbox(self, claims: Sequence[Claim], now: str) -> int:
        """Move each due reminder on to its next time and queue its message in the outbox,
        both in one transaction: a reminder is never claimed without being queued, and one
        the officer changed meanwhile (``next_at`` no longer what was read) is left alone.
        Returns how many messages were queued."""
        def claim(tx: sqlite3.Connection) -> int:
            queued = []
            for c in claims:
                moved = tx.execute(
                    "UPDATE reminders SET next_at = ?, last_sent_at = ? WHERE user_id = ? "
                    "AND next_at = ? AND enabled = 1", (c.next_at, now, c.user_id,
                                                        c.expected_next_at)).rowcount
                if moved and c.message is not None:
                    queued.append(c.message)
            return insert_messages(tx, queued, now) if queued else 0
        return await self.db.write(claim)
