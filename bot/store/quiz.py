"""Quiz state: one FSRS card per officer and item, the review log, sessions, presentations."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from typing import NamedTuple

from bot.store.db import Database
from bot.timeutil import iso, parse_iso


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


def _card(row: sqlite3.Row | None) -> StoredCard | None:
    return StoredCard(row["item_id"], row["card_json"], row["due"]) if row else None


class Candidates(NamedTuple):
    due: list[str]  # item ids due now, soonest first
    seen: set[str]  # item ids the officer has a card for
    completed: set[str]  # lesson ids the officer finished


class Answering(NamedTuple):
    """What answering a question reads: the showing, its session, the officer's card."""

    presentation: Presentation
    session: Session | None
    card: StoredCard | None


@dataclass(frozen=True)
class ReviewState:
    """What a quiz summary shows besides the score."""

    due: list[str]  # item ids due now, soonest first
    next_due: str | None  # the first due time after now
    streak_days: int


#: A streak is counted back at most this many days (one index lookup per day).
MAX_STREAK_DAYS = 3660


def _review_state(conn: sqlite3.Connection, user_id: int, now: str, tz: tzinfo) -> ReviewState:
    due = [r[0] for r in conn.execute(
        "SELECT item_id FROM quiz_cards WHERE user_id = ? AND due <= ? ORDER BY due",
        (user_id, now))]
    next_due = conn.execute("SELECT MIN(due) FROM quiz_cards WHERE user_id = ? AND due > ?",
                            (user_id, now)).fetchone()[0]
    return ReviewState(due, next_due, _streak(conn, user_id, parse_iso(now), tz))


def _streak(conn: sqlite3.Connection, user_id: int, now: datetime, tz: tzinfo) -> int:
    """Consecutive local days, up to today (or yesterday), with at least one answer.

    Walks back one local day at a time with one index lookup each (the latest answer before
    the day's end): the cost follows the streak's length, not the number of answers, and
    only timestamps at day ends are converted (local midnights in ``tz``, DST included)."""
    today = now.astimezone(tz).date()
    streak, day = 0, today
    while streak < MAX_STREAK_DAYS:
        end = iso(datetime.combine(day + timedelta(days=1), time(), tz))
        latest = conn.execute(
            "SELECT MAX(reviewed_at) FROM review_log WHERE user_id = ? AND reviewed_at < ?",
            (user_id, end)).fetchone()[0]
        if latest is None:
            break
        latest_day = parse_iso(latest).astimezone(tz).date()
        if latest_day != day:
            if streak == 0 and day == today and latest_day == today - timedelta(days=1):
                day = latest_day  # nothing yet today: a streak up to yesterday still counts
                continue
            break
        streak += 1
        day -= timedelta(days=1)
    return streak


def write_review(tx: sqlite3.Connection, user_id: int, item_id: str, *, card_json: str,
                 due: str, now: str, lapse: bool, rating: int, correct: bool, duration_ms: int,
                 log_json: str) -> None:
    """One FSRS review, inside the caller's transaction: the card and the review log. Every
    review goes through here (a private answer, a class quiz poll)."""
    tx.execute(
        "INSERT INTO quiz_cards (user_id, item_id, card_json, due, last_review, reviews, "
        "lapses, stability, correct) VALUES (?, ?, ?, ?, ?, 1, ?, json_extract(?, "
        "'$.stability'), ?) ON CONFLICT (user_id, item_id) DO UPDATE "
        "SET card_json = excluded.card_json, due = excluded.due, last_review = "
        "excluded.last_review, reviews = reviews + 1, lapses = lapses + excluded.lapses, "
        "stability = excluded.stability, correct = correct + excluded.correct",
        (user_id, item_id, card_json, due, now, int(lapse), card_json, int(correct)))
    tx.execute(
        "INSERT INTO review_log (user_id, item_id, rating, correct, duration_ms, "
        "reviewed_at, log_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (user_id, item_id, rating, int(correct), duration_ms, now, log_json))


class QuizRepo:
    def __init__(self, db: Database):
        self.db = db

    # --- FSRS cards ----------------------------------------------------------------------
    async def cards(self, user_id: int) -> dict[str, StoredCard]:
        rows = await self.db.fetchall(
            "SELECT item_id, card_json, due FROM quiz_cards WHERE user_id = ?", (user_id,))
        return {r["item_id"]: StoredCard(r["item_id"], r["card_json"], r["due"]) for r in rows}

    async def card(self, user_id: int, item_id: str) -> StoredCard | None:
        return _card(await self.db.fetchone(
            "SELECT item_id, card_json, due FROM quiz_cards WHERE user_id = ? AND item_id = ?",
            (user_id, item_id)))

    async def due_items(self, user_id: int, now: str) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT item_id FROM quiz_cards WHERE user_id = ? AND due <= ? ORDER BY due",
            (user_id, now))
        return [r["item_id"] for r in rows]

    async def candidates(self, user_id: int, now: str) -> Candidates:
        """What a review round chooses from, read in one hand-off."""
        def read(conn: sqlite3.Connection) -> Candidates:
            due = [r[0] for r in conn.execute(
                "SELECT item_id FROM quiz_cards WHERE user_id = ? AND due <= ? ORDER BY due",
                (user_id, now))]
            seen = {r[0] for r in conn.execute(
                "SELECT item_id FROM quiz_cards WHERE user_id = ?", (user_id,))}
            done = {r[0] for r in conn.execute(
                "SELECT lesson_id FROM lesson_progress WHERE user_id = ? AND "
                "completed_at IS NOT NULL", (user_id,))}
            return Candidates(due, seen, done)

        return await self.db.run(read)

    async def next_due(self, user_id: int, after: str) -> str | None:
        return await self.db.scalar(
            "SELECT MIN(due) FROM quiz_cards WHERE user_id = ? AND due > ?", (user_id, after))

    # --- sessions ------------------------------------------------------------------------
    async def create_session(self, user_id: int, kind: str, items: list[str], now: str
                             ) -> Session:
        def create(tx: sqlite3.Connection) -> Session:
            # an officer has one live session: older unfinished ones are closed
            tx.execute("UPDATE quiz_sessions SET finished_at = ? WHERE user_id = ? AND "
                       "finished_at IS NULL", (now, user_id))
            return _session(tx.execute(
                "INSERT INTO quiz_sessions (user_id, kind, items, created_at) VALUES (?, ?, ?, ?) "
                "RETURNING *", (user_id, kind, json.dumps(items), now)).fetchone())

        return await self.db.write(create)

    async def session(self, session_id: int) -> Session | None:
        return _session(await self.db.fetchone("SELECT * FROM quiz_sessions WHERE id = ?",
                                               (session_id,)))

    async def live_session(self, user_id: int) -> Session | None:
        return _session(await self.db.fetchone(
            "SELECT * FROM quiz_sessions WHERE user_id = ? AND finished_at IS NULL "
            "ORDER BY id DESC LIMIT 1", (user_id,)))

    async def skip_item(self, session_id: int) -> Session | None:
        """Move past an item that left the course since the session began."""
        return _session(await self.db.fetchone(
            "UPDATE quiz_sessions SET position = position + 1 WHERE id = ? RETURNING *",
            (session_id,)))

    async def finish_session(self, session_id: int, now: str) -> None:
        await self.db.execute("UPDATE quiz_sessions SET finished_at = COALESCE(finished_at, ?) "
                              "WHERE id = ?", (now, session_id))

    async def finish_and_review(self, session_id: int, user_id: int, now: str, tz: tzinfo
                                ) -> tuple[Session, ReviewState] | None:
        """Close the officer's session and read what its summary shows, in one transaction:
        ``None`` if the session is not this officer's."""
        def finish(tx: sqlite3.Connection) -> tuple[Session, ReviewState] | None:
            session = _session(tx.execute(
                "UPDATE quiz_sessions SET finished_at = COALESCE(finished_at, ?) "
                "WHERE id = ? AND user_id = ? RETURNING *", (now, session_id, user_id)
            ).fetchone())
            if session is None:
                return None
            return session, _review_state(tx, user_id, now, tz)

        return await self.db.write(finish)

    async def review_state(self, user_id: int, now: str, tz: tzinfo) -> ReviewState:
        return await self.db.run(_review_state, user_id, now, tz)

    # --- presentations -------------------------------------------------------------------
    async def present(self, session_id: int, user_id: int, item_id: str, order: list[int],
                      nonce: str, now: str) -> Presentation:
        """The showing of this item in this session: the unanswered one, else a new one."""
        def present(tx: sqlite3.Connection) -> Presentation:
            row = tx.execute(
                "SELECT * FROM quiz_presentations WHERE session_id = ? AND item_id = ? AND "
                "answered_at IS NULL", (session_id, item_id)).fetchone()
            if row is None:
                row = tx.execute(
                    "INSERT INTO quiz_presentations (session_id, user_id, item_id, "
                    "option_order, nonce, shown_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING *",
                    (session_id, user_id, item_id, json.dumps(order), nonce, now)).fetchone()
            return _presentation(row)  # type: ignore[return-value]

        return await self.db.write(present)

    async def presentation(self, presentation_id: int) -> Presentation | None:
        return _presentation(await self.db.fetchone(
            "SELECT * FROM quiz_presentations WHERE id = ?", (presentation_id,)))

    async def answering(self, presentation_id: int, user_id: int, with_card: bool = False
                        ) -> Answering | None:
        """A showing of this officer's, its session and (``with_card``) the officer's FSRS
        card of its item, read together; ``None`` if the showing is not this officer's."""
        def read(conn: sqlite3.Connection) -> Answering | None:
            p = _presentation(conn.execute(
                "SELECT * FROM quiz_presentations WHERE id = ? AND user_id = ?",
                (presentation_id, user_id)).fetchone())
            if p is None:
                return None
            session = _session(conn.execute("SELECT * FROM quiz_sessions WHERE id = ?",
                                            (p.session_id,)).fetchone())
            card = _card(conn.execute(
                "SELECT item_id, card_json, due FROM quiz_cards WHERE user_id = ? AND "
                "item_id = ?", (user_id, p.item_id)).fetchone()) if with_card else None
            return Answering(p, session, card)

        return await self.db.run(read)

    async def set_selected(self, presentation_id: int, selected: frozenset[int]
                           ) -> Presentation | None:
        """Store the toggled options; the updated showing, ``None`` if already answered."""
        return _presentation(await self.db.fetchone(
            "UPDATE quiz_presentations SET selected = ? WHERE id = ? AND answered_at IS NULL "
            "RETURNING *", (",".join(str(i) for i in sorted(selected)), presentation_id)))

    async def record_answer(self, presentation: Presentation, *, correct: bool, rating: int,
                            duration_ms: int, now: str, card_json: str, due: str,
                            log_json: str, lapse: bool,
                            selected: frozenset[int] = frozenset()
                            ) -> tuple[bool, Session | None]:
        """Everything one answer changes, in one transaction, and the session after it
        (``selected``: the displayed positions chosen, kept so the answer can be shown again).
        False if already answered (a double press or a replay): then nothing is written."""
        def record(tx: sqlite3.Connection) -> tuple[bool, Session | None]:
            cur = tx.execute(
                "UPDATE quiz_presentations SET answered_at = ?, correct = ?, selected = ? "
                "WHERE id = ? AND answered_at IS NULL",
                (now, int(correct), ",".join(str(i) for i in sorted(selected)),
                 presentation.id))
            if cur.rowcount == 0:
                return False, _session(tx.execute("SELECT * FROM quiz_sessions WHERE id = ?",
                                                  (presentation.session_id,)).fetchone())
            write_review(tx, presentation.user_id, presentation.item_id, card_json=card_json,
                         due=due, now=now, lapse=lapse, rating=rating, correct=correct,
                         duration_ms=duration_ms, log_json=log_json)
            return True, _session(tx.execute(
                "UPDATE quiz_sessions SET position = position + 1, correct = correct + ? "
                "WHERE id = ? RETURNING *", (int(correct), presentation.session_id)).fetchone())

        return await self.db.write(record)

    # --- history -------------------------------------------------------------------------

    async def answer_counts(self, user_id: int) -> tuple[int, int]:
        row = await self.db.fetchone(
            "SELECT COUNT(*) AS n, COALESCE(SUM(correct), 0) AS ok FROM review_log "
            "WHERE user_id = ?", (user_id,))
        return int(row["n"]), int(row["ok"])
