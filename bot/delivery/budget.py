"""Telegram's sending limits as one shared budget: overall, per chat, and 429 pauses.

Telegram allows a bot about 30 messages a second overall, about one a second to one private
chat and about 20 a minute to one group (negative chat ids). A 429 answer carries
``retry_after``: the whole bot should then wait.

``SendBudget`` keeps those limits for the outbox sender, and lets interactive traffic (answers
to officers, which must stay fast) take its share first: an interactive message never waits
for the budget, it only *uses* a slot, and the sender sends in the slots that are left. Time is
the event loop's monotonic clock.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass(frozen=True)
class SendLimits:
    #: messages a second, all chats together
    overall_per_second: float = 30.0
    #: seconds between two messages to one private chat
    private_interval: float = 1.0
    #: messages a minute to one group chat
    group_per_minute: float = 20.0
    #: how many slots may be saved up while idle (smooths timer jitter, never more than this)
    burst: float = 4.0

    def interval(self, chat_id: int) -> float:
        return 60.0 / self.group_per_minute if chat_id < 0 else self.private_interval

    def scaled(self, factor: float) -> SendLimits:
        """The same limits ``factor`` times faster (benchmarks that compress time)."""
        return SendLimits(self.overall_per_second * factor, self.private_interval / factor,
                          self.group_per_minute * factor, self.burst * factor)


class SendBudget:
    """A token bucket for the overall rate, a next-free time per chat, and a pause."""

    def __init__(self, limits: SendLimits | None = None):
        self.limits = limits or SendLimits()
        self._tokens = 1.0
        self._stamp: float | None = None
        self._chat_free: dict[int, float] = {}
        self._paused_until = 0.0
        self._unpaused = asyncio.Event()
        self._unpaused.set()
        self._timer: asyncio.TimerHandle | None = None
        self.pauses = 0  # how many 429s paused the budget (for reports and the benchmark)

    @staticmethod
    def now() -> float:
        return asyncio.get_running_loop().time()

    def _refill(self, now: float) -> None:
        rate = self.limits.overall_per_second
        if self._stamp is not None:
            self._tokens = min(self.limits.burst, self._tokens + (now - self._stamp) * rate)
        self._stamp = now

    # --- pauses (429) -------------------------------------------------------------------
    def pause(self, seconds: float) -> None:
        """Telegram said "retry after": nobody sends until then."""
        now = self.now()
        until = now + max(0.0, seconds)
        if until > self._paused_until:
            if self._paused_until <= now:  # a new pause, not the same 429 seen twice
                self.pauses += 1
            self._paused_until = until
            self._unpaused.clear()
            if self._timer is not None:
                self._timer.cancel()
            self._timer = asyncio.get_running_loop().call_at(until, self._unpaused.set)

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self.now())

    async def wait_unpaused(self) -> None:
        await self._unpaused.wait()

    # --- per chat -----------------------------------------------------------------------
    def chat_ready_in(self, chat_id: int) -> float:
        """Seconds until ``chat_id`` may get its next message (0 when it may now)."""
        return max(0.0, self._chat_free.get(chat_id, 0.0) - self.now())

    def _use_chat(self, chat_id: int, now: float) -> None:
        self._chat_free[chat_id] = max(self._chat_free.get(chat_id, 0.0), now) + \
            self.limits.interval(chat_id)
        if len(self._chat_free) > 4096:  # forget chats whose interval is long over
            for key in [k for k, t in self._chat_free.items() if t <= now]:
                del self._chat_free[key]

    # --- slots --------------------------------------------------------------------------
    def note_interactive(self, chat_id: int | None) -> None:
        """An answer to an officer went out: it takes a slot without waiting (the bucket may
        go below zero, and the sender then waits for it to refill)."""
        now = self.now()
        self._refill(now)
        self._tokens -= 1.0
        if chat_id is not None:
            self._use_chat(chat_id, now)

    async def acquire(self, chat_id: int) -> None:
        """Wait for a slot for a bulk message to ``chat_id`` (call only when
        ``chat_ready_in`` is 0) and take it."""
        while True:
            await self.wait_unpaused()
            now = self.now()
            self._refill(now)
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                self._use_chat(chat_id, now)
                return
            await asyncio.sleep((1.0 - self._tokens) / self.limits.overall_per_second)
