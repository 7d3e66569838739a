"""Measuring aids shared by the benchmarks: thread hand-offs and update kinds.

``HandoffCounter`` counts the calls queued to aiosqlite's worker thread: each one is a
hand-off from the event loop to the database thread and back (a queue put, a thread wake-up,
a ``call_soon_threadsafe`` back to the loop). It wraps the connection's queue, so it counts
every call, whichever API queued it.
"""

from __future__ import annotations

from typing import Any

import aiosqlite


class _CountingQueue:
    """Stands in for ``aiosqlite.Connection._tx`` on the event-loop side: counts each put and
    forwards it to the real queue, which the worker thread keeps reading."""

    def __init__(self, real: Any):
        self.real = real
        self.count = 0

    def put_nowait(self, item: Any) -> None:
        self.count += 1
        self.real.put_nowait(item)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


class HandoffCounter:
    def __init__(self, conn: aiosqlite.Connection):
        queue = conn._tx
        if not isinstance(queue, _CountingQueue):
            queue = _CountingQueue(queue)
            conn._tx = queue
        self._queue = queue

    @property
    def count(self) -> int:
        return self._queue.count


def update_kind(data: dict[str, Any]) -> str:
    """A short name for what an update is: ``/start``, ``text``, ``qa`` (a quiz answer),
    ``menu:privacy``... (the callback prefix, with the menu item for menu buttons)."""
    if "callback_query" in data:
        parts = (data["callback_query"].get("data") or "").split(":")
        return ":".join(parts[:2]) if parts[0] in ("menu", "forget") else parts[0]
    message = data.get("message") or data.get("edited_message") or {}
    text = message.get("text") or ""
    if text.startswith("/"):
        return text.split()[0].split("@")[0]
    return "text" if text else next(iter(k for k in data if k != "update_id"), "?")


#: Names for the update kinds, for tables meant for people.
KIND_NAMES = {
    "qa": "quiz answer (one option)", "qt": "quiz option toggle", "qs": "quiz submit",
    "qn": "next question", "ql": "start a lesson quiz", "priv": "privacy OK (onboarding)",
    "menu:privacy": "privacy button (settings)", "lang": "language button",
    "cty": "country button", "les": "lesson card (Next/Back)", "done": "finish a lesson",
    "mod": "module button", "menu:home": "main menu button", "menu:settings": "settings button",
    "text": "free text (search)",
}
