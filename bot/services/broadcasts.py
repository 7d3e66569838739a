"""Broadcasts: compose (audience, message), preview, confirm, schedule, cancel, and report.

An audience is a dict stored with the broadcast:

* what: ``{"cohorts": [ids]}`` (a trainer's own; admins any), or for admins
  ``{"country": "KZ"}``, ``{"locale": "ru"}``, ``{"everyone": true}``;
* optionally narrowed with ``"narrow"``: ``{"inactive": days}`` (no lesson card viewed and
  no question answered in that many days), ``{"due": true}`` (reviews due now) or
  ``{"recall": module_id}`` (predicted recall in that module, projected a week ahead as
  every report measures it, averaged over the items the officer has reviewed, below
  ``LOW_RECALL``).

Recipients are resolved when the broadcast starts (so an officer who joined a cohort after it
was scheduled gets it too), and each message is rendered at send time in the recipient's
language (``render_for``). Only onboarded users are recipients; one who blocked the bot is
counted as blocked without a send.

For other features: ``send_template`` queues a template to a computed list of officers from a
service call (e.g. a refresher for those whose recall is lowest), and ``totals`` gives the
delivery totals a report shows.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from fsrs import Card

from bot.services.content import ContentService
from bot.services.outbox import OutboxService
from bot.services.quiz import QuizService
from bot.services.reminders import in_quiet_hours, zone
from bot.services.report_scope import projected_recall
from bot.store import Store
from bot.store.audience import Recipient
from bot.store.broadcasts import Broadcast
from bot.store.outbox import NewMessage
from bot.timeutil import Clock, iso, parse_iso
from bot.ui import templates

KIND = "broadcast"  # the outbox kind of broadcast messages
LOW_RECALL = 0.7  # "low predicted recall": below 70 %
INACTIVE_DAYS = (7, 14, 30)
MAX_BODY = 4096  # Telegram's limit for a message's visible text
QUEUE_CHUNK = 2000  # recipients queued per transaction


@dataclass(frozen=True)
class Preview:
    recipients: int  # who will get a message (not blocked)
    by_locale: dict[str, int]
    blocked: int  # matched but blocked the bot: counted, never sent


@dataclass(frozen=True)
class Progress:
    """Delivery so far: every recipient is in exactly one of these."""

    sent: int
    pending: int
    blocked: int
    failed: int
    skipped: int  # nothing to say at send time (e.g. no question due)

    @property
    def total(self) -> int:
        return self.sent + self.pending + self.blocked + self.failed + self.skipped

    @classmethod
    def of(cls, counts: dict[str, int]) -> Progress:
        return cls(counts.get("sent", 0), counts.get("pending", 0) + counts.get("sending", 0),
                   counts.get("blocked", 0), counts.get("failed", 0),
                   counts.get("skipped", 0) + counts.get("expired", 0)
                   + counts.get("cancelled", 0))


class BroadcastService:
    def __init__(self, store: Store, content: ContentService, quiz: QuizService,
                 outbox: OutboxService, clock: Clock):
        self.store = store
        self.content = content
        self.quiz = quiz
        self.outbox = outbox
        self.clock = clock
        self._queuing: set[int] = set()  # broadcasts being queued by this process

    # --- composing ----------------------------------------------------------------------
    async def new_draft(self, sender_id: int) -> Broadcast:
        return await self.store.broadcasts.new_draft(sender_id, iso(self.clock()))

    async def get(self, broadcast_id: int, sender_id: int, *, admin: bool) -> Broadcast | None:
        """The broadcast if this sender may see and change it (their own; an admin's any)."""
        b = await self.store.broadcasts.get(broadcast_id)
        if b is None or (b.sender_id != sender_id and not admin):
            return None
        return b

    async def may_use_cohort(self, cohort_id: int, sender_id: int, *, admin: bool) -> bool:
        cohort = await self.store.cohorts.get(cohort_id)
        return cohort is not None and (admin or cohort.trainer_id == sender_id)

    async def set_audience(self, b: Broadcast, audience: dict[str, Any]) -> Broadcast | None:
        return await self.store.broadcasts.update_draft(b.id, audience=audience)

    async def set_template(self, b: Broadcast, template: str, params: dict[str, Any]
                           ) -> Broadcast | None:
        assert template in templates.TEMPLATES + templates.FEATURE_TEMPLATES
        return await self.store.broadcasts.update_draft(b.id, template=template,
                                                        params=params, body=None)

    async def set_body(self, b: Broadcast, body: str) -> Broadcast | None:
        return await self.store.broadcasts.update_draft(b.id, template=None, params={},
                                                        body=body)

    # --- audience -----------------------------------------------------------------------
    async def recipients(self, audience: dict[str, Any]) -> list[Recipient]:
        """Everyone the audience reaches now (blocked officers included, marked)."""
        if not audience:
            return []
        now = self.clock()
        narrow = audience.get("narrow") or {}
        query: dict[str, Any] = {}
        if "cohorts" in audience:
            query["cohorts"] = audience["cohorts"]
        elif "country" in audience:
            query["country"] = audience["country"]
        elif "locale" in audience:
            query["locale"] = audience["locale"]
        elif "users" in audience:
            query["user_ids"] = audience["users"]
        elif not audience.get("everyone"):
            return []
        if "inactive" in narrow:
            query["inactive_since"] = iso(now - timedelta(days=int(narrow["inactive"])))
        if narrow.get("due"):
            query["due_at"] = iso(now)
        found = await self.store.audience.recipients(**query)
        if "recall" in narrow:
            found = await self._low_recall(found, narrow["recall"], now)
        return found

    async def _low_recall(self, found: list[Recipient], module_id: str, now: datetime
                          ) -> list[Recipient]:
        module = self.content.course.module(module_id)
        if module is None or not found:
            return []
        items = [item.id for lesson in module.lessons for item in lesson.quiz]
        cards = await self.store.audience.cards([r.user_id for r in found], items)
        scheduler = self.quiz.scheduler

        def mean_recall() -> dict[int, float]:
            sums: dict[int, list[float]] = {}
            for user_id, card_json in cards:
                recall = projected_recall(scheduler, Card.from_json(card_json), now)
                sums.setdefault(user_id, []).append(recall)
            return {user: sum(values) / len(values) for user, values in sums.items()}

        recall = await asyncio.to_thread(mean_recall)  # FSRS arithmetic off the event loop
        return [r for r in found if recall.get(r.user_id, 1.0) < LOW_RECALL]

    async def preview(self, b: Broadcast) -> Preview:
        found = await self.recipients(b.audience)
        live = [r for r in found if r.active]
        return Preview(len(live), dict(Counter(r.locale for r in live).most_common()),
                       len(found) - len(live))

    # --- rendering ----------------------------------------------------------------------
    async def values_for(self, b: Broadcast, user_id: int, locale: str
                         ) -> dict[str, Any] | str:
        """The template's values for one recipient now, or the reason there is nothing to
        send them (e.g. no question due)."""
        course = self.content.course
        if b.template == templates.DUE:
            n = await self.quiz.due_count(user_id)
            return {"n": n} if n else "nothing due"
        if b.template == templates.LESSON:
            lesson = course.lesson(b.params.get("lesson", ""))
            if lesson is None:
                return "lesson removed"
            return {"title": self.content.served.text(locale, lesson.title)[0]}
        if b.template == templates.MEETING:
            return {"date": date.fromisoformat(b.params["date"]),
                    "time": time.fromisoformat(b.params["time"])}
        if b.template == templates.REFRESH:
            module = course.module(b.params.get("module", ""))
            if module is None:
                return "module removed"
            return {"title": self.content.served.text(locale, module.title)[0]}
        if b.template == templates.PROGRESS:
            lessons = {lesson.id for lesson in course.lessons_in_order()}
            done = len(await self.store.progress.completed(user_id) & lessons)
            return {"done": done, "total": len(lessons)} if done < len(lessons) \
                else "all lessons finished"
        raise ValueError(b.template)

    def sample_values(self, b: Broadcast, locale: str) -> dict[str, Any]:
        """Example values for the sender's preview."""
        course = self.content.course
        if b.template == templates.LESSON:
            lesson = course.lesson(b.params.get("lesson", ""))
            title = self.content.served.text(locale, lesson.title)[0] if lesson else ""
            return {"title": title}
        if b.template == templates.REFRESH:
            module = course.module(b.params.get("module", ""))
            return {"title": self.content.served.text(locale, module.title)[0] if module
                    else ""}
        if b.template == templates.MEETING:
            return {"date": date.fromisoformat(b.params["date"]),
                    "time": time.fromisoformat(b.params["time"])}
        return {"n": 5, "done": 3, "total": len(course.lessons_in_order())}

    # --- sending ------------------------------------------------------------------------
    async def start_now(self, b: Broadcast, report: tuple[int, int] | None
                        ) -> Broadcast | None:
        """Confirm and start sending; None if it is no longer a draft (a second
        confirmation). ``report`` is the (chat, message) to keep up to date."""
        started = await self.store.broadcasts.begin(b.id, "draft", iso(self.clock()), report)
        if started is None:
            return None
        return await self._queue(started)

    async def _queue(self, b: Broadcast) -> Broadcast:
        """Put every recipient in the outbox, ``QUEUE_CHUNK`` a transaction, so that a
        broadcast to everyone never holds the database for long; the sender starts on the
        first chunk. Safe to repeat after a crash (a recipient is queued once)."""
        if b.id in self._queuing:
            return b
        self._queuing.add(b.id)
        try:
            found = await self.recipients(b.audience)
            for start in range(0, len(found), QUEUE_CHUNK):
                chunk = [NewMessage(KIND, r.chat_id, user_id=r.user_id,
                                    state="pending" if r.active else "blocked")
                         for r in found[start:start + QUEUE_CHUNK]]
                await self.store.broadcasts.add_recipients(b.id, chunk, iso(self.clock()))
                self.outbox.wake()
            return await self.store.broadcasts.mark_sending(b.id) or b
        finally:
            self._queuing.discard(b.id)

    async def resume_queuing(self) -> list[Broadcast]:
        """Finish queuing broadcasts a crash interrupted (called by the report job)."""
        return [await self._queue(b) for b in await self.store.broadcasts.queuing()
                if b.id not in self._queuing]

    async def schedule(self, b: Broadcast, day: date, at: time, tz_name: str) -> str:
        """Schedule for a local time in ``tz_name``: ``ok``, ``past``, ``quiet`` (inside
        quiet hours), or ``gone`` (no longer a draft)."""
        if in_quiet_hours(at):
            return "quiet"
        moment = datetime.combine(day, at, tzinfo=zone(tz_name))
        if moment <= self.clock():
            return "past"
        done = await self.store.broadcasts.schedule(b.id, iso(moment), None)
        return "ok" if done is not None else "gone"

    async def cancel(self, b: Broadcast) -> bool:
        return await self.store.broadcasts.cancel(b.id, iso(self.clock())) is not None

    async def release_due(self) -> list[Broadcast]:
        """Start the scheduled broadcasts whose time has come (the audience as it is now)."""
        started = []
        for b in await self.store.broadcasts.due_scheduled(iso(self.clock())):
            begun = await self.store.broadcasts.begin(b.id, "scheduled", iso(self.clock()),
                                                      None)
            if begun is not None:
                started.append(await self._queue(begun))
        return started

    async def send_template(self, sender_id: int, template: str, params: dict[str, Any],
                            user_ids: Sequence[int], *,
                            report: tuple[int, int] | None = None) -> Broadcast:
        """Queue ``template`` to the given officers now, from a service call (e.g. a
        refresher for a computed list): a broadcast like one from the composer, with the
        same rendering, rate limits, report and history."""
        b = await self.new_draft(sender_id)
        b = await self.set_template(b, template, params)
        b = await self.set_audience(b, {"users": [int(u) for u in user_ids]})
        started = await self.start_now(b, report)  # type: ignore[arg-type]
        assert started is not None
        return started

    async def cancel_scheduled_of(self, sender_id: int) -> int:
        return await self.store.broadcasts.cancel_scheduled_of(sender_id, iso(self.clock()))

    # --- progress and history -----------------------------------------------------------
    async def progress(self, b: Broadcast) -> Progress:
        if b.totals is not None:
            return Progress.of(b.totals)
        return Progress.of(await self.store.outbox.counts(b.id))

    async def finish_if_done(self, b: Broadcast) -> Broadcast | None:
        return await self.store.broadcasts.finish_if_done(b.id, iso(self.clock()))

    async def sending(self) -> list[Broadcast]:
        return await self.store.broadcasts.sending()

    async def history(self, sender_id: int | None, limit: int = 10) -> list[Broadcast]:
        return await self.store.broadcasts.history(sender_id, limit=limit)

    async def totals(self, sender_ids: Sequence[int] | None = None) -> Progress:
        """Delivery totals of every broadcast (or those of the given senders)."""
        return Progress.of(await self.store.broadcasts.totals(sender_ids))

    def elapsed(self, b: Broadcast) -> float:
        """Seconds since it started sending (until it finished)."""
        if b.started_at is None:
            return 0.0
        end = parse_iso(b.finished_at) if b.finished_at else self.clock()
        return max(0.0, (end - parse_iso(b.started_at)).total_seconds())
