"""Queue bulk messages for the outbox sender: the one way to send to many chats.

Everything that sends to many chats (daily reminders, broadcasts, and later a class quiz's
polls and debrief in a group) puts rows in the outbox and lets the sender deliver them within
Telegram's limits. Rows are rendered at send time by the renderer registered for their kind
(``bot/delivery/render.py``); ``RAW`` rows carry a message already rendered.

Group chats (negative chat ids) get Telegram's group budget (about 20 messages a minute per
group), private chats one message a second, all of them together 30 a second, shared with the
bot's answers to officers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.store import Store
from bot.store.outbox import NewMessage
from bot.timeutil import Clock, iso

if TYPE_CHECKING:
    from bot.delivery.sender import OutboxSender

#: An already-rendered message: payload ``{"method": "send_message" | "send_poll" | ...,
#: "kwargs": {...}}`` with the arguments of that PTB ``Bot`` method (without ``chat_id``).
RAW = "raw"


class OutboxService:
    def __init__(self, store: Store, clock: Clock, sender: OutboxSender):
        self.store = store
        self.clock = clock
        self.sender = sender

    async def enqueue(self, messages: Sequence[NewMessage]) -> int:
        """Queue messages (one transaction) and wake the sender; returns how many were
        queued (a broadcast's recipient already queued is not queued again)."""
        added = await self.store.outbox.enqueue(messages, iso(self.clock()))
        self.sender.wake()
        return added

    async def post(self, chat_id: int, method: str, kwargs: dict[str, Any], *,
                   user_id: int | None = None) -> int:
        """Queue one ready-made message, e.g. ``post(group_id, "send_poll", {...})`` for a
        class quiz in a group: it waits for the group's budget like everything else."""
        return await self.enqueue([NewMessage(RAW, chat_id, {"method": method,
                                                             "kwargs": kwargs},
                                              user_id=user_id)])

    def wake(self) -> None:
        self.sender.wake()
