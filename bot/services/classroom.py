"""The bot in the classroom: a cohort's Telegram group, class quizzes as native quiz polls,
and the debrief.

* A trainer sends ``/linkcohort`` in the group and confirms in the private chat; only the
  cohort's trainer (or an admin) can link it, and the group gets the cohort's invite link.
* ``start`` creates a class quiz of 5 or 10 items of a module that fit a quiz poll in the
  group's language (``bot.course.polls``); ``advance`` (the ticker) queues one poll at a time
  in the outbox (the group's budget of 20 messages a minute), the next when the open one has
  closed, and finishes the quiz after the last.
* ``answer`` stores a ``poll_answer`` once per voter and poll; for an officer of the quiz's
  cohort it is also an FSRS review of the item, rated as a private answer is, written in the
  same transaction (so it is counted once, whatever Telegram repeats).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from telegram import InputPollOption

from bot.course.model import Module, QuizItem
from bot.course.polls import PollText, poll_text
from bot.delivery.sender import Outgoing, Skip
from bot.logs import keyed_digest
from bot.services.cohorts import CohortService
from bot.services.content import ContentService
from bot.services.outbox import OutboxService
from bot.services.quiz import QuizService
from bot.store import Store
from bot.store.classroom import ClassGroup, ClassQuiz, NewPoll, Step, Tally
from bot.store.cohorts import Cohort
from bot.store.outbox import NewMessage, OutboxRow
from bot.store.quiz import write_review
from bot.timeutil import Clock, iso, parse_iso

KIND = "classpoll"  # outbox rows of class quiz polls, rendered at send time
REFRESH_KIND = "classrefresh"  # an officer's refresher of the items missed in class
SIZES = (5, 10)
PERIODS = (20, 30, 60)  # seconds a poll stays open
#: an answer this long after the poll closed is late (Telegram's clock and ours differ)
LATE_AFTER = timedelta(seconds=2)


@dataclass(frozen=True)
class Started:
    #: ok | unlinked | forbidden | module (unknown or too few items) | running
    status: str
    quiz: ClassQuiz | None = None


@dataclass(frozen=True)
class Answered:
    #: ok | unknown (not a poll of ours) | empty (retracted) | late (after it closed)
    #: | over (the quiz was stopped) | again (this voter answered before) | invalid
    status: str
    counted: bool = False  # an FSRS review of a cohort officer


@dataclass(frozen=True)
class Question:
    position: int
    item: QuizItem
    text: PollText
    tally: Tally

    @property
    def share(self) -> float | None:
        return self.tally.right / self.tally.answered if self.tally.answered else None

    @property
    def top_wrong(self) -> str | None:
        """The most chosen wrong option's text (None when nobody chose a wrong one)."""
        wrong = [(n, i) for i, n in enumerate(self.tally.votes)
                 if i != self.tally.poll.correct and n > 0]
        if not wrong:
            return None
        _, shown = max(wrong)
        return self.text.options[self.tally.poll.order[shown]]


@dataclass(frozen=True)
class OfficerResult:
    user_id: int
    right: int
    answered: int
    missed: tuple[str, ...]  # item ids


@dataclass(frozen=True)
class Debrief:
    quiz: ClassQuiz
    questions: list[Question]
    officers: list[OfficerResult]
    voters: int  # the most answers any one question had

    @property
    def to_discuss(self) -> list[Question]:
        """The two questions the class found hardest (lowest share right)."""
        answered = [q for q in self.questions if q.share is not None]
        return sorted(answered, key=lambda q: (q.share, q.position))[:2]


def guest_voter(poll_ref: int, user_id: int) -> int:
    """A member who does not use the bot, as stored: a keyed hash of the id, per poll (the
    logs' pseudonym key, so the id cannot be found by trying every id; negative, so that it
    can never be an officer's id)."""
    digest = keyed_digest(f"class-poll:{poll_ref}:{user_id}")
    return -(int.from_bytes(digest[:7], "big") + 1)


class ClassroomService:
    def __init__(self, store: Store, content: ContentService, quiz: QuizService,
                 cohorts: CohortService, outbox: OutboxService, clock: Clock,
                 rng: random.Random | None = None):
        self.store = store
        self.content = content
        self.quiz = quiz
        self.cohorts = cohorts
        self.outbox = outbox
        self.clock = clock
        self.rng = rng or random.SystemRandom()

    # --- the group ----------------------------------------------------------------------
    async def group(self, chat_id: int) -> ClassGroup | None:
        return await self.store.classroom.group(chat_id)

    async def request_link(self, chat_id: int, user_id: int, locale: str) -> None:
        await self.store.classroom.request_link(chat_id, user_id, locale, iso(self.clock()))

    async def linkable(self, user_id: int, *, admin: bool) -> list[Cohort]:
        """Open cohorts this user may link a group to."""
        cohorts = await self.cohorts.listed(user_id, admin=admin)
        return [c for c in cohorts if not c.closed]

    async def link(self, chat_id: int, cohort_id: int, user_id: int, *, admin: bool,
                   locale: str) -> ClassGroup | None:
        """Link the group to the cohort: the cohort must be this user's (or an admin's),
        open, and this user must be the one who sent /linkcohort there."""
        cohort = await self.cohorts.get(cohort_id, user_id, admin=admin)
        if cohort is None or cohort.closed:
            return None
        if not await self.store.classroom.link(chat_id, cohort.id, user_id, locale,
                                               iso(self.clock())):
            return None
        return await self.store.classroom.group(chat_id)

    @staticmethod
    def may_run(group: ClassGroup | None, user_id: int, *, admin: bool) -> bool:
        return group is not None and group.cohort_id is not None and \
            (group.trainer_id == user_id or admin)

    async def set_locale(self, chat_id: int, user_id: int, locale: str, *, admin: bool
                         ) -> ClassGroup | None:
        group = await self.group(chat_id)
        if not self.may_run(group, user_id, admin=admin):
            return None
        await self.store.classroom.set_locale(chat_id, locale)
        return await self.group(chat_id)

    async def unlink(self, chat_id: int) -> ClassGroup | None:
        """The bot is no longer in the group: the group as it was linked (None if not)."""
        group = await self.group(chat_id)
        await self.store.classroom.unlink(chat_id, iso(self.clock()))
        return group if group is not None and group.cohort_id is not None else None

    async def migrate(self, old_chat_id: int, new_chat_id: int) -> bool:
        return await self.store.classroom.migrate(old_chat_id, new_chat_id)

    async def groups_of(self, trainer_id: int, *, admin: bool) -> list[ClassGroup]:
        cohorts = await self.cohorts.listed(trainer_id, admin=admin)
        return await self.store.classroom.group_of_cohorts([c.id for c in cohorts])

    # --- items --------------------------------------------------------------------------
    def poll_text(self, item: QuizItem, locale: str) -> PollText | None:
        served = self.content.served
        return poll_text(item, lambda text: served.text(locale, text))

    def items_for(self, module: Module, locale: str) -> list[QuizItem]:
        """The module's items that fit a quiz poll in ``locale``, in course order."""
        return [i for lesson in module.lessons for i in lesson.quiz
                if self.poll_text(i, locale) is not None]

    def modules(self, locale: str) -> list[Module]:
        """Modules with enough items for the shortest class quiz."""
        return [m for m in self.content.course.modules
                if len(self.items_for(m, locale)) >= SIZES[0]]

    # --- a class quiz -------------------------------------------------------------------
    async def start(self, chat_id: int, user_id: int, module_id: str, size: int,
                    open_period: int, *, admin: bool) -> Started:
        group = await self.group(chat_id)
        if group is None or group.cohort_id is None:
            return Started("unlinked")
        if not self.may_run(group, user_id, admin=admin):
            return Started("forbidden")
        module = self.content.course.module(module_id)
        items = self.items_for(module, group.locale) if module else []
        if size not in SIZES or open_period not in PERIODS or len(items) < SIZES[0]:
            return Started("module")
        chosen = sorted(self.rng.sample(range(len(items)), min(size, len(items))))
        polls = []
        for index in chosen:
            item = items[index]
            order = list(range(len(item.options)))
            self.rng.shuffle(order)
            right = next(pos for pos, i in enumerate(order) if item.options[i].correct)
            polls.append(NewPoll(item.id, order, right))
        quiz = await self.store.classroom.create_quiz(
            chat_id, group.cohort_id, user_id, module_id, group.locale, polls, open_period,
            iso(self.clock()))
        if quiz is None:
            return Started("running")
        return Started("ok", quiz)

    async def running(self) -> list[int]:
        return await self.store.classroom.running()

    async def advance(self, quiz_id: int) -> Step:
        """Queue the next poll when the open one closed; finish after the last."""
        step = await self.store.classroom.advance(
            quiz_id, iso(self.clock()),
            lambda quiz, poll: NewMessage(KIND, quiz.chat_id, {"poll": poll.id}))
        if step.action == "queued":
            self.outbox.wake()
        return step

    async def render(self, row: OutboxRow) -> Outgoing | Skip:
        """The outbox renderer of a class poll: Telegram's quiz poll, in the group's
        language, recording its poll id when sent (answers are mapped back by it)."""
        poll = await self.store.classroom.poll(int(row.payload.get("poll", 0)))
        quiz = await self.store.classroom.quiz(poll.quiz_id) if poll else None
        if poll is None or quiz is None or quiz.finished_at is not None:
            return Skip("class quiz over")
        item = self.content.course.quiz_item(poll.item_id)
        text = self.poll_text(item, quiz.locale) if item else None
        if text is None or len(text.options) != len(poll.order):
            return Skip("item changed")
        kwargs: dict[str, Any] = {
            "question": text.question, "question_parse_mode": None,
            "options": [InputPollOption(text.options[i], text_parse_mode=None)
                        for i in poll.order],
            "type": "quiz", "is_anonymous": False, "correct_option_ids": [poll.correct],
            "allows_revoting": False, "open_period": quiz.open_period}
        if text.explanation:
            kwargs["explanation"] = text.explanation
            kwargs["explanation_parse_mode"] = None  # plain text: no HTML to parse

        async def sent(message: Any) -> None:
            now = self.clock()
            await self.store.classroom.sent(
                poll.id, str(message.poll.id), message.message_id, iso(now),
                iso(now + timedelta(seconds=quiz.open_period)))

        return Outgoing("send_poll", kwargs, on_sent=sent)

    # --- answers ------------------------------------------------------------------------
    async def answer(self, poll_id: str, user_id: int, option_ids: list[int]) -> Answered:
        found = await self.store.classroom.answering(poll_id, user_id)
        if found is None:
            return Answered("unknown")
        poll, quiz, known, member = found
        if not option_ids:
            return Answered("empty")  # a vote retracted: the first answer stands
        if quiz.outcome not in (None, "done"):
            return Answered("over")
        now = self.clock()
        if poll.closes_at is None or now > parse_iso(poll.closes_at) + LATE_AFTER:
            return Answered("late")
        option = option_ids[0]
        item = self.content.course.quiz_item(poll.item_id)
        if item is None or not 0 <= option < len(poll.order):
            return Answered("invalid")
        correct = option == poll.correct
        review = None
        if known and member:
            seconds = max(0.0, (now - parse_iso(poll.sent_at or poll.closes_at)).total_seconds())
            review = await self.quiz.review_of(user_id, item, correct, seconds, now)
        voter = user_id if known else guest_voter(poll.id, user_id)
        written = await self.store.classroom.record_answer(
            poll.id, voter, user_id if known else None, option, correct, iso(now), item.id,
            review, write_review)
        if not written:
            return Answered("again")
        return Answered("ok", counted=review is not None)

    # --- after the quiz -----------------------------------------------------------------
    async def quiz_of(self, quiz_id: int) -> ClassQuiz | None:
        return await self.store.classroom.quiz(quiz_id)

    async def debrief(self, quiz_id: int) -> Debrief | None:
        quiz = await self.store.classroom.quiz(quiz_id)
        if quiz is None:
            return None
        tallies, answers = await self.store.classroom.results(quiz_id)
        questions = []
        for tally in tallies:
            item = self.content.course.quiz_item(tally.poll.item_id)
            text = self.poll_text(item, quiz.locale) if item else None
            if item is not None and text is not None:
                questions.append(Question(tally.poll.position, item, text, tally))
        items = {t.poll.position: t.poll.item_id for t in tallies}
        officers = [OfficerResult(user_id, sum(ok for _, ok in given), len(given),
                                  tuple(items[p] for p, ok in sorted(given) if not ok))
                    for user_id, given in sorted(answers.items())]
        return Debrief(quiz, questions, officers,
                       max((t.answered for t in tallies), default=0))

    async def send_refreshers(self, quiz_id: int, user_id: int, *, admin: bool) -> int | None:
        """Queue, once per quiz, a refresher of the missed items to each officer who missed
        some (rendered at send time in the officer's language); None when this user may not,
        else how many were queued (0 when they were queued before)."""
        debrief = await self.debrief(quiz_id)
        if debrief is None or (debrief.quiz.trainer_id != user_id and not admin) or \
                debrief.quiz.finished_at is None:
            return None
        messages = [NewMessage(REFRESH_KIND, o.user_id, {"quiz": quiz_id,
                                                         "items": list(o.missed)},
                               user_id=o.user_id)
                    for o in debrief.officers if o.missed]
        if not await self.store.classroom.queue_refresher(quiz_id, iso(self.clock()),
                                                          messages):
            return 0
        self.outbox.wake()
        return len(messages)

