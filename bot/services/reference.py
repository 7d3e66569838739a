"""Reference cards: browsing by topic (the modules that have cards) and related lessons."""

from __future__ import annotations

from dataclasses import dataclass

from bot.course.model import Lesson, Module, ReferenceCard
from bot.services.content import ContentService

#: How many cards an empty inline query offers.
TOP_CARDS = 8


@dataclass(frozen=True)
class Topic:
    module: Module
    cards: tuple[ReferenceCard, ...]


@dataclass(frozen=True)
class CardView:
    card: ReferenceCard
    topic: Module
    lessons: tuple[Lesson, ...]


class ReferenceService:
    def __init__(self, content: ContentService):
        self.content = content

    def topics(self) -> list[Topic]:
        """The modules that have reference cards, in course order."""
        course = self.content.course
        out = []
        for module in course.modules:
            cards = tuple(course.reference_by_topic(module.id))
            if cards:
                out.append(Topic(module, cards))
        return out

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics() if t.module.id == topic_id), None)

    def card(self, card_id: str) -> CardView | None:
        """A card with its topic and the related lessons that exist; None if it is gone."""
        course = self.content.course
        card = course.reference_card(card_id)
        if card is None:
            return None
        topic = course.module(card.topic)
        if topic is None:
            return None
        lessons = tuple(le for i in card.lessons if (le := course.lesson(i)) is not None)
        return CardView(card, topic, lessons)

    def top_cards(self, *, shareable_only: bool = True, limit: int = TOP_CARDS
                  ) -> list[ReferenceCard]:
        """A few cards to offer before an officer types: the first of each topic first."""
        topics = self.topics()
        ordered: list[ReferenceCard] = []
        depth = max((len(t.cards) for t in topics), default=0)
        for i in range(depth):
            ordered += [t.cards[i] for t in topics if i < len(t.cards)]
        if shareable_only:
            ordered = [c for c in ordered if not c.sensitive]
        return ordered[:limit]
