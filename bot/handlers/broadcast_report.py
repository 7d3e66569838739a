"""The live delivery report of broadcasts, and the start of scheduled ones (a job)."""

from __future__ import annotations

from datetime import timedelta
from time import monotonic

from telegram.error import BadRequest, TelegramError

from bot.store.broadcasts import Broadcast
from bot.timeutil import iso
from bot.ui import broadcasts as kb
from bot.ui.direction import markup_for

REPORT_EVERY = 5.0  # seconds between two edits of a live report
PRUNE_EVERY = 3600.0  # seconds between two prunings of the outbox
KEEP_SENT = timedelta(days=30)  # how long the record of a sent message is kept


class Reports:
    """Keeps each running broadcast's report message up to date (called every few seconds by
    a job, so that edits stay well within the per-chat limit) and starts scheduled ones."""

    def __init__(self) -> None:
        self._last: dict[int, tuple[float, int, str]] = {}  # id -> (time, sent, text)
        self._pruned_at: float | None = None

    async def tick(self, services, bot) -> None:
        if self._pruned_at is None or monotonic() - self._pruned_at > PRUNE_EVERY:
            self._pruned_at = monotonic()
            await services.store.outbox.prune(iso(services.clock() - KEEP_SENT))
        await services.broadcasts.resume_queuing()
        for b in await services.broadcasts.release_due():
            await self._send_report(services, bot, b, new=True)
        for b in await services.broadcasts.sending():
            done = await services.broadcasts.finish_if_done(b)
            await self._send_report(services, bot, done or b, new=False)

    async def _send_report(self, services, bot, b: Broadcast, *, new: bool) -> None:
        sender = await services.store.users.get(b.sender_id)
        if sender is None:
            return
        t = services.catalogs.get(sender.locale)
        progress = await services.broadcasts.progress(b)
        now = monotonic()
        last_time, last_sent, last_text = self._last.get(b.id, (now, 0, ""))
        elapsed = services.broadcasts.elapsed(b)
        if b.id in self._last and now > last_time:
            rate = (progress.sent - last_sent) / (now - last_time)
        else:
            rate = progress.sent / elapsed if elapsed else 0.0
        text = t.layout(kb.report(t, b, progress, rate, elapsed))
        markup = markup_for(t, kb.report_buttons(t))
        if b.status == "done":
            self._last.pop(b.id, None)
        else:
            self._last[b.id] = (now, progress.sent, text)
        if text == last_text:
            return
        try:
            if not new and b.report_message_id:
                await bot.edit_message_text(text, chat_id=b.report_chat_id, reply_markup=markup,
                                            message_id=b.report_message_id)
                return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
        except TelegramError:
            return  # next tick
        try:
            sent = await bot.send_message(sender.chat_id, text, reply_markup=markup)
        except TelegramError:
            return
        await services.store.broadcasts.set_report(b.id, sender.chat_id, sent.message_id)
