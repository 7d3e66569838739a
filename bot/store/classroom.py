"""Class groups, class quizzes (native quiz polls in a cohort's group) and their answers.

A group is linked to one cohort (``class_groups``), after its trainer confirmed in private.
A class quiz is a list of polls (``class_polls``, all created at the start, each queued in the
outbox when its turn comes); each answer (``class_answers``) is stored once per poll and voter.
``voter`` is the Telegram user id of a member who uses the bot (``user_id`` is then set and
the answer is deleted with the officer) and a keyed hash for a member who does not.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.store.db import Database
from bot.store.outbox import NewMessage, insert_messages


@dataclass(frozen=True)
class ClassGroup:
    chat_id: int
    cohort_id: int | None
    locale: str
    requested_by: int | None
    linked_at: str | None
    #: of the linked cohort (None when not linked)
    trainer_id: int | None = None
    cohort_name: str | None = None
    invite_code: str | None = None


@dataclass(frozen=True)
class ClassQuiz:
    id: int
    chat_id: int
    cohort_id: int | None
    trainer_id: int | None
    module_id: str
    locale: str
    items: tuple[str, ...]
    open_period: int
    started_at: str
    finished_at: str | None
    outcome: str | None  # done | failed | unlinked


@dataclass(frozen=True)
class ClassPoll:
    id: int
    quiz_id: int
    position: int
    item_id: str
    order: tuple[int, ...]  # option indexes (content order) as shown
    correct: int  # the shown position of the correct option
    outbox_id: int | None
    poll_id: str | None
    sent_at: str | None
    closes_at: str | None


@dataclass(frozen=True)
class Tally:
    """One poll's answers: how many chose each shown option."""

    poll: ClassPoll
    votes: tuple[int, ...]

    @property
    def answered(self) -> int:
        return sum(self.votes)

    @property
    def right(self) -> int:
        return self.votes[self.poll.correct] if self.poll.correct < len(self.votes) else 0


@dataclass(frozen=True)
class Step:
    """What ``advance`` did: ``queued`` a poll (its position), ``waiting`` for the open one,
    ``finished`` (the last poll closed), ``failed`` (Telegram refused a poll: its reason)
    or ``over`` (nothing to do)."""

    action: str
    quiz: ClassQuiz | None = None
    position: int = 0
    reason: str | None = None


def _group(row: sqlite3.Row | None) -> ClassGroup | None:
    if row is None:
        return None
    return ClassGroup(row["chat_id"], row["cohort_id"], row["locale"], row["requested_by"],
                      row["linked_at"], row["trainer_id"], row["name"], row["invite_code"])


def _quiz(row: sqlite3.Row | None) -> ClassQuiz | None:
    if row is None:
        return None
    return ClassQuiz(row["id"], row["chat_id"], row["cohort_id"], row["trainer_id"],
                     row["module_id"], row["locale"], tuple(json.loads(row["items"])),
                     row["open_period"], row["started_at"], row["finished_at"], row["outcome"])


def _poll(row: sqlite3.Row | None) -> ClassPoll | None:
    if row is None:
        return None
    return ClassPoll(row["id"], row["quiz_id"], row["position"], row["item_id"],
                     tuple(json.loads(row["option_order"])), row["correct"], row["outbox_id"],
                     row["poll_id"], row["sent_at"], row["closes_at"])


@dataclass(frozen=True)
class NewPoll:
    item_id: str
    order: Sequence[int]
    correct: int


@dataclass(frozen=True)
class Review:
    """An FSRS review to write with a class answer (prepared by ``QuizService``)."""

    card_json: str
    due: str
    log_json: str
    rating: int
    lapse: bool
    duration_ms: int


class ClassroomRepo:
    def __init__(self, db: Database):
        self.db = db

    # --- groups -------------------------------------------------------------------------
    async def request_link(self, chat_id: int, user_id: int, locale: str, now: str) -> None:
        """Remember who asked to link this group (only they can confirm it)."""
        await self.db.execute(
            "INSERT INTO class_groups (chat_id, locale, requested_by, requested_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET requested_by = "
            "excluded.requested_by, requested_at = excluded.requested_at",
            (chat_id, locale, user_id, now))

    async def group(self, chat_id: int) -> ClassGroup | None:
        return _group(await self.db.fetchone(
            "SELECT g.*, c.trainer_id, c.name, c.invite_code FROM class_groups g "
            "LEFT JOIN cohorts c ON c.id = g.cohort_id WHERE g.chat_id = ?", (chat_id,)))

    async def group_of_cohorts(self, cohort_ids: Sequence[int]) -> list[ClassGroup]:
        rows = await self.db.fetchall(
            "SELECT g.*, c.trainer_id, c.name, c.invite_code FROM class_groups g "
            "JOIN cohorts c ON c.id = g.cohort_id WHERE g.cohort_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY g.cohort_id",
            (json.dumps([int(i) for i in cohort_ids]),))
        return [_group(r) for r in rows]  # type: ignore[misc]

    async def link(self, chat_id: int, cohort_id: int, user_id: int, locale: str, now: str
                   ) -> bool:
        """Link the group to the cohort if ``user_id`` asked for it; a cohort has one group
        (the one linked before is unlinked)."""
        def link(tx: sqlite3.Connection) -> bool:
            asked = tx.execute("SELECT 1 FROM class_groups WHERE chat_id = ? AND "
                               "requested_by = ?", (chat_id, user_id)).fetchone()
            if asked is None:
                return False
            tx.execute("UPDATE class_groups SET cohort_id = NULL, linked_at = NULL "
                       "WHERE cohort_id = ? AND chat_id != ?", (cohort_id, chat_id))
            tx.execute("UPDATE class_groups SET cohort_id = ?, linked_at = ?, locale = ? "
                       "WHERE chat_id = ?", (cohort_id, now, locale, chat_id))
            return True

        return await self.db.write(link)

    async def set_locale(self, chat_id: int, locale: str) -> bool:
        return await self.db.execute("UPDATE class_groups SET locale = ? WHERE chat_id = ?",
                                     (locale, chat_id)) == 1

    async def unlink(self, chat_id: int, now: str) -> bool:
        """The bot left the group (or was removed): forget the group, stop its quiz.
        True if it was linked to a cohort."""
        def unlink(tx: sqlite3.Connection) -> bool:
            row = tx.execute("DELETE FROM class_groups WHERE chat_id = ? RETURNING cohort_id",
                             (chat_id,)).fetchone()
            tx.execute("UPDATE class_quizzes SET finished_at = ?, outcome = 'unlinked' "
                       "WHERE chat_id = ? AND finished_at IS NULL", (now, chat_id))
            return row is not None and row["cohort_id"] is not None

        return await self.db.write(unlink)

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> bool:
        """The group became a supergroup (a new chat id): the link and its quizzes follow."""
        def migrate(tx: sqlite3.Connection) -> bool:
            moved = tx.execute("UPDATE class_groups SET chat_id = ? WHERE chat_id = ?",
                               (new_chat_id, old_chat_id)).rowcount
            tx.execute("UPDATE class_quizzes SET chat_id = ? WHERE chat_id = ?",
                       (new_chat_id, old_chat_id))
            return moved == 1

        return await self.db.write(migrate)

    # --- quizzes ------------------------------------------------------------------------
    async def create_quiz(self, chat_id: int, cohort_id: int, trainer_id: int, module_id: str,
                          locale: str, polls: Sequence[NewPoll], open_period: int, now: str
                          ) -> ClassQuiz | None:
        """A class quiz with all its polls; None while another one runs in this group."""
        def create(tx: sqlite3.Connection) -> ClassQuiz | None:
            if tx.execute("SELECT 1 FROM class_quizzes WHERE chat_id = ? AND finished_at IS "
                          "NULL", (chat_id,)).fetchone() is not None:
                return None
            quiz = _quiz(tx.execute(
                "INSERT INTO class_quizzes (chat_id, cohort_id, trainer_id, module_id, locale, "
                "items, open_period, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
                (chat_id, cohort_id, trainer_id, module_id, locale,
                 json.dumps([p.item_id for p in polls]), open_period, now)).fetchone())
            assert quiz is not None
            tx.executemany(
                "INSERT INTO class_polls (quiz_id, position, item_id, option_order, correct) "
                "VALUES (?, ?, ?, ?, ?)",
                [(quiz.id, i, p.item_id, json.dumps(list(p.order)), p.correct)
                 for i, p in enumerate(polls)])
            return quiz

        return await self.db.write(create)

    async def quiz(self, quiz_id: int) -> ClassQuiz | None:
        return _quiz(await self.db.fetchone("SELECT * FROM class_quizzes WHERE id = ?",
                                            (quiz_id,)))

    async def running(self) -> list[int]:
        """Ids of the class quizzes not finished (a handful at any time)."""
        rows = await self.db.fetchall(
            "SELECT id FROM class_quizzes WHERE finished_at IS NULL ORDER BY id")
        return [r["id"] for r in rows]

    async def poll(self, poll_ref: int) -> ClassPoll | None:
        return _poll(await self.db.fetchone("SELECT * FROM class_polls WHERE id = ?",
                                            (poll_ref,)))

    async def sent(self, poll_ref: int, poll_id: str, message_id: int, sent_at: str,
                   closes_at: str) -> None:
        await self.db.execute(
            "UPDATE class_polls SET poll_id = ?, message_id = ?, sent_at = ?, closes_at = ? "
            "WHERE id = ?", (poll_id, message_id, sent_at, closes_at, poll_ref))

    async def advance(self, quiz_id: int, now: str,
                      message: Callable[[ClassQuiz, ClassPoll], NewMessage]) -> Step:
        """One step of a running quiz, in one transaction: when the open poll has closed
        (or none was queued yet), queue the next (``message`` makes its outbox row), or
        finish the quiz after the last; a poll Telegram refused ends the quiz."""
        def step(tx: sqlite3.Connection) -> Step:
            quiz = _quiz(tx.execute("SELECT * FROM class_quizzes WHERE id = ?",
                                    (quiz_id,)).fetchone())
            if quiz is None or quiz.finished_at is not None:
                return Step("over", quiz)
            current = tx.execute(
                "SELECT p.*, o.state, o.error FROM class_polls p LEFT JOIN outbox o ON "
                "o.id = p.outbox_id WHERE p.quiz_id = ? AND p.queued_at IS NOT NULL "
                "ORDER BY p.position DESC LIMIT 1", (quiz_id,)).fetchone()
            if current is not None:
                if current["state"] in ("failed", "blocked", "expired", "cancelled", "skipped"):
                    tx.execute("UPDATE class_quizzes SET finished_at = ?, outcome = 'failed' "
                               "WHERE id = ?", (now, quiz_id))
                    return Step("failed", quiz, current["position"], current["error"])
                if current["closes_at"] is None or current["closes_at"] > now:
                    return Step("waiting", quiz, current["position"])
            position = 0 if current is None else current["position"] + 1
            poll = _poll(tx.execute("SELECT * FROM class_polls WHERE quiz_id = ? AND "
                                    "position = ?", (quiz_id, position)).fetchone())
            if poll is None:
                tx.execute("UPDATE class_quizzes SET finished_at = ?, outcome = 'done' "
                           "WHERE id = ?", (now, quiz_id))
                return Step("finished", quiz, position)
            insert_messages(tx, [message(quiz, poll)], now)
            tx.execute("UPDATE class_polls SET queued_at = ?, outbox_id = last_insert_rowid() "
                       "WHERE id = ?", (now, poll.id))
            return Step("queued", quiz, position)

        return await self.db.write(step)

    # --- answers ------------------------------------------------------------------------
    async def answering(self, poll_id: str, user_id: int) -> tuple[ClassPoll, ClassQuiz,
                                                                   bool, bool] | None:
        """The poll (by Telegram's id), its quiz, whether the voter is an officer of the bot
        and whether a member of the quiz's cohort: one hand-off."""
        def read(conn: sqlite3.Connection) -> tuple[ClassPoll, ClassQuiz, bool, bool] | None:
            poll = _poll(conn.execute("SELECT * FROM class_polls WHERE poll_id = ?",
                                      (poll_id,)).fetchone())
            if poll is None:
                return None
            quiz = _quiz(conn.execute("SELECT * FROM class_quizzes WHERE id = ?",
                                      (poll.quiz_id,)).fetchone())
            assert quiz is not None
            known = conn.execute("SELECT 1 FROM users WHERE user_id = ?",
                                 (user_id,)).fetchone() is not None
            member = quiz.cohort_id is not None and conn.execute(
                "SELECT 1 FROM cohort_members WHERE cohort_id = ? AND user_id = ?",
                (quiz.cohort_id, user_id)).fetchone() is not None
            return poll, quiz, known, member

        return await self.db.run(read)

    async def record_answer(self, poll_ref: int, voter: int, user_id: int | None, option: int,
                            correct: bool, now: str, item_id: str,
                            review: Review | None,
                            write_review: Callable[..., None]) -> bool:
        """Store one answer (the first of this voter to this poll; False for any other) and,
        with ``review``, the officer's FSRS review of the item, in one transaction."""
        def record(tx: sqlite3.Connection) -> bool:
            cur = tx.execute(
                "INSERT INTO class_answers (poll_ref, voter, user_id, option, correct, counted, "
                "answered_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (poll_ref, voter) "
                "DO NOTHING", (poll_ref, voter, user_id, option, int(correct),
                               int(review is not None), now))
            if cur.rowcount == 0:
                return False
            if review is not None and user_id is not None:
                write_review(tx, user_id, item_id, card_json=review.card_json, due=review.due,
                             now=now, lapse=review.lapse, rating=review.rating,
                             correct=correct, duration_ms=review.duration_ms,
                             log_json=review.log_json)
            return True

        return await self.db.write(record)

    # --- results ------------------------------------------------------------------------
    async def results(self, quiz_id: int) -> tuple[list[Tally], dict[int, list[tuple[int, bool]]]]:
        """Per poll the votes per shown option; per officer of the bot who answered, their
        (position, correct) answers. One hand-off."""
        def read(conn: sqlite3.Connection) -> tuple[list[Tally], dict[int, list[Any]]]:
            polls = [_poll(r) for r in conn.execute(
                "SELECT * FROM class_polls WHERE quiz_id = ? ORDER BY position", (quiz_id,))]
            tallies = []
            officers: dict[int, list[Any]] = {}
            for poll in polls:
                assert poll is not None
                votes = [0] * len(poll.order)
                for row in conn.execute("SELECT option, COUNT(*) AS n FROM class_answers "
                                        "WHERE poll_ref = ? GROUP BY option", (poll.id,)):
                    if 0 <= row["option"] < len(votes):
                        votes[row["option"]] = row["n"]
                tallies.append(Tally(poll, tuple(votes)))
                for row in conn.execute("SELECT user_id, correct FROM class_answers WHERE "
                                        "poll_ref = ? AND user_id IS NOT NULL", (poll.id,)):
                    officers.setdefault(row["user_id"], []).append(
                        (poll.position, bool(row["correct"])))
            return tallies, officers

        return await self.db.run(read)

    async def queue_refresher(self, quiz_id: int, now: str, messages: Sequence[NewMessage]
                              ) -> bool:
        """Queue the refreshers of a finished quiz's missed items: once per quiz (False if
        they were queued before), in one transaction."""
        def queue(tx: sqlite3.Connection) -> bool:
            if tx.execute("UPDATE class_quizzes SET refresher_at = ? WHERE id = ? AND "
                          "refresher_at IS NULL AND finished_at IS NOT NULL",
                          (now, quiz_id)).rowcount != 1:
                return False
            insert_messages(tx, messages, now)
            return True

        return await self.db.write(queue)
