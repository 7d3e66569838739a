"""Refresher quizzes scheduled by FSRS (the ``fsrs`` package): sessions, answers, retention.

Rating from correctness and answer time. A wrong answer is ``Again``. A right answer is
``Easy`` when it came within the time needed to read the question and options once
(``READ_BASE_S`` plus ``READ_CHARS_PER_S``), ``Good`` within ``HARD_FACTOR`` times that, and
``Hard`` when slower: a slow right answer means the memory was there but effortful, which is
what FSRS's Hard expresses. Answers slower than ``AWAY_AFTER_S`` are rated Good: the officer
most likely put the phone down, which says nothing about the memory.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime

from fsrs import Card, Rating, Scheduler

from bot.course.model import Course, QuizItem
from bot.services.content import ContentService
from bot.services.report_scope import projected_recall
from bot.store import Store
from bot.store.classroom import Review as StoredReview
from bot.store.quiz import Answering, Presentation, Session
from bot.timeutil import Clock, iso, parse_iso

SESSION_SIZE = 5
READ_BASE_S = 4.0
READ_CHARS_PER_S = 20.0
HARD_FACTOR = 2.5
AWAY_AFTER_S = 300.0


def make_scheduler(*, fuzzing: bool = True) -> Scheduler:
    """Day-scale scheduling: no minute-level learning steps. Officers practise once a day;
    a step of 10 minutes would make items fall due while they are on duty."""
    return Scheduler(desired_retention=0.9, learning_steps=(), relearning_steps=(),
                     enable_fuzzing=fuzzing)


def rate(item: QuizItem, correct: bool, seconds: float) -> Rating:
    if not correct:
        return Rating.Again
    if seconds >= AWAY_AFTER_S:
        return Rating.Good
    chars = len(item.question.source) + sum(len(o.text.source) for o in item.options)
    reading = READ_BASE_S + chars / READ_CHARS_PER_S
    if seconds <= reading:
        return Rating.Easy
    if seconds <= reading * HARD_FACTOR:
        return Rating.Good
    return Rating.Hard


@dataclass(frozen=True)
class Question:
    session: Session
    presentation: Presentation
    item: QuizItem
    number: int  # 1-based within the session
    total: int

    @property
    def multiple(self) -> bool:
        return sum(o.correct for o in self.item.options) > 1


@dataclass(frozen=True)
class Answer:
    #: ok | already (answered before) | old (its quiz was replaced) | empty (nothing chosen)
    #: | invalid (forged, or the item changed)
    status: str
    item: QuizItem | None = None
    presentation: Presentation | None = None
    correct: bool = False
    chosen: frozenset[int] = frozenset()  # displayed positions
    right: frozenset[int] = frozenset()  # displayed positions of the correct options
    rating: Rating | None = None
    session: Session | None = None


@dataclass(frozen=True)
class Summary:
    correct: int
    total: int
    streak_days: int
    due_now: int
    next_due: datetime | None


@dataclass(frozen=True)
class ModuleRetention:
    module_id: str
    reviewed: int
    items: int
    recall: float | None  # mean predicted recall of reviewed items, 0..1


class QuizService:
    def __init__(self, store: Store, content: ContentService, clock: Clock,
                 scheduler: Scheduler | None = None, rng: random.Random | None = None):
        self.store = store
        self.content = content
        self.clock = clock
        self.scheduler = scheduler or make_scheduler()
        self.rng = rng or random.SystemRandom()

    @property
    def course(self) -> Course:
        return self.content.course

    # --- choosing items ------------------------------------------------------------------
    async def due_items(self, user_id: int) -> list[str]:
        due = await self.store.quiz.due_items(user_id, iso(self.clock()))
        return [i for i in due if self.course.quiz_item(i) is not None]

    async def new_items(self, user_id: int) -> list[str]:
        """Items of completed lessons never answered, in course order."""
        found = await self.store.quiz.candidates(user_id, iso(self.clock()))
        return self._new(found.completed, found.seen)

    def _new(self, done: set[str], seen: set[str]) -> list[str]:
        return [item.id for lesson in self.course.lessons_in_order() if lesson.id in done
                for item in lesson.quiz if item.id not in seen]

    async def start_review(self, user_id: int) -> Session | None:
        """Due items first, then new ones; ``None`` when there is nothing to ask."""
        found = await self.store.quiz.candidates(user_id, iso(self.clock()))
        items = [i for i in found.due if self.course.quiz_item(i) is not None][:SESSION_SIZE]
        if len(items) < SESSION_SIZE:
            items += self._new(found.completed, found.seen)[:SESSION_SIZE - len(items)]
        if not items:
            return None
        return await self.create_session(user_id, "review", items)

    async def start_lesson(self, user_id: int, lesson_id: str) -> Session | None:
        lesson = self.course.lesson(lesson_id)
        if lesson is None or not lesson.quiz:
            return None
        items = [i.id for i in lesson.quiz]
        return await self.create_session(user_id, f"lesson:{lesson.id}", items)

    async def create_session(self, user_id: int, kind: str, items: list[str]) -> Session:
        return await self.store.quiz.create_session(user_id, kind, items, iso(self.clock()))

    # --- asking --------------------------------------------------------------------------
    async def next_question(self, user_id: int, session: int | Session) -> Question | None:
        """The session's next question, shuffled for this presentation; ``None`` when done.
        ``session`` is its id, or the session as just read (which saves reading it again)."""
        if isinstance(session, int):
            session = await self.store.quiz.session(session)
        if session is None or session.user_id != user_id or session.finished:
            return None
        while session.position < len(session.items):
            item = self.course.quiz_item(session.items[session.position])
            if item is not None:
                break
            # the item left the course since the session began: skip it
            session = await self._skip(session)
        else:
            await self.store.quiz.finish_session(session.id, iso(self.clock()))
            return None
        order = list(range(len(item.options)))
        self.rng.shuffle(order)
        presentation = await self.store.quiz.present(session.id, user_id, item.id, order,
                                                     secrets.token_hex(3), iso(self.clock()))
        return Question(session, presentation, item, session.position + 1, len(session.items))

    async def _skip(self, session: Session) -> Session:
        fresh = await self.store.quiz.skip_item(session.id)
        assert fresh is not None
        return fresh

    async def _checked(self, user_id: int, presentation_id: int, nonce: str,
                       with_card: bool = False) -> tuple[Answering, QuizItem] | None:
        """The showing (with its session, and the card if asked), read in one hand-off, if
        it is this officer's, the nonce matches and its item is still as it was shown."""
        state = await self.store.quiz.answering(presentation_id, user_id, with_card)
        if state is None or not secrets.compare_digest(state.presentation.nonce, nonce):
            return None
        p = state.presentation
        item = self.course.quiz_item(p.item_id)
        if item is None or len(p.order) != len(item.options):
            return None  # the item changed since it was shown
        return state, item

    async def toggle(self, user_id: int, presentation_id: int, nonce: str, position: int
                     ) -> tuple[str, Question | None]:
        """Select or unselect an option of a several-answers question."""
        checked = await self._checked(user_id, presentation_id, nonce)
        if checked is None or not 0 <= position < len(checked[0].presentation.order):
            return "invalid", None
        (p, session, _), item = checked
        if p.answered:
            return "already", None
        if session is None or session.finished:
            return "old", None
        fresh = await self.store.quiz.set_selected(p.id, p.selected ^ {position})
        if fresh is None:  # answered meanwhile
            return "already", None
        return "ok", Question(session, fresh, item, session.position + 1, len(session.items))

    async def answer(self, user_id: int, presentation_id: int, nonce: str,
                     positions: frozenset[int] | None) -> Answer:
        """Score an answer: ``positions`` chosen (displayed order), or ``None`` to submit the
        toggled selection. Replays and double presses change nothing."""
        checked = await self._checked(user_id, presentation_id, nonce, with_card=True)
        if checked is None:
            return Answer("invalid")
        (p, session, stored), item = checked
        chosen = p.selected if positions is None else positions
        if any(not 0 <= i < len(p.order) for i in chosen):
            return Answer("invalid")
        right = frozenset(pos for pos, idx in enumerate(p.order) if item.options[idx].correct)
        if p.answered or session is None:
            # answered before: what was chosen then, so that the answer can be shown again
            return Answer("already", item, p, p.selected == right, p.selected, right, None,
                          session)
        if not chosen:
            return Answer("empty")
        if session.finished:
            return Answer("old", item, p, session=session)
        correct = chosen == right
        now = self.clock()
        seconds = max(0.0, (now - parse_iso(p.shown_at)).total_seconds())
        rating = rate(item, correct, seconds)
        # Card() without an id sleeps 1 ms (to make ids unique), blocking the event loop: the
        # id is only a label in the review log, so it is the creation time, given here.
        card = Card.from_json(stored.card_json) if stored else \
            Card(card_id=int(now.timestamp() * 1000))
        card, log = self.scheduler.review_card(card, rating, now, int(seconds * 1000))
        written, session = await self.store.quiz.record_answer(
            p, correct=correct, rating=int(rating), duration_ms=int(seconds * 1000),
            now=iso(now), card_json=card.to_json(), due=iso(card.due), log_json=log.to_json(),
            lapse=stored is not None and not correct, selected=chosen)
        if not written:
            return Answer("already", item, p, correct, chosen, right, None, session)
        return Answer("ok", item, p, correct, chosen, right, rating, session)

    async def review_of(self, user_id: int, item: QuizItem, correct: bool, seconds: float,
                        now: datetime) -> StoredReview:
        """The FSRS review of an answer given outside a session (a class quiz poll), rated
        as a private answer is (``rate``); written by the caller's transaction
        (``bot.store.quiz.write_review``)."""
        stored = await self.store.quiz.card(user_id, item.id)
        rating = rate(item, correct, seconds)
        card = Card.from_json(stored.card_json) if stored else \
            Card(card_id=int(now.timestamp() * 1000))
        card, log = self.scheduler.review_card(card, rating, now, int(seconds * 1000))
        return StoredReview(card.to_json(), iso(card.due), log.to_json(), int(rating),
                            stored is not None and not correct, int(seconds * 1000))

    # --- results -------------------------------------------------------------------------
    async def summary(self, user_id: int, session_id: int, tz) -> Summary | None:
        """Close the session and sum it up: one transaction."""
        finished = await self.store.quiz.finish_and_review(session_id, user_id,
                                                           iso(self.clock()), tz)
        if finished is None:
            return None
        session, state = finished
        due = [i for i in state.due if self.course.quiz_item(i) is not None]
        return Summary(session.correct, len(session.items), state.streak_days, len(due),
                       parse_iso(state.next_due) if state.next_due else None)

    async def streak(self, user_id: int, tz) -> int:
        """Consecutive local days, up to today (or yesterday), with at least one answer."""
        return (await self.store.quiz.review_state(user_id, iso(self.clock()), tz)).streak_days

    async def open_session(self, user_id: int) -> Session | None:
        """The officer's quiz in progress: unfinished, with some but not all questions
        answered (one with none answered yet has nothing to lose by starting again)."""
        session = await self.store.quiz.live_session(user_id)
        if session is None or not 0 < session.position < len(session.items):
            return None
        return session

    async def due_count(self, user_id: int) -> int:
        return len(await self.due_items(user_id))

    async def retention(self, user_id: int) -> list[ModuleRetention]:
        """Predicted recall (FSRS retrievability) projected a week ahead, as every report
        measures it (``bot.services.report_scope``), averaged per module."""
        now = self.clock()
        cards = await self.store.quiz.cards(user_id)
        out = []
        for module in self.course.modules:
            items = [i for lesson in module.lessons for i in lesson.quiz]
            recalls = [projected_recall(self.scheduler, Card.from_json(cards[i.id].card_json),
                                        now) for i in items if i.id in cards]
            out.append(ModuleRetention(module.id, len(recalls), len(items),
                                       sum(recalls) / len(recalls) if recalls else None))
        return out

