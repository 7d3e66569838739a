"""Trainer roles: admins (``ADMIN_IDS``) make trainers by one-time invite link or by user id,
and revoke them. Every grant and revoke is audited (who, whom, when, how).

The audit log outlives ``/forget`` on purpose: who gave whom access to officers' progress
must stay accountable.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from bot.config import Settings
from bot.store import Store
from bot.store.roles import RoleChange, Trainer
from bot.timeutil import Clock, iso

#: Deep-link payload prefix of a trainer invite: https://t.me/<bot>?start=tr_<code>
INVITE_PREFIX = "tr_"
INVITE_LIFETIME = timedelta(hours=72)


@dataclass(frozen=True)
class Invite:
    code: str
    expires_at: str

    @property
    def payload(self) -> str:
        return INVITE_PREFIX + self.code


class RoleService:
    def __init__(self, store: Store, settings: Settings, clock: Clock):
        self.store = store
        self.settings = settings
        self.clock = clock

    async def create_invite(self, admin_id: int) -> Invite:
        """A single-use trainer invite that expires after ``INVITE_LIFETIME``."""
        now = self.clock()
        code = secrets.token_urlsafe(16)  # 22 characters of A-Za-z0-9_-
        expires = iso(now + INVITE_LIFETIME)
        await self.store.roles.create_invite(code, admin_id, iso(now), expires)
        return Invite(code, expires)

    async def redeem(self, user_id: int, code: str) -> str:
        """Use a trainer invite: ``ok``, ``already`` (trainer or admin: the invite is kept
        for someone else), ``used``, ``expired`` or ``unknown``."""
        if user_id in self.settings.admin_ids:
            return "already"
        user = await self.store.users.get(user_id)
        if user is not None and user.role in ("trainer", "admin"):
            return "already"
        if await self.store.roles.redeem(code, user_id, iso(self.clock())) is not None:
            return "ok"
        invite = await self.store.roles.invite(code)
        if invite is None:
            return "unknown"
        return "used" if invite.used_at else "expired"

    async def grant(self, admin_id: int, user_id: int) -> str:
        """Make an existing user a trainer: ``ok``, ``unknown`` (never used the bot),
        ``admin`` (already an admin) or ``already``."""
        if user_id in self.settings.admin_ids:
            return "admin"
        user = await self.store.users.get(user_id)
        if user is None:
            return "unknown"
        if user.role in ("trainer", "admin"):
            return "already" if user.role == "trainer" else "admin"
        changed = await self.store.roles.set_role(admin_id, user_id, "trainer", via="id",
                                                  now=iso(self.clock()))
        return "ok" if changed else "already"

    async def revoke(self, admin_id: int, user_id: int) -> str:
        """Take the trainer role back: ``ok`` or ``not_trainer``. The trainer's cohorts stay
        (an admin sees them); broadcasts they scheduled are cancelled."""
        user = await self.store.users.get(user_id)
        if user is None or user.role != "trainer":
            return "not_trainer"
        if not await self.store.roles.set_role(admin_id, user_id, "officer", via="id",
                                               now=iso(self.clock())):
            return "not_trainer"
        await self.store.broadcasts.cancel_scheduled_of(user_id, iso(self.clock()))
        return "ok"

    async def trainers(self) -> list[Trainer]:
        return await self.store.roles.trainers()

    async def audit(self, limit: int = 10) -> list[RoleChange]:
        return await self.store.roles.audit(limit)
