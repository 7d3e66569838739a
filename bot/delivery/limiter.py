"""The bot's rate limiter: PTB's ``AIORateLimiter`` for answers, the send budget for bulk.

Two kinds of traffic share Telegram's limits:

* **Answers to officers** (handlers) go through PTB's ``AIORateLimiter`` as before (30/s
  overall, 20/min per group, up to ``max_retries`` retries after a 429), and each one that
  goes to a chat is noted in the ``SendBudget``, so that the outbox sender sends only in the
  slots the answers leave free: answers never queue behind a broadcast.
* **Outbox sends** are tagged ``rate_limit_args=OUTBOX``. They skip ``AIORateLimiter``'s
  limiter and retries (the sender paces them with the budget, and on a 429 puts the row back
  itself, so a retry is never hidden inside a call that holds a row), but they wait while the
  budget is paused.

A 429 on either path pauses both: the budget (and so the sender) and ``AIORateLimiter``'s own
pause for answers. One flood limit is per bot, so one pause for everything is right.
"""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.delivery.budget import SendBudget

#: ``rate_limit_args`` of outbox sends
OUTBOX = "outbox"


def retry_after_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds (an int in PTB 22, a timedelta from PTB 23)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class BotRateLimiter(BaseRateLimiter[str]):
    def __init__(self, budget: SendBudget, *, max_retries: int = 2):
        self.budget = budget
        limits = budget.limits
        self.answers = AIORateLimiter(overall_max_rate=limits.overall_per_second,
                                      group_max_rate=limits.group_per_minute,
                                      max_retries=max_retries)

    async def initialize(self) -> None:
        await self.answers.initialize()

    async def shutdown(self) -> None:
        await self.answers.shutdown()

    async def process_request(
        self, callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[Any]]],
        args: Any, kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[Any]:
        if rate_limit_args == OUTBOX:
            await self.budget.wait_unpaused()
            return await self._paused_on_429(callback, *args, **kwargs)
        chat_id = data.get("chat_id")
        if chat_id is not None:
            with contextlib.suppress(TypeError, ValueError):
                self.budget.note_interactive(int(chat_id))

        async def answer(*a: Any, **kw: Any) -> Any:
            await self.budget.wait_unpaused()
            return await self._paused_on_429(callback, *a, **kw)
        return await self.answers.process_request(answer, args, kwargs, endpoint, data, None)

    async def _paused_on_429(self, callback: Callable[..., Coroutine[Any, Any, Any]],
                             *args: Any, **kwargs: Any) -> Any:
        try:
            return await callback(*args, **kwargs)
        except RetryAfter as exc:
            self.budget.pause(retry_after_seconds(exc))
            raise
