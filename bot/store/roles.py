"""Trainer roles: one-time invite links, grants and revocations, and their audit log."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.store.db import Database


@dataclass(frozen=True)
class TrainerInvite:
    code: str
    created_by: int
    created_at: str
    expires_at: str
    used_by: int | None
    used_at: str | None


@dataclass(frozen=True)
class RoleChange:
    """One audit entry: ``actor_id`` granted or revoked ``role`` of ``subject_id``."""

    id: int
    actor_id: int
    subject_id: int
    action: str  # grant | revoke
    role: str
    via: str  # invite | id
    at: str


@dataclass(frozen=True)
class Trainer:
    user_id: int
    since: str | None  # when the role was last granted (None if granted outside the bot)
    cohorts: int


def _invite(row: sqlite3.Row | None) -> TrainerInvite | None:
    if row is None:
        return None
    return TrainerInvite(row["code"], row["created_by"], row["created_at"], row["expires_at"],
                         row["used_by"], row["used_at"])


def _audit(tx: sqlite3.Connection, actor: int, subject: int, action: str, role: str, via: str,
           now: str) -> None:
    tx.execute("INSERT INTO role_audit (actor_id, subject_id, action, role, via, at) "
               "VALUES (?, ?, ?, ?, ?, ?)", (actor, subject, action, role, via, now))


class RoleRepo:
    def __init__(self, db: Database):
        self.db = db

    async def create_invite(self, code: str, admin_id: int, now: str, expires_at: str) -> None:
        await self.db.execute(
            "INSERT INTO trainer_invites (code, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?)", (code, admin_id, now, expires_at))

    async def invite(self, code: str) -> TrainerInvite | None:
        return _invite(await self.db.fetchone(
            "SELECT * FROM trainer_invites WHERE code = ?", (code,)))

    async def redeem(self, code: str, user_id: int, now: str) -> TrainerInvite | None:
        """Use an unused, unexpired invite: the user becomes a trainer and the grant is
        audited in the same transaction. ``None`` when the invite cannot be used (any more)."""
        def redeem(tx: sqlite3.Connection) -> TrainerInvite | None:
            row = tx.execute(
                "UPDATE trainer_invites SET used_by = ?, used_at = ? WHERE code = ? AND "
                "used_at IS NULL AND expires_at > ? RETURNING *",
                (user_id, now, code, now)).fetchone()
            if row is None:
                return None
            tx.execute("UPDATE users SET role = 'trainer', updated_at = ? WHERE user_id = ?",
                       (now, user_id))
            _audit(tx, row["created_by"], user_id, "grant", "trainer", "invite", now)
            return _invite(row)
        return await self.db.write(redeem)

    async def set_role(self, actor_id: int, user_id: int, role: str, *, via: str,
                       now: str) -> bool:
        """Change the role of an existing user from what it is now and audit it; False when
        the user does not exist or already has that role."""
        def change(tx: sqlite3.Connection) -> bool:
            changed = tx.execute(
                "UPDATE users SET role = ?, updated_at = ? WHERE user_id = ? AND role != ?",
                (role, now, user_id, role)).rowcount
            if not changed:
                return False
            granted = role != "officer"
            _audit(tx, actor_id, user_id, "grant" if granted else "revoke",
                   role if granted else "trainer", via, now)
            return True
        return await self.db.write(change)

    async def trainers(self) -> list[Trainer]:
        rows = await self.db.fetchall(
            "SELECT u.user_id, (SELECT MAX(a.at) FROM role_audit a WHERE a.subject_id = "
            "u.user_id AND a.action = 'grant') AS since, (SELECT COUNT(*) FROM cohorts c "
            "WHERE c.trainer_id = u.user_id) AS cohorts FROM users u WHERE u.role = 'trainer' "
            "ORDER BY u.user_id")
        return [Trainer(r["user_id"], r["since"], r["cohorts"]) for r in rows]

    async def audit(self, limit: int = 10) -> list[RoleChange]:
        rows = await self.db.fetchall(
            "SELECT * FROM role_audit ORDER BY id DESC LIMIT ?", (limit,))
        return [RoleChange(r["id"], r["actor_id"], r["subject_id"], r["action"], r["role"],
                           r["via"], r["at"]) for r in rows]
