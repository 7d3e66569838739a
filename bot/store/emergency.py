"""Emergency numbers corrected by admins, and the audit log of every correction.

A correction overrides the number of ``content/emergency.yaml`` for one (country, service).
Each change writes one ``emergency_audit`` row (who, when, old, new) in the same transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.store.db import Database


@dataclass(frozen=True)
class Override:
    country: str
    service: str
    number: str
    verified: bool
    updated_by: int
    updated_at: str


@dataclass(frozen=True)
class AuditEntry:
    country: str
    service: str
    old_number: str | None
    old_verified: bool | None
    new_number: str
    new_verified: bool
    changed_by: int
    changed_at: str


@dataclass(frozen=True)
class Previous:
    """What a (country, service) showed before a change: ``number`` None if nothing."""

    number: str | None
    verified: bool | None


class EmergencyRepo:
    def __init__(self, db: Database):
        self.db = db

    async def overrides(self, country: str | None = None) -> list[Override]:
        sql = "SELECT * FROM emergency_overrides"
        params: tuple = ()
        if country is not None:
            sql += " WHERE country = ?"
            params = (country,)
        rows = await self.db.fetchall(sql + " ORDER BY country, service", params)
        return [Override(r["country"], r["service"], r["number"], bool(r["verified"]),
                         r["updated_by"], r["updated_at"]) for r in rows]

    async def set(self, country: str, service: str, number: str, verified: bool, by: int,
                  now: str, file_value: Previous) -> Previous:
        """Store the correction and its audit row atomically; returns what it replaced (the
        previous correction, else ``file_value``, the number from the content file)."""

        def change(tx: sqlite3.Connection) -> Previous:
            row = tx.execute(
                "SELECT number, verified FROM emergency_overrides "
                "WHERE country = ? AND service = ?", (country, service)).fetchone()
            old = Previous(row["number"], bool(row["verified"])) if row else file_value
            tx.execute(
                "INSERT INTO emergency_overrides "
                "(country, service, number, verified, updated_by, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (country, service) DO UPDATE SET "
                "number = excluded.number, verified = excluded.verified, "
                "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                (country, service, number, int(verified), by, now))
            tx.execute(
                "INSERT INTO emergency_audit (country, service, old_number, old_verified, "
                "new_number, new_verified, changed_by, changed_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (country, service, old.number,
                 None if old.verified is None else int(old.verified), number, int(verified),
                 by, now))
            return old

        return await self.db.write(change)

    async def audit(self, country: str | None = None, limit: int = 100) -> list[AuditEntry]:
        sql = "SELECT * FROM emergency_audit"
        params: tuple = ()
        if country is not None:
            sql += " WHERE country = ?"
            params = (country,)
        rows = await self.db.fetchall(sql + " ORDER BY id DESC LIMIT ?", (*params, limit))
        return [AuditEntry(r["country"], r["service"], r["old_number"],
                           None if r["old_verified"] is None else bool(r["old_verified"]),
                           r["new_number"], bool(r["new_verified"]), r["changed_by"],
                           r["changed_at"]) for r in rows]
