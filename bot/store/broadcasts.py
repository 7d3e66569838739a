"""Broadcasts: a trainer's message to an audience, from draft to delivered, with its totals.

A broadcast is composed as a ``draft`` row, then ``scheduled``, then ``queuing`` (confirmed;
its recipients are being put in the outbox, a chunk per transaction), ``sending`` (all of
them are in the outbox), then ``done`` with its totals kept here (outbox rows are pruned
later); or ``cancelled``. Every status change is one conditional UPDATE, so a second press
of the same button finds the status changed and does nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database
from bot.store.outbox import NewMessage, insert_messages


@dataclass(frozen=True)
class Broadcast:
    id: int
    sender_id: int
    status: str
    audience: dict[str, Any]
    template: str | None  # a template key; None for the sender's own text
    params: dict[str, Any]
    body: str | None  # the sender's own text (Telegram HTML), as written
    scheduled_at: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    report_chat_id: int | None
    report_message_id: int | None
    totals: dict[str, int] | None  # final counts per outbox state, once done


def _broadcast(row: sqlite3.Row | None) -> Broadcast | None:
    if row is None:
        return None
    return Broadcast(row["id"], row["sender_id"], row["status"], json.loads(row["audience"]),
                     row["template"], json.loads(row["params"]), row["body"],
                     row["scheduled_at"], row["created_at"], row["started_at"],
                     row["finished_at"], row["report_chat_id"], row["report_message_id"],
                     json.loads(row["totals"]) if row["totals"] else None)


_FIELDS = frozenset({"audience", "template", "params", "body"})


class BroadcastRepo:
    def __init__(self, db: Database):
        self.db = db

    async def new_draft(self, sender_id: int, now: str) -> Broadcast:
        """A fresh draft; the sender's older drafts are dropped (one composer at a time)."""
        def create(tx: sqlite3.Connection) -> sqlite3.Row:
            tx.execute("DELETE FROM broadcasts WHERE sender_id = ? AND status = 'draft'",
                       (sender_id,))
            return tx.execute("INSERT INTO broadcasts (sender_id, created_at) VALUES (?, ?) "
                              "RETURNING *", (sender_id, now)).fetchone()
        return _broadcast(await self.db.write(create))  # type: ignore[return-value]

    async def get(self, broadcast_id: int) -> Broadcast | None:
        return _broadcast(await self.db.fetchone("SELECT * FROM broadcasts WHERE id = ?",
                                                 (broadcast_id,)))

    async def update_draft(self, broadcast_id: int, **values: Any) -> Broadcast | None:
        """Change fields of a draft (audience, template, params, body); None if it is no
        longer a draft."""
        assert values and set(values) <= _FIELDS
        columns = ", ".join(f"{name} = ?" for name in values)
        params = [json.dumps(v) if name in ("audience", "params") else v
                  for name, v in values.items()]
        return _broadcast(await self.db.fetchone(
            f"UPDATE broadcasts SET {columns} WHERE id = ? AND status = 'draft' RETURNING *",
            (*params, broadcast_id)))

    async def begin(self, broadcast_id: int, from_status: str, now: str,
                    report: tuple[int, int] | None) -> Broadcast | None:
        """Move a draft (or a due scheduled broadcast) to ``queuing``: confirmed, its
        recipients about to be queued. None when its status was no longer ``from_status``
        (a second confirmation, or a cancellation that came first)."""
        return _broadcast(await self.db.fetchone(
            "UPDATE broadcasts SET status = 'queuing', started_at = ?, "
            "report_chat_id = COALESCE(?, report_chat_id), "
            "report_message_id = COALESCE(?, report_message_id) "
            "WHERE id = ? AND status = ? RETURNING *",
            (now, report[0] if report else None, report[1] if report else None,
             broadcast_id, from_status)))

    async def add_recipients(self, broadcast_id: int, messages: Sequence[NewMessage],
                             now: str) -> int:
        """Queue a chunk of recipients in one transaction; one already queued is skipped
        (so queuing can be resumed after a crash). Returns how many were added."""
        return await self.db.write(insert_messages, messages, now, broadcast_id)

    async def mark_sending(self, broadcast_id: int) -> Broadcast | None:
        """Every recipient is queued: from now on it finishes when the outbox is done."""
        return _broadcast(await self.db.fetchone(
            "UPDATE broadcasts SET status = 'sending' WHERE id = ? AND status = 'queuing' "
            "RETURNING *", (broadcast_id,)))

    async def queuing(self) -> list[Broadcast]:
        """Broadcasts confirmed but not fully queued (a crash came in between)."""
        rows = await self.db.fetchall(
            "SELECT * FROM broadcasts WHERE status = 'queuing' ORDER BY id")
        return [_broadcast(r) for r in rows]  # type: ignore[misc]

    async def schedule(self, broadcast_id: int, at: str, report: tuple[int, int] | None
                       ) -> Broadcast | None:
        return _broadcast(await self.db.fetchone(
            "UPDATE broadcasts SET status = 'scheduled', scheduled_at = ?, report_chat_id = ?, "
            "report_message_id = ? WHERE id = ? AND status = 'draft' RETURNING *",
            (at, report[0] if report else None, report[1] if report else None,
             broadcast_id)))

    async def cancel(self, broadcast_id: int, now: str) -> Broadcast | None:
        """Cancel a scheduled broadcast; None if it is not (or no longer) scheduled."""
        return _broadcast(await self.db.fetchone(
            "UPDATE broadcasts SET status = 'cancelled', finished_at = ? WHERE id = ? AND "
            "status = 'scheduled' RETURNING *", (now, broadcast_id)))

    async def cancel_scheduled_of(self, sender_id: int, now: str) -> int:
        return await self.db.execute(
            "UPDATE broadcasts SET status = 'cancelled', finished_at = ? WHERE sender_id = ? "
            "AND status = 'scheduled'", (now, sender_id))

    async def due_scheduled(self, now: str) -> list[Broadcast]:
        rows = await self.db.fetchall(
            "SELECT * FROM broadcasts WHERE status = 'scheduled' AND scheduled_at <= ? "
            "ORDER BY scheduled_at", (now,))
        return [_broadcast(r) for r in rows]  # type: ignore[misc]

    async def sending(self) -> list[Broadcast]:
        rows = await self.db.fetchall(
            "SELECT * FROM broadcasts WHERE status = 'sending' ORDER BY id")
        return [_broadcast(r) for r in rows]  # type: ignore[misc]

    async def finish_if_done(self, broadcast_id: int, now: str) -> Broadcast | None:
        """When no recipient is pending or in flight: store the totals and mark it done.
        Returns the finished broadcast, or None when it is still going."""
        def finish(tx: sqlite3.Connection) -> sqlite3.Row | None:
            counts = dict(tx.execute(
                "SELECT state, COUNT(*) FROM outbox WHERE broadcast_id = ? GROUP BY state",
                (broadcast_id,)).fetchall())
            if counts.get("pending") or counts.get("sending"):
                return None
            return tx.execute(
                "UPDATE broadcasts SET status = 'done', finished_at = ?, totals = ? "
                "WHERE id = ? AND status = 'sending' RETURNING *",
                (now, json.dumps(counts), broadcast_id)).fetchone()
        return _broadcast(await self.db.write(finish))

    async def set_report(self, broadcast_id: int, chat_id: int, message_id: int) -> None:
        await self.db.execute(
            "UPDATE broadcasts SET report_chat_id = ?, report_message_id = ? WHERE id = ?",
            (chat_id, message_id, broadcast_id))

    async def history(self, sender_id: int | None, *, limit: int = 10) -> list[Broadcast]:
        """Sent, scheduled and cancelled broadcasts, newest first (drafts left out); all
        senders' when ``sender_id`` is None."""
        where = "status != 'draft'" + ("" if sender_id is None else " AND sender_id = ?")
        rows = await self.db.fetchall(
            f"SELECT * FROM broadcasts WHERE {where} ORDER BY id DESC LIMIT ?",
            (limit,) if sender_id is None else (sender_id, limit))
        return [_broadcast(r) for r in rows]  # type: ignore[misc]

    async def totals(self, sender_ids: Sequence[int] | None = None) -> dict[str, int]:
        """Delivery totals over finished broadcasts (and live counts of running ones), per
        outbox state, for all senders or the given ones: what a report shows."""
        where = "" if sender_ids is None else \
            " AND b.sender_id IN (SELECT value FROM json_each(?))"
        args: tuple = () if sender_ids is None else (json.dumps(list(sender_ids)),)
        rows = await self.db.fetchall(
            "SELECT o.state, COUNT(*) AS n FROM outbox o JOIN broadcasts b ON b.id = "
            f"o.broadcast_id WHERE b.status = 'sending'{where} GROUP BY o.state", args)
        totals: dict[str, int] = {r["state"]: r["n"] for r in rows}
        for row in await self.db.fetchall(
                f"SELECT b.totals FROM broadcasts b WHERE b.status = 'done'{where}", args):
            for state, n in json.loads(row["totals"] or "{}").items():
                totals[state] = totals.get(state, 0) + n
        return totals
