"""Who a broadcast reaches: onboarded users selected by cohort, country, language or all,
optionally narrowed by learning activity or reviews due."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from bot.store.cohorts import active_since_sql
from bot.store.db import Database


@dataclass(frozen=True)
class Recipient:
    user_id: int
    chat_id: int
    locale: str
    active: bool  # False: the officer blocked the bot


class AudienceRepo:
    def __init__(self, db: Database):
        self.db = db

    async def recipients(self, *, cohorts: Sequence[int] | None = None,
                         country: str | None = None, locale: str | None = None,
                         inactive_since: str | None = None, due_at: str | None = None,
                         user_ids: Sequence[int] | None = None) -> list[Recipient]:
        """Onboarded users matching every criterion given (none given: everyone)."""
        where = ["u.locale IS NOT NULL", "u.privacy_seen_at IS NOT NULL"]
        args: dict[str, object] = {}
        if cohorts is not None:
            where.append("u.user_id IN (SELECT m.user_id FROM cohort_members m WHERE "
                         "m.cohort_id IN (SELECT value FROM json_each(:cohorts)))")
            args["cohorts"] = json.dumps([int(c) for c in cohorts])
        if user_ids is not None:
            where.append("u.user_id IN (SELECT value FROM json_each(:users))")
            args["users"] = json.dumps([int(u) for u in user_ids])
        if country is not None:
            where.append("u.country = :country")
            args["country"] = country
        if locale is not None:
            where.append("u.locale = :locale")
            args["locale"] = locale
        if inactive_since is not None:
            where.append("NOT " + active_since_sql("u.user_id", ":since"))
            args["since"] = inactive_since
        if due_at is not None:
            where.append("EXISTS (SELECT 1 FROM quiz_cards q WHERE q.user_id = u.user_id "
                         "AND q.due <= :due)")
            args["due"] = due_at
        rows = await self.db.fetchall(
            "SELECT u.user_id, u.chat_id, u.locale, u.active FROM users u WHERE "
            + " AND ".join(where) + " ORDER BY u.user_id", args)
        return [Recipient(r["user_id"], r["chat_id"], r["locale"], bool(r["active"]))
                for r in rows]

    async def cards(self, user_ids: Sequence[int], item_ids: Sequence[str]
                    ) -> list[tuple[int, str]]:
        """(user id, FSRS card JSON) of the given users for the given quiz items."""
        rows = await self.db.fetchall(
            "SELECT user_id, card_json FROM quiz_cards WHERE user_id IN (SELECT value FROM "
            "json_each(:users)) AND item_id IN (SELECT value FROM json_each(:items))",
            {"users": json.dumps([int(u) for u in user_ids]), "items": json.dumps(list(item_ids))})
        return [(r["user_id"], r["card_json"]) for r in rows]
