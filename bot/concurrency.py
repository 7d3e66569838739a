"""Many officers at once, each officer's updates in order, and a limit for floods.

``PerUserUpdateProcessor`` is python-telegram-bot's mechanism for concurrent updates (a
``BaseUpdateProcessor`` given to ``ApplicationBuilder().concurrent_updates``): updates from
different users run concurrently, at most ``max_running`` at a time, while one user's updates
run one after another in the order they arrived (a lock per user, or per chat for updates
without a user), so a double press or a fast Next-Next can never interleave. Waiting for one's
own earlier update does not take a running slot: one busy officer cannot hold others up.

``UpdateLimiter`` is a token bucket per user, checked when an update arrives (before it
waits for the user's earlier updates): ``burst`` updates at once, then ``rate`` a second.
Past that an update does no work at all (a refused button press is only answered, so that
it stops spinning); the first one refused gets a polite note
(``on_limited``), the rest of the flood is dropped silently until the bucket refills.

Both keep state only for users with work in flight (locks) or seen in the last
``burst / rate`` seconds (buckets), so memory stays flat however many officers write and
however fast one of them floods.

``Application.process_update`` (the tests' entry point) bypasses the processor; the updater
(polling or webhook) feeds ``Application.update_queue``, which the processor governs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

#: Updates being handled at once (different users). Each mostly waits on Telegram.
MAX_RUNNING = 64
#: Updates admitted and not finished (running, or waiting for the same user's earlier ones)
#: before newer ones wait in arrival order for room.
MAX_IN_FLIGHT = 4096


def update_key(update: object) -> Hashable | None:
    """Whose updates must stay in order: the user's, else the chat's; ``None``: no order."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    return None


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    noted: bool = False


class UpdateLimiter:
    """A token bucket per key: ``burst`` updates at once, refilled at ``rate`` per second."""

    ADMIT, NOTE, DROP = "admit", "note", "drop"

    def __init__(self, rate: float = 1.0, burst: int = 20,
                 clock: Callable[[], float] = time.monotonic):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate, self.burst, self.clock = rate, float(burst), clock
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    def __len__(self) -> int:
        return len(self._buckets)

    def check(self, key: Hashable) -> str:
        """``ADMIT`` (do the work), ``NOTE`` (refuse, and say so once), ``DROP`` (refuse)."""
        now = self.clock()
        self._sweep(now)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            self._buckets.move_to_end(key)
        if bucket.tokens >= self.burst:
            bucket.noted = False  # refilled: a new flood gets a new note
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return self.ADMIT
        if bucket.noted:
            return self.DROP
        bucket.noted = True
        return self.NOTE

    def _sweep(self, now: float) -> None:
        """Forget buckets that have refilled: they hold nothing a new bucket would not.
        The least recently used come first; stop at the first one still refilling."""
        while self._buckets:
            key, bucket = next(iter(self._buckets.items()))
            if bucket.tokens + (now - bucket.stamp) * self.rate < self.burst:
                return
            del self._buckets[key]


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across users, in order within a user, bounded; see the module docstring.

    ``on_limited(update)`` is awaited (in the user's order, holding a running slot) for the
    first update of a flood that the limiter refuses; it must not raise."""

    def __init__(self, max_running: int = MAX_RUNNING, *, limiter: UpdateLimiter | None = None,
                 on_limited: Callable[[Update], Awaitable[None]] | None = None,
                 max_in_flight: int = MAX_IN_FLIGHT):
        super().__init__(max(max_in_flight, max_running))
        self.max_running = max_running
        self.limiter = limiter
        self.on_limited = on_limited
        self._running = asyncio.BoundedSemaphore(max_running)
        self._locks: dict[Hashable, list[Any]] = {}  # key: [lock, holders and waiters]
        self.refused = 0

    @property
    def keys_in_flight(self) -> int:
        """Users (or chats) with an update running or waiting: the size of the lock table."""
        return len(self._locks)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = update_key(update)
        if key is not None and self.limiter is not None:
            verdict = self.limiter.check(key)
            if verdict != UpdateLimiter.ADMIT:
                self.refused += 1
                coroutine.close()  # type: ignore[attr-defined]  # no work at all
                if verdict == UpdateLimiter.NOTE and self.on_limited is not None:
                    await self._in_order(key, self._note(update))  # type: ignore[arg-type]
                elif isinstance(update, Update) and update.callback_query is not None:
                    await _stop_spinner(update)  # no note again, but no spinning button
                return
        await self._in_order(key, coroutine)

    async def _note(self, update: Update) -> None:
        try:
            await self.on_limited(update)  # type: ignore[misc]
        except Exception:  # a note that fails must not break the processor
            log.exception("Could not send the flood note")

    async def _in_order(self, key: Hashable | None, coroutine: Awaitable[Any]) -> None:
        if key is None:
            async with self._running:
                await coroutine
            return
        entry = self._locks.get(key)
        if entry is None:
            entry = self._locks[key] = [asyncio.Lock(), 0]
        entry[1] += 1
        try:
            async with entry[0], self._running:
                await coroutine
        finally:
            entry[1] -= 1
            if entry[1] == 0:
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up: locks and buckets are made as users appear."""

    async def shutdown(self) -> None:
        """Nothing to free: the application waits for updates in flight before this."""


async def _stop_spinner(update: Update) -> None:
    """Answer a refused button press with nothing, so that it stops spinning on the phone."""
    try:
        await update.callback_query.answer()  # type: ignore[union-attr]
    except TelegramError as exc:
        log.info("Refused button press not answered: %s", type(exc).__name__)
