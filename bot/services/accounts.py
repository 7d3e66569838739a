"""Accounts: first contact, language, country, privacy, roles, blocking and forgetting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.config import Settings
from bot.countries import is_valid as is_valid_country
from bot.i18n import SUPPORTED_LOCALES, locale_from_telegram
from bot.store import Store, User

#: Deep-link payloads: https://t.me/<bot>?start=<payload>
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Visitor:
    """Who sent the update: the stored user (if any) and the locale to answer in."""

    user: User | None
    locale: str


class AccountService:
    def __init__(self, store: Store, settings: Settings):
        self.store = store
        self.settings = settings

    def suggested_locale(self, language_code: str | None) -> str:
        return locale_from_telegram(language_code) or self.settings.default_locale

    async def visitor(self, user_id: int, language_code: str | None) -> Visitor:
        user = await self.store.users.get(user_id)
        locale = (user.locale if user and user.locale else None) or \
            self.suggested_locale(language_code)
        return Visitor(user, locale)

    async def start(self, user_id: int, chat_id: int, payload: str | None) -> User:
        """First contact or ``/start``: make sure the user exists; keep an invite payload."""
        changes: dict[str, object] = {"chat_id": chat_id, "active": 1}
        if payload and PAYLOAD.match(payload):
            changes["start_payload"] = payload
        return await self.store.users.update(user_id, chat_id, **changes)

    async def choose_locale(self, user_id: int, chat_id: int, locale: str) -> User | None:
        """Store the language; ``None`` when it is not one we offer (forged button)."""
        if locale not in SUPPORTED_LOCALES:
            return None
        return await self.store.users.update(user_id, chat_id, locale=locale)

    async def choose_country(self, user_id: int, chat_id: int, code: str) -> User | None:
        if not is_valid_country(code):
            return None
        return await self.store.users.update(user_id, chat_id, country=code)

    async def accept_privacy(self, user_id: int, chat_id: int) -> User:
        return await self.store.users.update(user_id, chat_id, privacy_seen=True)

    async def forget(self, user_id: int) -> bool:
        """Delete every row the bot holds about this user."""
        return await self.store.users.delete(user_id)

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        """The user blocked (or unblocked) the bot: stop (or resume) sending."""
        if await self.store.users.get(user_id) is not None:
            await self.store.users.set_active(user_id, not blocked)

    async def reactivate(self, user: User) -> User:
        """An officer marked inactive (blocked the bot, or unreachable) wrote or pressed a
        button: reachable again, so reminders and broadcasts resume."""
        await self.store.users.set_active(user.user_id, True)
        return await self.store.users.get(user.user_id) or user

    def role(self, user: User | None, user_id: int) -> str:
        """The effective role: ADMIN_IDS always count as admin."""
        if user_id in self.settings.admin_ids:
            return "admin"
        return user.role if user else "officer"

    def is_admin(self, user: User | None, user_id: int) -> bool:
        return self.role(user, user_id) == "admin"

    def is_trainer(self, user: User | None, user_id: int) -> bool:
        return self.role(user, user_id) in ("trainer", "admin")
