"""Quiz state: one FSRS card per officer and item, the review log, sessions, presentations."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from bot.store.db import Database


@dataclass(frozen=True)
class Presentation:
    id: int
    session_id: int
    user_id: int
    item_id: str
    order: tuple[int, ...]  # option indexes (in content order) as displayed
    nonce: str
    selected: frozenset[int]  # displayed positions toggled so far (multiple answers)
    shown_at: str
    answered: bool


@dataclass(frozen=True)
class Session:
    id: int
    user_id: int
    kind: str
    items: tuple[str, ...]
    position: int
    correct: int
    finished: bool


@dataclass(frozen=True)
class StoredCard:
    item_id: str
    card_json: str
    due: str


def _presentation(row: sqlite3.Row | None) -> Presentation | None:
    if row is None:
        return None
    return Presentation(
        id=row["id"], session_id=row["session_id"], user_id=row["user_id"],
        item_id=row["item_id"], order=tuple(json.loads(row["option_order"])), nonce=row["nonce"],
        selected=frozenset(int(x) for x in row["selected"].split(",") if x),
        shown_at=row["shown_at"], answered=row["answered_at"] is not None)


def _session(row: sqlite3.Row | None) -> Session | None:
    if row is None:
        return None
    return Session(id=row["id"], user_id=row["user_id"], kind=row["kind"],
                   items=tuple(json.loads(row["items"])), position=row["position"],
                   correct=row["correct"], finished=row["finished_at"] is not None)


class QuizRepo:
    def __init__(self, db: Database):
        self.db = db

    # --- FSRS cards ----------------------------------------------------------------------
    async def cards(self, user_id: int) -> dict[str, StoredCard]:
        rows = await self.db.fetchall(
            "SELECT item_id, card_json, due FROM quiz_cards WHERE user_id = ?", (user_id,))
        return {r["item_id"]: StoredCard(r["item_id"], r["card_json"], r["due"]) for r in rows}

    async def card(self, user_id: int, item_id: str) -> StoredCard | None:
        row = await self.db.fetchone(
            "SELECT item_id, card_json, due FROM quiz_cards WHERE user_id = ? AND item_id = ?",
            (user_id, item_id))
        return StoredCard(row["item_id"], row["card_json"], row["due"]) if row else None

    async def due_items(self, user_id: int, now: str) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT item_id FROM quiz_cards WHERE user_id = ? AND due <= ? ORDER BY due",
            (user_id, now))
        return [r["item_id"] for r in rows]

    async def next_due(self, user_id: int, after: str) -> str | None:
        return await self.db.scalar(
            "SELECT MIN(due) FROM quiz_cards WHERE user_id = ? AND due > ?", (user_id, after))

    # --- sessions ------------------------------------------------------------------------
    async def create_session(self, user_id: int, kind: str, items: list[str], now: str) -> int:
        def create(tx: sqlite3.Connection) -> int:
            # an officer has one live session: older unfinished ones are closed
            tx.execute("UPDATE quiz_sessions SET finished_at = ? WHERE user_id = ? AND "
                       "finished_at IS NULL", (now, user_id))
            return int(tx.execute(
                "INSERT INTO quiz_sessions (user_id, kind, items, created_at) VALUES (?, ?, ?, ?)",
                (user_id, kind, json.dumps(items), now)).lastrowid)

        return await self.db.write(create)

    async def session(self, session_id: int) -> Session | None:
        return _session(await self.db.fetchone("SELECT * FROM quiz_sessions WHERE id = ?",
                                               (session_id,)))

    async def live_session(self, user_id: int) -> Session | None:
        return _session(await self.db.fetchone(
            "SELECT * FROM quiz_sessions WHERE user_id = ? AND finished_at IS NULL "
            "ORDER BY id DESC LIMIT 1", (user_id,)))

    async def skip_item(self, session_id: int) -> None:
        """Move past an item that left the course since the session began."""
        await self.db.execute(
            "UPDATE quiz_sessions SET position = position + 1 WHERE id = ?", (session_id,))

    async def finish_session(self, session_id: int, now: str) -> None:
        await self.db.execute("UPDATE quiz_sessions SET finished_at = COALESCE(finished_at, ?) "
                              "WHERE id = ?", (now, session_id))

    # --- presentations -------------------------------------------------------------------
    async def present(self, session_id: int, user_id: int, item_id: str, order: list[int],
                      nonce: str, now: str) -> int:
        def present(tx: sqlite3.Connection) -> int:
            row = tx.execute(
                "SELECT id FROM quiz_presentations WHERE session_id = ? AND item_id = ? AND "
                "answered_at IS NULL", (session_id, item_id)).fetchone()
            if row is not None:
                return int(row[0])
            return int(tx.execute(
                "INSERT INTO quiz_presentations (session_id, user_id, item_id, option_order, "
                "nonce, shown_at) VALUES (?, ?, ?, ?, ?, ?)",
                (session_id, user_id, item_id, json.dumps(order), nonce, now)).lastrowid)

        return await self.db.write(present)

    async def presentation(self, presentation_id: int) -> Presentation | None:
        return _presentation(await self.db.fetchone(
            "SELECT * FROM quiz_presentations WHERE id = ?", (presentation_id,)))

    async def set_selected(self, presentation_id: int, selected: frozenset[int]) -> None:
        await self.db.execute(
            "UPDATE quiz_presentations SET selected = ? WHERE id = ? AND answered_at IS NULL",
            (",".join(str(i) for i in sorted(selected)), presentation_id))

    async def record_answer(self, presentation: Presentation, *, correct: bool, rating: int,
                            duration_ms: int, now: str, card_json: str, due: str,
                            log_json: str, lapse: bool,
                            selected: frozenset[int] = frozenset()) -> bool:
        """Everything one answer changes, in one transaction (``selected``: the displayed
        positions chosen, kept so the answer can be shown again). False if already answered
        (a double press or a replay): then nothing is written."""
        def record(tx: sqlite3.Connection) -> bool:
            cur = tx.execute(
                "UPDATE quiz_presentations SET answered_at = ?, correct = ?, selected = ? "
                "WHERE id = ? AND answered_at IS NULL",
                (now, int(correct), ",".join(str(i) for i in sorted(selected)),
                 presentation.id))
            if cur.rowcount == 0:
                return False
            tx.execute(
                "INSERT INTO quiz_cards (user_id, item_id, card_json, due, last_review, reviews, "
                "lapses) VALUES (?, ?, ?, ?, ?, 1, ?) ON CONFLICT (user_id, item_id) DO UPDATE "
                "SET card_json = excluded.card_json, due = excluded.due, last_review = "
                "excluded.last_review, reviews = reviews + 1, lapses = lapses + excluded.lapses",
                (presentation.user_id, presentation.item_id, card_json, due, now, int(lapse)))
            tx.execute(
                "INSERT INTO review_log (user_id, item_id, rating, correct, duration_ms, "
                "reviewed_at, log_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (presentation.user_id, presentation.item_id, rating, int(correct), duration_ms,
                 now, log_json))
            tx.execute(
                "UPDATE quiz_sessions SET position = position + 1, correct = correct + ? "
                "WHERE id = ?", (int(correct), presentation.session_id))
            return True

        return await self.db.write(record)

    # --- history -------------------------------------------------------------------------
    async def review_times(self, user_id: int) -> list[str]:
        """When this officer answered, newest first (UTC ISO timestamps)."""
        rows = await self.db.fetchall(
            "SELECT reviewed_at FROM review_log WHERE user_id = ? ORDER BY reviewed_at DESC",
            (user_id,))
        return [r["reviewed_at"] for r in rows]

    async def answer_counts(self, user_id: int) -> tuple[int, int]:
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n, COALESCE(SUM(correct), 0) AS ok FROM review_log "
            "WHERE user_id = ?", (user_id,))
        return int(row["n"]), int(row["ok"])
