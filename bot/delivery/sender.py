"""The outbox sender: one task that delivers every queued bulk message within Telegram's limits.

It claims small batches of due rows, renders each at send time (the kind's renderer), waits
for a slot in the ``SendBudget`` (overall rate, one chat's interval) and sends, with several
sends in flight so that 30 messages a second get out even when one Bot API call takes 300 ms.
Each outcome is written as soon as the call returns:

* sent: done; 429: the whole sender (and every answer) pauses for ``retry_after`` and the row
  goes back to the queue, not counted as an attempt; 403: ``blocked`` and the officer is marked
  inactive; 400: ``failed`` at once with Telegram's reason ("chat not found" also marks the
  officer inactive); timeouts, 5xx and other network errors: retried with exponential backoff,
  ``failed`` with the last reason after ``max_attempts``; a group that became a supergroup is
  retried at its new id.
* A crash leaves claimed rows ``sending``; ``start`` puts them back, so only the calls that
  were in flight at the crash (at most ``max_in_flight``, one second's worth) can be
  delivered twice.

Sends use a long read timeout (``read_timeout``): a slow answer from Telegram is waited for,
not taken for a failure and sent again.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import Message
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.delivery.budget import SendBudget
from bot.delivery.limiter import OUTBOX, retry_after_seconds
from bot.store.outbox import OutboxRepo, OutboxRow, Outcome
from bot.timeutil import Clock, iso, parse_iso

log = logging.getLogger(__name__)

#: Seconds to wait for Telegram's answer to one send before calling it a timeout.
SEND_READ_TIMEOUT = 30.0
MAX_ATTEMPTS = 6
BACKOFF_FIRST = timedelta(minutes=1)  # then 2, 4, 8, 16 minutes
UNREACHABLE = ("chat not found", "user is deactivated", "peer_id_invalid")


@dataclass(frozen=True)
class Outgoing:
    """A rendered message: the PTB ``Bot`` method and its arguments (``chat_id`` is added).
    ``on_sent`` is awaited with the sent message (e.g. to remember a poll's id)."""

    method: str
    kwargs: dict[str, Any]
    on_sent: Callable[[Any], Awaitable[None]] | None = None


@dataclass(frozen=True)
class Skip:
    """Nothing to send to this recipient now (e.g. no question due): the row is ``skipped``."""

    reason: str


Renderer = Callable[[OutboxRow], Awaitable[Outgoing | Skip]]
SEND_METHODS = frozenset({"send_message", "send_poll", "send_photo", "send_document"})


class OutboxSender:
    def __init__(self, outbox: OutboxRepo, budget: SendBudget, clock: Clock, *,
                 batch: int = 20, max_in_flight: int | None = None,
                 read_timeout: float = SEND_READ_TIMEOUT, max_attempts: int = MAX_ATTEMPTS,
                 idle_poll: float = 1.0):
        self.outbox = outbox
        self.budget = budget
        self.clock = clock
        self.batch = batch
        #: calls in flight at most: one second's worth of the overall rate, so that the rate
        #: is reached even when Telegram takes most of a second to answer; also the most
        #: messages a crash can duplicate
        self.max_in_flight = max_in_flight or max(batch, math.ceil(
            budget.limits.overall_per_second))
        self.read_timeout = read_timeout
        self.max_attempts = max_attempts
        self.idle_poll = idle_poll
        self.renderers: dict[str, Renderer] = {}
        #: outcomes since start: final states, "retried" and "rate_limited"
        self.counts: Counter[str] = Counter()
        self.wakeup = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._in_flight: dict[int, tuple[int, asyncio.Task]] = {}  # row id -> (chat, task)
        self._deferred: list[tuple[float, int, OutboxRow]] = []  # (ready at, seq, row)
        self._held: set[int] = set()  # ids of rows claimed and not yet finished
        self._seq = itertools.count()

    # --- set-up -------------------------------------------------------------------------
    def register(self, kind: str, renderer: Renderer) -> None:
        """Say how rows of ``kind`` are rendered at send time."""
        self.renderers[kind] = renderer

    def wake(self) -> None:
        """New rows were queued: look now instead of at the next poll."""
        self.wakeup.set()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self, bot: Any) -> None:
        """Put back rows a previous run left in flight, then send in the background."""
        reset = await self.outbox.reset_in_flight()
        if reset:
            log.warning("Outbox: %d message(s) were in flight at the last stop; queued again",
                        reset)
        self._stopping = False
        self._task = asyncio.create_task(self._run(bot), name="outbox-sender")

    async def stop(self, grace: float = 10.0) -> None:
        """Stop claiming, let the sends in flight finish (up to ``grace`` seconds), and put
        rows that were waiting for their chat back in the queue."""
        self._stopping = True
        self.wake()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError, asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._task), grace)
            if not self._task.done():
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
            self._task = None
        await self._settle(grace)

    async def drain(self, bot: Any) -> int:
        """Send everything that is due now and wait for it (tests, the demo's end, tools).
        Not while the background task runs. Returns how many messages were sent."""
        assert not self.running, "drain() is for when the background sender is not running"
        before = self.counts["sent"]
        try:
            while True:
                busy = await self._step(bot)
                if busy:
                    continue
                if self._in_flight:
                    await asyncio.wait([t for _, t in self._in_flight.values()],
                                       return_when=asyncio.FIRST_COMPLETED)
                elif self._deferred:
                    await asyncio.sleep(max(0.0, self._deferred[0][0] - self.budget.now()))
                else:
                    break
        except asyncio.CancelledError:
            self._crash()
            raise
        await self._settle(30.0)
        return self.counts["sent"] - before

    async def idle(self, within: float = 60.0) -> bool:
        """Wait (with the background task running) until nothing is due or in flight, for
        at most ``within`` seconds; False if that did not happen in time."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while loop.time() < deadline:
            next_due = await self.outbox.next_due()
            due_now = next_due is not None and parse_iso(next_due) <= self.clock()
            if not due_now and not self._held:
                return True
            await asyncio.sleep(0.1)
        return False

    # --- the loop -----------------------------------------------------------------------
    async def _run(self, bot: Any) -> None:
        try:
            while not self._stopping:
                self.wakeup.clear()  # a wake() from now on is seen by the wait below
                try:
                    busy = await self._step(bot)
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("Outbox sender step failed; trying again shortly")
                    busy = False
                    await asyncio.sleep(self.idle_poll)
                if not busy and not self._stopping:
                    await self._idle_wait()
        except asyncio.CancelledError:
            self._crash()
            raise

    def _crash(self) -> None:
        """Cancelled: as far as the outbox knows, a crash. Calls in flight die with us; their
        rows (and those waiting for their chat) stay "sending" and go back to the queue at
        the next start, so only a call that reached Telegram can be repeated."""
        for _, task in self._in_flight.values():
            task.cancel()
        self._deferred.clear()
        self._held.clear()

    async def _idle_wait(self) -> None:
        wait = self.idle_poll
        if self._deferred:
            wait = min(wait, max(0.0, self._deferred[0][0] - self.budget.now()))
        tasks = [t for _, t in self._in_flight.values()]
        waiter = asyncio.ensure_future(self.wakeup.wait())
        try:
            await asyncio.wait([waiter, *tasks], timeout=wait,
                               return_when=asyncio.FIRST_COMPLETED)
        finally:
            waiter.cancel()

    async def _step(self, bot: Any) -> bool:
        """Dispatch what is ready; returns False when there was nothing to do."""
        await self.budget.wait_unpaused()
        if len(self._in_flight) >= self.max_in_flight:
            await asyncio.wait([t for _, t in self._in_flight.values()],
                               return_when=asyncio.FIRST_COMPLETED)
            return True
        now = self.budget.now()
        if self._deferred and self._deferred[0][0] <= now:
            _, seq, row = heapq.heappop(self._deferred)
            wait = self.budget.chat_ready_in(row.chat_id)
            if wait > 0:  # another message to this chat went first: its turn comes later
                heapq.heappush(self._deferred, (now + wait, seq, row))
            else:
                await self._dispatch(bot, row)
            return True
        busy_chats = {chat for chat, _ in self._in_flight.values()}
        busy_chats.update(row.chat_id for _, _, row in self._deferred)
        room = min(self.batch, self.max_in_flight - len(self._in_flight))
        rows = await self.outbox.claim(iso(self.clock()), room, busy_chats)
        self._held.update(row.id for row in rows)
        for row in rows:
            wait = self.budget.chat_ready_in(row.chat_id)
            if wait > 0 or row.chat_id in busy_chats:
                heapq.heappush(self._deferred, (self.budget.now() + max(
                    wait, self.budget.limits.interval(row.chat_id)), next(self._seq), row))
            else:
                busy_chats.add(row.chat_id)
                await self._dispatch(bot, row)
        return bool(rows)

    async def _dispatch(self, bot: Any, row: OutboxRow) -> None:
        """Check, render, wait for a slot, and start the send (not waiting for Telegram)."""
        if row.user_id is not None and row.user_active is not True:
            # blocked the bot (or deleted meanwhile): no call at all
            await self._finish(row, Outcome(row.id, "blocked", "inactive"))
            return
        if row.expires_at is not None and parse_iso(row.expires_at) <= self.clock():
            await self._finish(row, Outcome(row.id, "expired", "too late"))
            return
        renderer = self.renderers.get(row.kind)
        try:
            if renderer is None:
                raise LookupError(f"no renderer for outbox kind {row.kind!r}")
            rendered = await renderer(row)
        except Exception as exc:
            log.exception("Outbox row %d could not be rendered", row.id)
            await self._finish(row, self._retry(row, f"render: {type(exc).__name__}"))
            return
        if isinstance(rendered, Skip):
            await self._finish(row, Outcome(row.id, "skipped", rendered.reason))
            return
        if rendered.method not in SEND_METHODS:
            await self._finish(row, Outcome(row.id, "failed", f"method {rendered.method}"))
            return
        await self.budget.acquire(row.chat_id)
        task = asyncio.create_task(self._send(bot, row, rendered))
        self._in_flight[row.id] = (row.chat_id, task)
        task.add_done_callback(lambda _t, rid=row.id: self._in_flight.pop(rid, None))

    async def _send(self, bot: Any, row: OutboxRow, out: Outgoing) -> None:
        kwargs = dict(out.kwargs, chat_id=row.chat_id, read_timeout=self.read_timeout)
        if getattr(bot, "rate_limiter", None) is not None:
            kwargs["rate_limit_args"] = OUTBOX
        try:
            message = await getattr(bot, out.method)(**kwargs)
        except RetryAfter as exc:
            seconds = retry_after_seconds(exc)
            self.budget.pause(seconds)
            self.counts["rate_limited"] += 1
            log.warning("Outbox: Telegram asked to wait %.0f s; all sending paused", seconds)
            outcome = Outcome(row.id, "pending", "429", next_attempt_at=iso(self.clock()),
                              count_attempt=False)
        except ChatMigrated as exc:
            outcome = Outcome(row.id, "pending", "migrated", next_attempt_at=iso(self.clock()),
                              count_attempt=False, new_chat_id=int(exc.new_chat_id))
        except Forbidden as exc:
            outcome = Outcome(row.id, "blocked", _reason(exc), deactivate_user=row.user_id)
        except BadRequest as exc:  # a permanent refusal: retrying cannot help
            reason = _reason(exc)
            unreachable = any(text in reason.lower() for text in UNREACHABLE)
            outcome = Outcome(row.id, "failed", reason,
                              deactivate_user=row.user_id if unreachable else None)
            log.warning("Outbox row %d refused by Telegram: %s", row.id, reason)
        except (TelegramError, OSError) as exc:  # timeouts, 5xx, network: retry later
            outcome = self._retry(row, _reason(exc))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # a bug must not stop the other recipients
            log.exception("Outbox row %d: unexpected error while sending", row.id)
            outcome = self._retry(row, type(exc).__name__)
        else:
            outcome = Outcome(row.id, "sent",
                              message_id=message.message_id if isinstance(message, Message)
                              else None)
            if out.on_sent is not None:
                try:
                    await out.on_sent(message)
                except Exception:
                    log.exception("Outbox row %d: on_sent hook failed", row.id)
        await self._finish(row, outcome)

    def _retry(self, row: OutboxRow, reason: str) -> Outcome:
        attempts = row.attempts + 1
        if attempts >= self.max_attempts:
            return Outcome(row.id, "failed", reason)
        delay = BACKOFF_FIRST * (2 ** (attempts - 1)) * random.uniform(0.9, 1.1)
        return Outcome(row.id, "pending", reason, next_attempt_at=iso(self.clock() + delay))

    async def _finish(self, row: OutboxRow, outcome: Outcome) -> None:
        self._held.discard(row.id)
        if outcome.state != "pending":
            self.counts[outcome.state] += 1
        elif outcome.count_attempt:
            self.counts["retried"] += 1
        try:
            await self.outbox.finish([outcome], iso(self.clock()))
        except Exception:
            # The row stays "sending" and is queued again at the next start.
            log.exception("Outbox row %d: outcome %s not recorded", row.id, outcome.state)

    async def _settle(self, grace: float) -> None:
        """Wait for sends in flight; put rows still waiting for their chat back."""
        tasks = [t for _, t in self._in_flight.values()]
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=grace)
            for task in pending:
                task.cancel()
        if self._deferred:
            rows = [row for _, _, row in self._deferred]
            self._deferred.clear()
            self._held.difference_update(row.id for row in rows)
            with contextlib.suppress(Exception):
                await self.outbox.finish(
                    [Outcome(r.id, "pending", None, count_attempt=False) for r in rows],
                    iso(self.clock()))


def _reason(exc: BaseException) -> str:
    """Telegram's description of an error (it names no user), kept short."""
    return (str(exc) or type(exc).__name__)[:200]
