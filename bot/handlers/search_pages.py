"""Search results page by page: "6 of 14 results", and More.

The results of an officer's last search are remembered in memory, as item ids only (never the
words typed), under a short random key that the More button carries: a button from an older
search, or one pressed after a restart, finds no key and says so. At most ``REMEMBERED``
officers' results are kept, the least recently used dropped first, and none longer than
``KEPT_SECONDS``.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Sequence

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.course.model import ReferenceCard
from bot.handlers.common import Page, answer_button, show
from bot.handlers.stale import stale_button
from bot.services.search import RESULTS, Item
from bot.ui import callbacks as cb
from bot.ui import reference as kb

PAGE_SIZE = RESULTS
REMEMBERED = 10_000
KEPT_SECONDS = 3600
RECENT = "recent_results"

Ref = tuple[str, str]  # (kind ref | lesson, id)


class RecentResults:
    """The last results of each officer: (key, item refs), bounded in number and age."""

    def __init__(self, size: int = REMEMBERED, ttl: float = KEPT_SECONDS,
                 clock=time.monotonic):
        self.size, self.ttl, self.clock = size, ttl, clock
        self._entries: OrderedDict[int, tuple[str, float, tuple[Ref, ...]]] = OrderedDict()

    def remember(self, user_id: int, refs: Sequence[Ref]) -> str:
        key = secrets.token_hex(3)
        self._entries[user_id] = (key, self.clock(), tuple(refs))
        self._entries.move_to_end(user_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
        return key

    def recall(self, user_id: int, key: str) -> tuple[Ref, ...] | None:
        entry = self._entries.get(user_id)
        if entry is None or not secrets.compare_digest(entry[0], key):
            return None
        if self.clock() - entry[1] > self.ttl:
            del self._entries[user_id]
            return None
        self._entries.move_to_end(user_id)
        return entry[2]

    def forget(self, user_id: int) -> None:
        self._entries.pop(user_id, None)

    def __len__(self) -> int:
        return len(self._entries)


def refs_of(items: Sequence[Item]) -> list[Ref]:
    return [("ref" if isinstance(item, ReferenceCard) else "lesson", item.id) for item in items]


def _items(context: BotContext, refs: Sequence[Ref]) -> list[Item]:
    """The items still in the course (a reload may have removed some)."""
    course = context.services.content.served.course
    found = (course.reference_card(i) if kind == "ref" else course.lesson(i) for kind, i in refs)
    return [item for item in found if item is not None]


def page_text(context: BotContext, total: int, page: int, query: str | None) -> str:
    t = context.t
    first, last = page * PAGE_SIZE + 1, min(total, (page + 1) * PAGE_SIZE)
    if total <= PAGE_SIZE:
        return t.ngettext("🔎 <b>{n} result for “{query}”</b>\nChoose one:",
                          "🔎 <b>{n} results for “{query}”</b>\nChoose one:",
                          total, query=query or "")
    if page == 0 and query is not None:
        return t.ngettext("🔎 <b>{shown} of {n} result for “{query}”</b>\nChoose one, or "
                          "press More for the next ones:",
                          "🔎 <b>{shown} of {n} results for “{query}”</b>\nChoose one, or "
                          "press More for the next ones:", total, shown=last, query=query)
    return t.ngettext("🔎 <b>Results {first}–{last} of {n}</b>\nChoose one:",
                      "🔎 <b>Results {first}–{last} of {n}</b>\nChoose one:",
                      total, first=first, last=last)


async def show_page(update: Update, context: BotContext, items: Sequence[Item], key: str,
                    page: int, query: str | None, *, edit: bool) -> None:
    """One page of results with its header, Previous/More, Reference and the main menu."""
    t, texts = context.t, Page(context)
    shown = items[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
    entries = [("ref" if isinstance(item, ReferenceCard) else "lesson", item.id,
                texts(item.title), isinstance(item, ReferenceCard) and item.sensitive)
               for item in shown]
    more = (key, page + 1) if (page + 1) * PAGE_SIZE < len(items) else None
    previous = (key, page - 1) if page > 0 else None
    await show(update, context, page_text(context, len(items), page, query) + texts.notice(),
               kb.results(t, entries, more=more, previous=previous), edit=edit)


async def page_button(update: Update, context: BotContext) -> None:
    """More (or Previous): another page of the officer's last results, in place."""
    values = cb.SEARCH_PAGE.unpack(update.callback_query.data)
    if values is None or not values["page"].isdigit():
        await stale_button(update, context)
        return
    recent: RecentResults = context.bot_data[RECENT]
    refs = recent.recall(update.effective_user.id, values["key"])
    items = _items(context, refs) if refs is not None else []
    page = int(values["page"])
    if not items or page * PAGE_SIZE >= len(items):
        t, texts = context.t, Page(context)
        await answer_button(update, t.label("These results are out of date."))
        await show(update, context, t._(
            "🔎 These results are no longer available. Send your words again, or choose a "
            "topic:"), kb.topics(t, [(topic.module.id, texts(topic.module.title))
                                     for topic in context.services.reference.topics()]))
        return
    await answer_button(update)
    await show_page(update, context, items, values["key"], page, None, edit=True)


def register(app: Application) -> None:
    app.bot_data[RECENT] = RecentResults()
    app.add_handler(CallbackQueryHandler(page_button, pattern=cb.SEARCH_PAGE.pattern))
