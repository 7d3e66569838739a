"""The content model: immutable once loaded. Every translatable string is a ``Text``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Text:
    """A translatable string: its gettext context, the English source, and where it stands."""

    ctx: str
    source: str
    file: str = field(default="", compare=False)
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class QuizOption:
    text: Text
    correct: bool


@dataclass(frozen=True)
class QuizItem:
    id: str
    module_id: str
    lesson_id: str
    question: Text
    options: tuple[QuizOption, ...]
    explanation: Text
    sources: tuple[str, ...]
    #: the lesson card (1-based) this item tests; ``None``: the lesson's first card
    card: int | None = None


@dataclass(frozen=True)
class Lesson:
    id: str
    module_id: str
    title: Text
    cards: tuple[Text, ...]
    quiz: tuple[QuizItem, ...]
    reference: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Review:
    """A qualified reviewer's sign-off on a module: who, for which area, and when."""

    by: str  # the reviewer's name and qualification
    area: str  # health | legal
    on: date


@dataclass(frozen=True)
class Module:
    id: str
    title: Text
    summary: Text
    lessons: tuple[Lesson, ...]
    #: sign-offs by qualified health or legal reviewers; empty until someone reviews it
    review: tuple[Review, ...] = ()


@dataclass(frozen=True)
class ReferenceCard:
    id: str
    topic: str
    title: Text
    body: Text
    keywords: Text | None
    lessons: tuple[str, ...]
    sources: tuple[str, ...]
    sensitive: bool


@dataclass(frozen=True)
class Source:
    """One entry of the bibliography (``content/sources.yaml``).

    ``kind`` is ``document`` (a real publication, with its publisher and title) or
    ``practice``: good practice that no document is claimed to support.
    """

    id: str
    kind: str
    title: str
    publisher: str = ""
    year: int | None = None
    url: str = ""

    @property
    def is_document(self) -> bool:
        return self.kind == "document"


@dataclass(frozen=True)
class EmergencyNumber:
    service: str  # general | police | ambulance | rescue
    number: str
    verified: bool
    source: str | None = None  # a bibliography id: the official source that confirms it
    mobile: str | None = None  # the number to dial from a mobile phone, where it differs


@dataclass(frozen=True)
class Emergency:
    checked_on: date
    source: str
    countries: dict[str, tuple[EmergencyNumber, ...]]


@dataclass(frozen=True)
class Settings:
    source_locale: str = "en"
    locales: tuple[str, ...] = ("en",)
    complete_locales: tuple[str, ...] = ()
    min_quiz_items_per_lesson: int = 4
    min_reference_cards: int = 15


@dataclass(frozen=True)
class Course:
    modules: tuple[Module, ...]
    reference: dict[str, ReferenceCard]
    emergency: Emergency | None
    settings: Settings
    fingerprint: str
    sources: dict[str, Source] = field(default_factory=dict)
    lessons: dict[str, Lesson] = field(init=False)
    quiz_items: dict[str, QuizItem] = field(init=False)

    def __post_init__(self) -> None:
        lessons = {le.id: le for m in self.modules for le in m.lessons}
        object.__setattr__(self, "lessons", lessons)
        object.__setattr__(self, "quiz_items",
                           {q.id: q for le in lessons.values() for q in le.quiz})

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def lesson(self, lesson_id: str) -> Lesson | None:
        return self.lessons.get(lesson_id)

    def quiz_item(self, item_id: str) -> QuizItem | None:
        return self.quiz_items.get(item_id)

    def reference_card(self, card_id: str) -> ReferenceCard | None:
        return self.reference.get(card_id)

    def lessons_in_order(self) -> list[Lesson]:
        return [le for m in self.modules for le in m.lessons]

    def next_lesson(self, lesson_id: str) -> Lesson | None:
        ordered = self.lessons_in_order()
        for i, lesson in enumerate(ordered):
            if lesson.id == lesson_id:
                return ordered[i + 1] if i + 1 < len(ordered) else None
        return None

    def reference_by_topic(self, topic: str) -> list[ReferenceCard]:
        return [c for c in self.reference.values() if c.topic == topic]

    def all_texts(self) -> Iterator[Text]:
        for module in self.modules:
            yield module.title
            yield module.summary
            for lesson in module.lessons:
                yield lesson.title
                yield from lesson.cards
                for item in lesson.quiz:
                    yield item.question
                    yield from (o.text for o in item.options)
                    yield item.explanation
        for card in self.reference.values():
            yield card.title
            yield card.body
            if card.keywords is not None:
                yield card.keywords
