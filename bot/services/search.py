"""Reference search: the FTS5 index of the served content, kept in step with it, and queries.

The index holds one row per (lesson or reference card, locale): the English text always, and
for every other locale a row with its translation where one exists (a locale with no
translation of an item gets no row: the English row serves it). An officer's search covers
their locale's rows and the English ones, each item counted once at its best row.

The index is rebuilt only when what it would hold changes: the fingerprint is a hash of every
row (content and translations, which the course fingerprint alone does not cover) plus the
index format. It is checked at start-up (``start``), after a successful content reload (the
``ContentService`` listener schedules the rebuild on the running loop) and, as a safety net,
before any search that sees a content snapshot other than the one last checked.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from bot.course.model import Lesson, ReferenceCard
from bot.i18n import SOURCE_LOCALE, SUPPORTED_LOCALES
from bot.services.content import ContentService, Served
from bot.services.search_text import Query, normalise, plain
from bot.store import Store
from bot.store.search import Document

log = logging.getLogger(__name__)

#: Bump when the way rows are written changes, so existing indexes are rebuilt.
INDEX_FORMAT = "2"  # 2: every script folded (bot.services.search_text)
RESULTS = 6

Item = ReferenceCard | Lesson


@dataclass(frozen=True)
class Results:
    """What a search found: ``items``, best first (at most the limit asked for), out of
    ``total`` matching items."""

    query: Query
    items: tuple[Item, ...]
    total: int = 0

    @property
    def found(self) -> bool:
        return bool(self.items)


def documents(served: Served, locales: tuple[str, ...] = SUPPORTED_LOCALES
              ) -> Iterator[Document]:
    """Every row of the index for one content snapshot."""
    course = served.course
    entries: list[tuple[str, str, tuple]] = []
    for card in course.reference.values():
        entries.append(("ref", card.id, (card.title, card.keywords, card.body)))
    for lesson in course.lessons_in_order():
        entries.append(("lesson", lesson.id, (lesson.title, None, *lesson.cards)))
    for locale in locales:
        for kind, item_id, (title, keywords, *body) in entries:
            texts = [t for t in (title, keywords, *body) if t is not None]
            shown = [served.text(locale, t) for t in texts]
            if locale != SOURCE_LOCALE and all(fell_back for _, fell_back in shown):
                continue
            values = dict(zip(texts, (s for s, _ in shown), strict=True))
            yield Document(
                kind, item_id, locale, normalise(values[title]),
                normalise(values[keywords]) if keywords is not None else "",
                normalise("\n".join(plain(values[b]) for b in body)))


def fingerprint(rows: list[Document]) -> str:
    digest = hashlib.sha256(INDEX_FORMAT.encode())
    for row in rows:
        for value in (row.kind, row.item_id, row.locale, row.title, row.keywords, row.body):
            digest.update(value.encode() + b"\0")
    return digest.hexdigest()


class SearchService:
    def __init__(self, store: Store, content: ContentService,
                 locales: tuple[str, ...] = SUPPORTED_LOCALES):
        self.store = store
        self.content = content
        self.locales = locales
        self._checked: Served | None = None  # the snapshot the index was last checked against
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()

    # --- life cycle ----------------------------------------------------------------------
    async def start(self) -> None:
        """At start-up (the database is open): rebuild if the content changed; follow reloads."""
        await self.ensure_index()
        if self._content_reloaded not in self.content.listeners:
            self.content.listeners.append(self._content_reloaded)

    async def stop(self) -> None:
        """Before the database closes: stop following reloads, finish a rebuild under way."""
        if self._content_reloaded in self.content.listeners:
            self.content.listeners.remove(self._content_reloaded)
        await self.settled()

    async def settled(self) -> None:
        """Wait for rebuilds scheduled by reloads (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def _content_reloaded(self, served: Served) -> None:
        """``ContentService`` listener (synchronous): schedule the rebuild on the running loop.
        Without a running loop the next search rebuilds, as it sees a new snapshot."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        task = loop.create_task(self.ensure_index(served))
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("Rebuilding the search index failed", exc_info=task.exception())

    async def ensure_index(self, served: Served | None = None) -> bool:
        """Rebuild the index if it was built from other content; True when it rebuilt."""
        served = served or self.content.served
        async with self._lock:
            if self._checked is served:
                return False
            rows = list(documents(served, self.locales))
            stamp = fingerprint(rows)
            rebuilt = await self.store.search.fingerprint() != stamp
            if rebuilt:
                await self.store.search.replace_all(rows, stamp)
                log.info("Search index rebuilt: %d rows", len(rows))
            self._checked = served
            return rebuilt

    # --- queries -------------------------------------------------------------------------
    async def search(self, text: str, locale: str, *, limit: int | None = RESULTS,
                     kinds: tuple[str, ...] = ("ref", "lesson")) -> Results:
        """Lessons and cards for what an officer typed: every word first, else any word.
        ``limit=None``: every matching item."""
        query = Query.parse(text, locale)
        if query.empty:
            return Results(query, ())
        served = self.content.served
        if self._checked is not served:
            await self.ensure_index(served)
        locales = tuple(dict.fromkeys((locale, SOURCE_LOCALE)))
        hits = await self.store.search.search(query.all_words(), locales, None, kinds)
        if not hits and len(query.words) > 1:
            hits = await self.store.search.search(query.any_word(), locales, None, kinds)
        course = served.course
        items: list[Item] = []
        for hit in hits:
            item = course.reference_card(hit.item_id) if hit.kind == "ref" \
                else course.lesson(hit.item_id)
            if item is not None:
                items.append(item)
        return Results(query, tuple(items[:limit]), len(items))
