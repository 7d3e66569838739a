"""Officers, trainers and admins: who they are, their language, country and state."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from bot.store.db import Database

ROLES = ("officer", "trainer", "admin")


@dataclass(frozen=True)
class User:
    user_id: int
    chat_id: int
    locale: str | None
    country: str | None
    role: str
    start_payload: str | None
    active: bool
    privacy_seen: bool
    #: when this account began (UTC, to the millisecond): a /forget prompt names it, so that
    #: a prompt shown before a deletion never touches an account begun after it
    created_at: str = ""

    @property
    def onboarded(self) -> bool:
        return bool(self.locale and self.country and self.privacy_seen)


def _user(row: sqlite3.Row | None) -> User | None:
    if row is None:
        return None
    return User(
        user_id=row["user_id"], chat_id=row["chat_id"], locale=row["locale"],
        country=row["country"], role=row["role"], start_payload=row["start_payload"],
        active=bool(row["active"]), privacy_seen=row["privacy_seen_at"] is not None,
        created_at=row["created_at"],
    )


_NOW = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"


class UserRepo:
    def __init__(self, db: Database):
        self.db = db

    async def get(self, user_id: int) -> User | None:
        return _user(await self.db.fetchone("SELECT * FROM users WHERE user_id = ?", (user_id,)))

    async def ensure(self, user_id: int, chat_id: int) -> User:
        """Return the user, creating the row on first contact (locale chosen later)."""
        await self.db.execute(
            "INSERT INTO users (user_id, chat_id, created_at) "
            "VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
            "ON CONFLICT (user_id) DO NOTHING", (user_id, chat_id))
        user = await self.get(user_id)
        assert user is not None
        return user

    async def _set(self, user_id: int, column: str, value: object) -> None:
        assert column in {"locale", "country", "start_payload", "role", "chat_id", "active"}
        await self.db.execute(
            f"UPDATE users SET {column} = ?, updated_at = {_NOW} WHERE user_id = ?",
            (value, user_id))

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self._set(user_id, "locale", locale)

    async def set_country(self, user_id: int, country: str) -> None:
        await self._set(user_id, "country", country)

    async def set_chat(self, user_id: int, chat_id: int) -> None:
        await self._set(user_id, "chat_id", chat_id)

    async def set_start_payload(self, user_id: int, payload: str | None) -> None:
        await self._set(user_id, "start_payload", payload)

    async def set_role(self, user_id: int, role: str) -> None:
        if role not in ROLES:
            raise ValueError(role)
        await self._set(user_id, "role", role)

    async def set_active(self, user_id: int, active: bool) -> None:
        await self._set(user_id, "active", int(active))

    async def mark_privacy_seen(self, user_id: int) -> None:
        await self.db.execute(
            f"UPDATE users SET privacy_seen_at = COALESCE(privacy_seen_at, {_NOW}), "
            f"updated_at = {_NOW} WHERE user_id = ?", (user_id,))

    async def delete(self, user_id: int) -> bool:
        """Delete the user; every other table cascades from ``users``."""
        return await self.db.execute("DELETE FROM users WHERE user_id = ?", (user_id,)) > 0
