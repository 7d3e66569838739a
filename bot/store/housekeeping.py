"""Leftovers that grow with use and serve no one after a while, deleted in small batches."""

from __future__ import annotations

import sqlite3

from bot.store.db import Database


class HousekeepingRepo:
    def __init__(self, db: Database):
        self.db = db

    async def prune_rounds(self, started_before: str, limit: int) -> int:
        """Delete up to ``limit`` quiz rounds begun before ``started_before`` (UTC ISO),
        finished or not; their question showings go with them (ON DELETE CASCADE, indexed).
        Returns how many rounds were deleted."""
        def prune(tx: sqlite3.Connection) -> int:
            return tx.execute(
                "DELETE FROM quiz_sessions WHERE id IN (SELECT id FROM quiz_sessions "
                "WHERE created_at < ? LIMIT ?)", (started_before, limit)).rowcount

        return await self.db.write(prune)
