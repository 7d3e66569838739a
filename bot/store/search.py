"""The full-text search index (FTS5) of lessons and reference cards, one row per locale.

``search_index`` columns: ``title``, ``keywords`` and ``body`` are searched; ``kind``
(``ref`` | ``lesson``), ``item_id`` and ``locale`` are stored, not searched. ``search_meta``
holds the fingerprint of what the index was built from, so a restart on unchanged content
does not rebuild it.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from bot.store.db import Database

log = logging.getLogger(__name__)

#: bm25 weights of the searched columns: title, keywords, body.
WEIGHTS = (10.0, 5.0, 1.0)
#: Reference cards are what an officer on duty needs: their scores count this much more.
REFERENCE_BOOST = 1.5
FINGERPRINT_KEY = "index_fingerprint"


@dataclass(frozen=True)
class Document:
    kind: str  # ref | lesson
    item_id: str
    locale: str
    title: str
    keywords: str
    body: str


@dataclass(frozen=True)
class Hit:
    kind: str
    item_id: str
    score: float  # lower is better (bm25)


class SearchRepo:
    def __init__(self, db: Database):
        self.db = db

    async def fingerprint(self) -> str | None:
        return await self.db.scalar("SELECT value FROM search_meta WHERE key = ?",
                                    (FINGERPRINT_KEY,))

    async def replace_all(self, documents: Iterable[Document], fingerprint: str) -> None:
        """Swap the whole index in one transaction: searches see the old or the new one."""
        rows = [(d.title, d.keywords, d.body, d.kind, d.item_id, d.locale) for d in documents]

        def swap(tx: sqlite3.Connection) -> None:
            tx.execute("DELETE FROM search_index")
            tx.executemany(
                "INSERT INTO search_index (title, keywords, body, kind, item_id, locale) "
                "VALUES (?, ?, ?, ?, ?, ?)", rows)
            tx.execute(
                "INSERT INTO search_meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (FINGERPRINT_KEY, fingerprint))

        await self.db.write(swap)

    async def add(self, documents: Iterable[Document]) -> None:
        """Insert more rows (the benchmark's synthetic copies)."""
        await self.db.executemany(
            "INSERT INTO search_index (title, keywords, body, kind, item_id, locale) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(d.title, d.keywords, d.body, d.kind, d.item_id, d.locale) for d in documents])

    async def search(self, match: str, locales: tuple[str, ...], limit: int | None = None,
                     kinds: tuple[str, ...] = ("ref", "lesson")) -> list[Hit]:
        """The best ``limit`` items (every matching item when None, so that the caller knows
        how many there are) for an FTS5 ``match`` expression (built by the service from quoted
        words only), over the rows of ``locales``; each item once, at its best row."""
        marks = ", ".join("?" for _ in locales)
        kind_marks = ", ".join("?" for _ in kinds)
        title, keywords, body = WEIGHTS
        # An item has at most one row per locale, so this many rows hold ``limit`` items.
        # (bm25 cannot be used in a subquery that SQLite flattens into a GROUP BY.) bm25 is
        # computed for every matching row to sort them anyway: all of them cost little more.
        sql = (
            f"SELECT kind, item_id, bm25(search_index, {title}, {keywords}, {body})"
            f"  * (CASE kind WHEN 'ref' THEN {REFERENCE_BOOST} ELSE 1.0 END) AS score"
            " FROM search_index WHERE search_index MATCH ?"
            f"  AND locale IN ({marks}) AND kind IN ({kind_marks})"
            " ORDER BY score, kind DESC, item_id LIMIT ?")
        rows_wanted = -1 if limit is None else limit * len(locales)
        try:
            rows = await self.db.fetchall(sql, (match, *locales, *kinds, rows_wanted))
        except sqlite3.OperationalError as exc:
            # The service only builds quoted strings, so this is a bug, not bad input: an
            # officer still gets "nothing found" rather than an error. Neither the query nor
            # SQLite's message (it quotes the query) is logged: they are the officer's words.
            log.error("FTS5 rejected a query of %d characters (%s)", len(match),
                      type(exc).__name__)
            return []
        best: dict[tuple[str, str], Hit] = {}
        for r in rows:
            best.setdefault((r["kind"], r["item_id"]),
                            Hit(r["kind"], r["item_id"], float(r["score"])))
        return list(best.values())[:limit]  # [:None] is all

    async def count(self) -> int:
        return int(await self.db.scalar("SELECT COUNT(*) FROM search_index"))
