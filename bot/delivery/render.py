"""Renderers: turn an outbox row into a message at send time, in the recipient's language.

* ``reminder``: the daily reminder, saying how many questions are due now (or new); skipped
  when there is nothing to practise.
* ``broadcast``: the broadcast's template with the recipient's values, or the sender's own
  text as written, each with a Start button.
* ``raw``: a message rendered when it was queued (e.g. a poll or a debrief for a group).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.sender import OutboxSender, Outgoing, Skip
from bot.services.broadcasts import KIND as BROADCAST
from bot.services.outbox import RAW
from bot.services.reminders import REMINDER_KIND
from bot.store.broadcasts import Broadcast
from bot.store.outbox import OutboxRow
from bot.ui import callbacks as cb
from bot.ui import templates
from bot.ui.direction import markup_for

if TYPE_CHECKING:
    from bot.context import Services


def reminder_text(t, due: int, new: int) -> str | None:
    if due:
        return t.ngettext(
            "⏰ You have {n} question due for review. A few minutes now keeps it fresh.",
            "⏰ You have {n} questions due for review. A few minutes now keeps them fresh.",
            due)
    if new:
        return t.ngettext(
            "⏰ {n} new question from your lessons is waiting for you.",
            "⏰ {n} new questions from your lessons are waiting for you.", new)
    return None


class Renderers:
    def __init__(self, services: Services):
        self.services = services
        self._broadcasts: OrderedDict[int, Broadcast] = OrderedDict()

    def register(self, sender: OutboxSender) -> None:
        sender.register(REMINDER_KIND, self.reminder)
        sender.register(BROADCAST, self.broadcast)
        sender.register(RAW, self.raw)

    async def reminder(self, row: OutboxRow) -> Outgoing | Skip:
        s = self.services
        t = s.catalogs.get(row.user_locale)
        due = await s.quiz.due_count(row.user_id)
        new = len(await s.quiz.new_items(row.user_id)) if not due else 0
        text = reminder_text(t, due, new)
        if text is None:
            return Skip("nothing to practise")  # no nagging
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            "🧠 " + t.label("Start the quiz"), callback_data=cb.MENU.pack(item="quiz"))]])
        return Outgoing("send_message", {"text": t.layout(text),
                                         "reply_markup": markup_for(t, markup)})

    async def _broadcast(self, broadcast_id: int) -> Broadcast | None:
        b = self._broadcasts.get(broadcast_id)
        if b is None:
            b = await self.services.store.broadcasts.get(broadcast_id)
            if b is None:
                return None
            self._broadcasts[broadcast_id] = b
            while len(self._broadcasts) > 64:
                self._broadcasts.popitem(last=False)
        return b

    async def broadcast(self, row: OutboxRow) -> Outgoing | Skip:
        s = self.services
        b = await self._broadcast(row.broadcast_id) if row.broadcast_id else None
        if b is None:
            return Skip("broadcast deleted")
        t = s.catalogs.get(row.user_locale)
        if b.template is None:
            text = b.body or ""  # the sender's own text, exactly as written
        else:
            values = await s.broadcasts.values_for(b, row.user_id, t.locale)
            if isinstance(values, str):
                return Skip(values)
            text = t.layout(templates.render(t, b.template, values))
        return Outgoing("send_message", {
            "text": text,
            "reply_markup": markup_for(t, templates.button(t, b.template, b.params))})

    async def raw(self, row: OutboxRow) -> Outgoing | Skip:
        kwargs = dict(row.payload.get("kwargs") or {})
        if isinstance(kwargs.get("reply_markup"), dict):
            kwargs["reply_markup"] = InlineKeyboardMarkup.de_json(kwargs["reply_markup"], None)
        return Outgoing(str(row.payload.get("method", "")), kwargs)
