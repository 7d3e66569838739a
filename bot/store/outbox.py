"""The outbox: one row per outgoing bulk message (reminders, broadcasts, group posts).

Row states: ``pending`` (waiting for ``next_attempt_at``), ``sending`` (claimed by the sender;
reset to ``pending`` at start-up, so a crash repeats at most the rows that were in flight),
and the final ``sent``, ``blocked`` (403 / inactive officer), ``failed`` (a permanent error
or too many attempts, with its reason), ``skipped`` (nothing to say at send time),
``expired`` (too late to be useful) and ``cancelled``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.store.db import Database

FINAL_STATES = ("sent", "blocked", "failed", "skipped", "expired", "cancelled")


@dataclass(frozen=True)
class NewMessage:
    """A message to put in the outbox. ``payload`` says how to render it at send time (its
    meaning depends on ``kind``); ``user_id`` is the officer it is for (None for a group)."""

    kind: str
    chat_id: int
    payload: dict[str, Any] = field(default_factory=dict)
    user_id: int | None = None
    broadcast_id: int | None = None
    expires_at: str | None = None
    state: str = "pending"  # or "blocked" for an officer known to have blocked the bot


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: str
    chat_id: int
    user_id: int | None
    broadcast_id: int | None
    payload: dict[str, Any]
    attempts: int
    expires_at: str | None
    #: the officer's state now (None for group rows or a deleted user)
    user_active: bool | None
    user_locale: str | None


@dataclass(frozen=True)
class Outcome:
    """What became of one claimed row."""

    row_id: int
    state: str  # a final state, or "pending" to retry at next_attempt_at
    error: str | None = None
    message_id: int | None = None
    next_attempt_at: str | None = None
    count_attempt: bool = True
    deactivate_user: int | None = None  # mark this officer inactive (403, chat not found)
    new_chat_id: int | None = None  # a group that became a supergroup


def _json_ids(ids: Iterable[int]) -> str:
    return json.dumps([int(i) for i in ids])


def insert_messages(tx: sqlite3.Connection, messages: Sequence[NewMessage], now: str,
                    broadcast_id: int | None = None) -> int:
    """Insert outbox rows inside the caller's transaction (``broadcast_id`` overrides the
    messages' own); a broadcast's recipient already queued is skipped. Returns rows added."""
    rows = [(m.kind, broadcast_id or m.broadcast_id, m.user_id, m.chat_id,
             json.dumps(m.payload), m.state, now, m.expires_at, now,
             now if m.state != "pending" else None) for m in messages]
    before = tx.total_changes
    tx.executemany(
        "INSERT INTO outbox (kind, broadcast_id, user_id, chat_id, payload, state, "
        "next_attempt_at, expires_at, created_at, done_at) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING", rows)
    return tx.total_changes - before


class OutboxRepo:
    def __init__(self, db: Database):
        self.db = db

    async def enqueue(self, messages: Sequence[NewMessage], now: str) -> int:
        """Insert rows in one transaction; a broadcast's recipient already queued is not
        queued twice. Returns how many rows were added."""
        return await self.db.write(insert_messages, messages, now)

    async def reset_in_flight(self) -> int:
        """At start-up: rows a previous run claimed but never finished go back to pending."""
        return await self.db.execute(
            "UPDATE outbox SET state = 'pending' WHERE state = 'sending'")

    async def claim(self, now: str, limit: int, exclude_chats: Iterable[int] = ()
                    ) -> list[OutboxRow]:
        """Claim up to ``limit`` due rows (oldest first), skipping chats in ``exclude_chats``
        (those the sender is still busy with). One transaction."""
        excluded = _json_ids(exclude_chats)

        def claim(tx: sqlite3.Connection) -> list[sqlite3.Row]:
            ids = [r[0] for r in tx.execute(
                "UPDATE outbox SET state = 'sending' WHERE id IN (SELECT id FROM outbox "
                "WHERE state = 'pending' AND next_attempt_at <= ? AND chat_id NOT IN "
                "(SELECT value FROM json_each(?)) ORDER BY next_attempt_at, id LIMIT ?) "
                "RETURNING id", (now, excluded, limit))]
            if not ids:
                return []
            return tx.execute(
                "SELECT o.*, u.active AS user_active, u.locale AS user_locale FROM outbox o "
                "LEFT JOIN users u ON u.user_id = o.user_id WHERE o.id IN "
                "(SELECT value FROM json_each(?)) ORDER BY o.next_attempt_at, o.id",
                (_json_ids(ids),)).fetchall()
        rows = await self.db.write(claim)
        return [OutboxRow(r["id"], r["kind"], r["chat_id"], r["user_id"], r["broadcast_id"],
                          json.loads(r["payload"]), r["attempts"], r["expires_at"],
                          None if r["user_active"] is None else bool(r["user_active"]),
                          r["user_locale"]) for r in rows]

    async def finish(self, outcomes: Sequence[Outcome], now: str) -> None:
        """Record what became of claimed rows, in one transaction (and mark officers who
        cannot be reached inactive in the same one)."""
        def record(tx: sqlite3.Connection) -> None:
            for o in outcomes:
                if o.new_chat_id is not None:
                    tx.execute("UPDATE outbox SET chat_id = ? WHERE id = ?",
                               (o.new_chat_id, o.row_id))
                tx.execute(
                    "UPDATE outbox SET state = ?, error = ?, message_id = ?, attempts = "
                    "attempts + ?, next_attempt_at = COALESCE(?, next_attempt_at), done_at = "
                    "CASE WHEN ? = 'pending' THEN NULL ELSE ? END WHERE id = ? AND "
                    "state = 'sending'",
                    (o.state, o.error, o.message_id, int(o.count_attempt), o.next_attempt_at,
                     o.state, now, o.row_id))
                if o.deactivate_user is not None:
                    tx.execute("UPDATE users SET active = 0, updated_at = ? WHERE user_id = ?",
                               (now, o.deactivate_user))
        await self.db.write(record)

    async def next_due(self) -> str | None:
        """When the earliest pending row becomes due (None when nothing is pending)."""
        return await self.db.scalar(
            "SELECT next_attempt_at FROM outbox WHERE state = 'pending' "
            "ORDER BY next_attempt_at, id LIMIT 1")

    async def counts(self, broadcast_id: int) -> dict[str, int]:
        rows = await self.db.fetchall(
            "SELECT state, COUNT(*) AS n FROM outbox WHERE broadcast_id = ? GROUP BY state",
            (broadcast_id,))
        return {r["state"]: r["n"] for r in rows}

    async def cancel_pending(self, broadcast_id: int, now: str) -> int:
        return await self.db.execute(
            "UPDATE outbox SET state = 'cancelled', done_at = ? WHERE broadcast_id = ? AND "
            "state = 'pending'", (now, broadcast_id))

    async def rows(self, *, broadcast_id: int | None = None, kind: str | None = None
                   ) -> list[sqlite3.Row]:
        """Rows for inspection (tests, the benchmark): by broadcast or kind."""
        if broadcast_id is not None:
            return await self.db.fetchall(
                "SELECT * FROM outbox WHERE broadcast_id = ? ORDER BY id", (broadcast_id,))
        return await self.db.fetchall(
            "SELECT * FROM outbox WHERE kind = ? ORDER BY id", (kind,))

    async def prune(self, before: str, limit: int = 5000) -> int:
        """Delete finished rows done before ``before``; a finished broadcast keeps its totals,
        rows of one still sending are kept until it finishes."""
        return await self.db.execute(
            "DELETE FROM outbox WHERE id IN (SELECT o.id FROM outbox o WHERE o.done_at IS NOT "
            "NULL AND o.done_at < ? AND (o.broadcast_id IS NULL OR o.broadcast_id NOT IN "
            "(SELECT b.id FROM broadcasts b WHERE b.status = 'sending')) LIMIT ?)",
            (before, limit))
