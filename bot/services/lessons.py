"""Lessons: where each officer is in the course, card by card, and what comes next."""

from __future__ import annotations

from dataclasses import dataclass

from bot.course.model import Lesson, Module
from bot.services.content import ContentService
from bot.store import Store
from bot.store.progress import LessonState
from bot.timeutil import Clock, iso


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    done: int
    total: int

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


@dataclass(frozen=True)
class LessonStatus:
    lesson: Lesson
    completed: bool
    started: bool


@dataclass(frozen=True)
class Place:
    """A card of a lesson (1-based), clamped into the lesson as it is now."""

    lesson: Lesson
    module: Module
    card: int

    @property
    def total(self) -> int:
        return len(self.lesson.cards)

    @property
    def is_last(self) -> bool:
        return self.card >= self.total


@dataclass(frozen=True)
class Finished:
    lesson: Lesson
    module: Module
    first_time: bool
    module_progress: ModuleProgress
    next_lesson: Lesson | None


class LessonService:
    def __init__(self, store: Store, content: ContentService, clock: Clock):
        self.store = store
        self.content = content
        self.clock = clock

    def _module_of(self, lesson: Lesson) -> Module:
        module = self.content.course.module(lesson.module_id)
        assert module is not None
        return module

    async def modules(self, user_id: int) -> list[ModuleProgress]:
        done = await self.store.progress.completed(user_id)
        return [ModuleProgress(m, sum(1 for le in m.lessons if le.id in done), len(m.lessons))
                for m in self.content.course.modules]

    async def module(self, user_id: int, module_id: str
                     ) -> tuple[ModuleProgress, list[LessonStatus]] | None:
        module = self.content.course.module(module_id)
        if module is None:
            return None
        return self._module_status(module, await self.store.progress.states(user_id))

    @staticmethod
    def _module_status(module: Module, states: dict[str, LessonState]
                       ) -> tuple[ModuleProgress, list[LessonStatus]]:
        lessons = [LessonStatus(le, bool(states.get(le.id) and states[le.id].completed),
                                le.id in states) for le in module.lessons]
        done = sum(1 for s in lessons if s.completed)
        return ModuleProgress(module, done, len(module.lessons)), lessons

    async def open(self, user_id: int, lesson_id: str, card: int) -> Place | None:
        """Show a card: record the view. ``None`` if the lesson no longer exists."""
        lesson = self.content.course.lesson(lesson_id)
        if lesson is None:
            return None
        card = min(max(card, 1), len(lesson.cards))
        await self.store.progress.record_view(user_id, lesson.id, card, iso(self.clock()))
        return Place(lesson, self._module_of(lesson), card)

    async def finish(self, user_id: int, lesson_id: str) -> Finished | None:
        course = self.content.course
        lesson = course.lesson(lesson_id)
        if lesson is None:
            return None
        first, states = await self.store.progress.complete(user_id, lesson.id,
                                                           iso(self.clock()))
        module = self._module_of(lesson)
        progress, _ = self._module_status(module, states)
        done = {lesson_id for lesson_id, state in states.items() if state.completed}
        upcoming = [le for le in course.lessons_in_order() if le.id not in done]
        after = course.next_lesson(lesson.id)
        next_lesson = after if after is not None and after.id not in done else \
            (upcoming[0] if upcoming else None)
        return Finished(lesson, module, first, progress, next_lesson)

    async def resume_point(self, user_id: int) -> Place | None:
        """The most recent unfinished lesson at its card, else the first lesson not done."""
        course = self.content.course
        states = await self.store.progress.states(user_id)
        if not states:
            return None
        open_lessons = sorted((s for s in states.values()
                               if not s.completed and course.lesson(s.lesson_id)),
                              key=lambda s: s.updated_at, reverse=True)
        if open_lessons:
            lesson = course.lesson(open_lessons[0].lesson_id)
            assert lesson is not None
            card = min(open_lessons[0].card, len(lesson.cards))
            return Place(lesson, self._module_of(lesson), card)
        for lesson in course.lessons_in_order():
            if lesson.id not in states:
                return Place(lesson, self._module_of(lesson), 1)
        return None
