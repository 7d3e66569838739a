"""Housekeeping: delete quiz rounds nobody can use any more, a little at a time.

A quiz round (``quiz_sessions``) and the showings of its questions (``quiz_presentations``)
exist so that an officer can answer the question on screen, press Next, and see the summary.
``ROUND_RETENTION`` after a round began, finished or abandoned, nobody is answering it: it is
deleted, and a button of it that is still pressed gets the usual "this button is no longer
valid" answer. What an answer taught the scheduler stays: the FSRS cards, the review log (every
answer with its time), card views and lesson progress are never pruned (the reports use them
for activity and retention).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from bot.store import Store
from bot.timeutil import Clock, iso

log = logging.getLogger(__name__)

ROUND_RETENTION = timedelta(days=7)
#: Rounds per transaction: each is a few milliseconds, so other officers' reads and writes,
#: queued meanwhile on the same database thread, wait no longer than that.
BATCH = 50


class Housekeeping:
    def __init__(self, store: Store, clock: Clock):
        self.store = store
        self.clock = clock

    async def prune(self) -> int:
        """Delete every round begun more than ``ROUND_RETENTION`` ago; returns how many."""
        before = iso(self.clock() - ROUND_RETENTION)
        total = 0
        while True:
            deleted = await self.store.housekeeping.prune_rounds(before, BATCH)
            total += deleted
            if deleted < BATCH:
                break
            await asyncio.sleep(0)  # let the officers' updates run between batches
        if total:
            log.info("Pruned %d old quiz rounds", total)
        return total
