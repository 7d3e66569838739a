"""Cohorts: a trainer gathers officers with an invite link; officers can leave.

The invite link is ``https://t.me/<bot>?start=co_<code>`` with a random 128-bit code; rotating
it makes the old link stop working, closing the cohort stops new members joining. Members are
deleted with the officer (``/forget``) or the cohort. For other features: ``of_officer`` and
``of_trainer`` give cohort membership both ways, ``member_ids`` the officers of cohorts.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from bot.countries import is_valid as is_valid_country
from bot.store import Store
from bot.store.cohorts import Cohort, Member
from bot.timeutil import Clock, iso

#: Deep-link payload prefix of a cohort invite: https://t.me/<bot>?start=co_<code>
INVITE_PREFIX = "co_"
MAX_NAME = 64
ACTIVE_DAYS = 7  # "active" in cohort lists: learning activity in the last 7 days
PAGE = 10

_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")
_DMY = re.compile(r"^\s*(\d{1,2})[./](\d{1,2})[./](\d{4})\s*$")


def parse_date(text: str) -> date | None:
    """``2026-05-12``, ``12.05.2026`` or ``12/05/2026`` (digits of any script); else None."""
    match = _ISO.match(text or "")
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = _DMY.match(text or "")
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    return None


def clean_name(text: str) -> str | None:
    """A cohort name on one line, at most ``MAX_NAME`` characters; None when empty or
    too long."""
    name = " ".join((text or "").split())
    return name if 0 < len(name) <= MAX_NAME else None


@dataclass(frozen=True)
class Joined:
    status: str  # ok | already | closed | unknown | own
    cohort: Cohort | None = None


class CohortService:
    def __init__(self, store: Store, clock: Clock):
        self.store = store
        self.clock = clock

    def _active_since(self) -> str:
        return iso(self.clock() - timedelta(days=ACTIVE_DAYS))

    async def create(self, trainer_id: int, name: str, country: str,
                     starts_on: date | None) -> Cohort:
        assert clean_name(name) == name and is_valid_country(country)
        return await self.store.cohorts.create(
            trainer_id, name, country, starts_on.isoformat() if starts_on else None,
            secrets.token_urlsafe(16), iso(self.clock()))

    async def listed(self, user_id: int, *, admin: bool, page: int = 0) -> list[Cohort]:
        """A trainer's own cohorts; an admin's view is every cohort (a page at a time)."""
        if admin:
            return await self.store.cohorts.all(self._active_since(), offset=page * PAGE,
                                                limit=PAGE)
        return await self.store.cohorts.of_trainer(user_id, self._active_since())

    async def count(self, user_id: int, *, admin: bool) -> int:
        return await self.store.cohorts.count(None if admin else user_id)

    async def get(self, cohort_id: int, user_id: int, *, admin: bool) -> Cohort | None:
        """The cohort if this user may manage it: its trainer, or an admin."""
        cohort = await self.store.cohorts.get(cohort_id, since=self._active_since())
        if cohort is None or (cohort.trainer_id != user_id and not admin):
            return None
        return cohort

    async def rename(self, cohort: Cohort, name: str) -> bool:
        return await self.store.cohorts.rename(cohort.id, name)

    async def close(self, cohort: Cohort) -> bool:
        return await self.store.cohorts.close(cohort.id, iso(self.clock()))

    async def rotate(self, cohort: Cohort) -> str:
        """A new invite code; the old link stops working."""
        code = secrets.token_urlsafe(16)
        await self.store.cohorts.set_code(cohort.id, code)
        return code

    async def members(self, cohort: Cohort, page: int = 0) -> list[Member]:
        return await self.store.cohorts.members(cohort.id, offset=page * PAGE, limit=PAGE)

    async def remove_member(self, cohort: Cohort, user_id: int) -> bool:
        return await self.store.cohorts.leave(cohort.id, user_id)

    # --- officers -----------------------------------------------------------------------
    async def join(self, user_id: int, code: str) -> Joined:
        cohort = await self.store.cohorts.by_code(code)
        if cohort is None:
            return Joined("unknown")
        if cohort.trainer_id == user_id:
            return Joined("own", cohort)
        if cohort.closed:
            return Joined("closed", cohort)
        if await self.store.cohorts.join(cohort.id, user_id, iso(self.clock())):
            return Joined("ok", cohort)
        return Joined("already" if await self.store.cohorts.is_member(cohort.id, user_id)
                      else "closed", cohort)

    async def of_officer(self, user_id: int) -> list[Cohort]:
        """The cohorts an officer is in."""
        return await self.store.cohorts.of_officer(user_id)

    async def of_trainer(self, trainer_id: int) -> list[Cohort]:
        """A trainer's cohorts, with member counts."""
        return await self.store.cohorts.of_trainer(trainer_id, self._active_since())

    async def member_ids(self, cohort_ids: list[int]) -> list[int]:
        return await self.store.cohorts.member_ids(cohort_ids)

    async def leave(self, user_id: int, cohort_id: int) -> bool:
        return await self.store.cohorts.leave(cohort_id, user_id)
