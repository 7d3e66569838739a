"""One content file at a time: course.yaml, a module, a reference file, emergency.yaml.

Each function reads a composed document with a ``Reader``, reports every problem it finds and
returns the object, or None when an error leaves it incomplete. It goes on reading after an
error, so that one mistake does not hide the next, nor the ids defined further down.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import yaml
from babel import Locale, UnknownLocaleError

from bot.course.model import (
    Emergency,
    EmergencyNumber,
    Lesson,
    Module,
    QuizItem,
    QuizOption,
    ReferenceCard,
    Review,
    Settings,
    Source,
)
from bot.course.reader import Reader

SERVICES = frozenset({"general", "police", "ambulance", "rescue"})
REVIEW_AREAS = ("health", "legal")
MIN_OPTIONS, MAX_OPTIONS = 2, 6
MIN_CARDS, MAX_CARDS = 1, 6  # more than MAX_CARDS is a warning: a lesson is a minute's read
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DIGITS = re.compile(r"^[0-9]+$")


def _ctx(prefix: str, item_id: str | None) -> Callable[[str], str | None]:
    """Contexts ``prefix:id:field``; None for all fields when the id is unusable."""
    return lambda name: f"{prefix}:{item_id}:{name}" if item_id else None


def read_settings(r: Reader, node: yaml.Node | None) -> Settings:
    fields = r.mapping(node, "course.yaml", set(), {
        "source_locale", "locales", "complete_locales", "min_quiz_items_per_lesson",
        "min_reference_cards"})
    if fields is None:
        return Settings()
    default = Settings()
    source = r.string(fields.get("source_locale"), "source_locale") or default.source_locale
    locales = r.strings(fields.get("locales"), "locales") or (source,)
    complete = r.strings(fields.get("complete_locales"), "complete_locales")
    for locale in dict.fromkeys((source, *locales)):
        try:
            Locale.parse(locale)
        except (ValueError, UnknownLocaleError):
            r.error(fields.get("locales"), f"'{locale}' is not a locale babel knows")
    if source not in locales:
        r.error(fields.get("locales"), f"locales must include the source locale '{source}'")
    for locale in complete:
        if locale not in locales:
            r.error(fields["complete_locales"], f"complete locale '{locale}' is not in locales")
    return Settings(
        source_locale=source, locales=locales, complete_locales=complete,
        min_quiz_items_per_lesson=r.integer(fields.get("min_quiz_items_per_lesson"),
                                            "min_quiz_items_per_lesson",
                                            default.min_quiz_items_per_lesson),
        min_reference_cards=r.integer(fields.get("min_reference_cards"), "min_reference_cards",
                                      default.min_reference_cards))


def read_module(r: Reader, node: yaml.Node | None, settings: Settings) -> Module | None:
    fields = r.mapping(node, "module", {"id", "title", "summary", "review", "lessons"})
    if fields is None:
        return None
    module_id = r.new_id(fields.get("id"), "module")
    review = _review(r, fields.get("review"), f"module '{module_id}'")
    ctx = _ctx("module", module_id)
    title = r.text(fields.get("title"), ctx("title"), "title")
    summary = r.text(fields.get("summary"), ctx("summary"), "summary")
    lesson_nodes = r.seq(fields.get("lessons"), "lessons")
    if "lessons" in fields and not lesson_nodes:
        r.error(fields["lessons"], f"module '{module_id}' has no lessons")
    lessons = [_lesson(r, n, module_id or "?", settings) for n in lesson_nodes]
    if module_id is None or title is None or summary is None or None in lessons or \
            review is None:
        return None
    return Module(module_id, title, summary, tuple(lessons), review)  # type: ignore[arg-type]


def _sources(r: Reader, fields: dict[str, yaml.Node], owner: str) -> tuple[str, ...]:
    """Bibliography ids (``content/sources.yaml``), resolved by the loader's cross-check."""
    sources = r.want(fields.get("sources"), "source", owner)
    if "sources" in fields and not sources:
        r.error(fields["sources"], f"{owner} names no sources; at least one is needed")
    return sources


def _review(r: Reader, node: yaml.Node | None, owner: str) -> tuple[Review, ...] | None:
    """Sign-offs by qualified reviewers: ``[]`` until someone reviews the module."""
    reviews: list[Review | None] = []
    for item in r.seq(node, "review"):
        fields = r.mapping(item, "review", {"by", "area", "on"})
        if fields is None:
            reviews.append(None)
            continue
        by = r.string(fields.get("by"), "by")
        area = r.string(fields.get("area"), "area")
        if area is not None and area not in REVIEW_AREAS:
            r.error(fields["area"], f"{owner}: review area must be one of "
                                    f"{', '.join(REVIEW_AREAS)}")
            area = None
        on = r.day(fields["on"], "review date (on)") if "on" in fields else None
        reviews.append(Review(by, area, on) if by and area and on else None)
    if None in reviews:
        return None
    return tuple(reviews)  # type: ignore[arg-type]


def _lesson(r: Reader, node: yaml.Node, module_id: str, settings: Settings) -> Lesson | None:
    fields = r.mapping(node, "lesson", {"id", "title", "sources", "cards", "quiz"},
                       {"reference"})
    if fields is None:
        return None
    lesson_id = r.new_id(fields.get("id"), "lesson")
    owner = f"lesson '{lesson_id}'"
    ctx = _ctx("lesson", lesson_id)
    title = r.text(fields.get("title"), ctx("title"), "title")
    sources = _sources(r, fields, owner)
    card_nodes = r.seq(fields.get("cards"), "cards")
    if "cards" in fields and len(card_nodes) < MIN_CARDS:
        r.error(fields["cards"], f"{owner} has no cards; at least {MIN_CARDS} is needed")
    if len(card_nodes) > MAX_CARDS:
        r.error(fields["cards"], f"{owner} has {len(card_nodes)} cards; more than {MAX_CARDS} "
                "is a long read on a phone", "warning")
    cards = [r.text(n, ctx(f"card:{i}"), "card") for i, n in enumerate(card_nodes, 1)]
    quiz_nodes = r.seq(fields.get("quiz"), "quiz")
    minimum = settings.min_quiz_items_per_lesson
    if "quiz" in fields and len(quiz_nodes) < minimum:
        r.error(fields["quiz"], f"{owner} has {len(quiz_nodes)} quiz items; at least "
                f"{minimum} are needed")
    items = [_quiz_item(r, n, module_id, lesson_id or "?") for n in quiz_nodes]
    for quiz_node, item in zip(quiz_nodes, items, strict=True):
        if item is not None and item.card is not None and item.card > len(card_nodes):
            r.error(quiz_node, f"quiz item '{item.id}' names card {item.card}; {owner} has "
                    f"{len(card_nodes)}")
    reference = r.want(fields.get("reference"), "reference card", owner)
    if lesson_id is None or title is None or None in cards or None in items:
        return None
    return Lesson(lesson_id, module_id, title, tuple(cards), tuple(items),  # type: ignore[arg-type]
                  reference, sources)


def _quiz_item(r: Reader, node: yaml.Node, module_id: str, lesson_id: str) -> QuizItem | None:
    fields = r.mapping(node, "quiz item",
                       {"id", "question", "options", "explanation", "sources"}, {"card"})
    if fields is None:
        return None
    item_id = r.new_id(fields.get("id"), "quiz item")
    owner = f"quiz item '{item_id}'"
    ctx = _ctx("quiz", item_id)
    question = r.text(fields.get("question"), ctx("question"), "question")
    option_nodes = r.seq(fields.get("options"), "options")
    options: list[QuizOption | None] = []
    for i, option_node in enumerate(option_nodes, 1):
        option = r.mapping(option_node, "quiz option", {"text"}, {"correct"})
        if option is None:
            options.append(None)
            continue
        text = r.text(option.get("text"), ctx(f"option:{i}"), "option")
        correct = r.flag(option.get("correct"), "correct")
        absent_or_valid = correct is not None or "correct" not in option
        options.append(QuizOption(text, bool(correct)) if text and absent_or_valid else None)
    if "options" in fields and not MIN_OPTIONS <= len(option_nodes) <= MAX_OPTIONS:
        r.error(fields["options"], f"{owner} has {len(option_nodes)} options; "
                f"{MIN_OPTIONS} to {MAX_OPTIONS} are allowed")
    elif options and None not in options and not any(o.correct for o in options if o):
        r.error(fields["options"], f"{owner} has no correct option (mark one or more "
                "with correct: true)")
    explanation = r.text(fields.get("explanation"), ctx("explanation"), "explanation")
    sources = _sources(r, fields, owner)
    card = r.integer(fields["card"], "card", 0) if "card" in fields else None
    if card is not None and card < 1:
        r.error(fields["card"], f"{owner}: card is the 1-based number of a card of its lesson")
        card = None
    if item_id is None or question is None or explanation is None or not options \
            or None in options:
        return None
    return QuizItem(item_id, module_id, lesson_id, question, tuple(options),  # type: ignore[arg-type]
                    explanation, sources, card)


def read_reference(r: Reader, node: yaml.Node | None) -> list[ReferenceCard] | None:
    """The cards of one reference file (None when one of them is incomplete)."""
    fields = r.mapping(node, "reference file", {"topic", "cards"})
    if fields is None:
        return None
    topic_node = fields.get("topic")
    if isinstance(topic_node, yaml.ScalarNode | None):
        topics = r.want(topic_node, "module", "the topic of this file")
    else:
        r.error(topic_node, "topic must be one module id")
        topics = ()
    card_nodes = r.seq(fields.get("cards"), "cards")
    if "cards" in fields and not card_nodes:
        r.error(fields["cards"], "a reference file needs at least one card")
    cards = [_reference_card(r, n, topics[0] if topics else "?") for n in card_nodes]
    if not topics or None in cards:
        return None
    return cards  # type: ignore[return-value]


def _reference_card(r: Reader, node: yaml.Node, topic: str) -> ReferenceCard | None:
    fields = r.mapping(node, "reference card", {"id", "title", "body", "sources"},
                       {"sensitive", "keywords", "lessons"})
    if fields is None:
        return None
    card_id = r.new_id(fields.get("id"), "reference card")
    owner = f"reference card '{card_id}'"
    ctx = _ctx("ref", card_id)
    title = r.text(fields.get("title"), ctx("title"), "title")
    body = r.text(fields.get("body"), ctx("body"), "body")
    keywords = r.joined(fields.get("keywords"), ctx("keywords"), "keywords")
    lessons = r.want(fields.get("lessons"), "lesson", owner)
    sources = _sources(r, fields, owner)
    sensitive = r.boolean(fields.get("sensitive"), "sensitive")
    if card_id is None or title is None or body is None:
        return None
    return ReferenceCard(card_id, topic, title, body, keywords, lessons, sources, sensitive)


def read_emergency(r: Reader, node: yaml.Node | None,
                   sources: dict[str, Source] | None = None) -> Emergency | None:
    """The numbers per country. With the bibliography at hand, a verified number's source
    must be a document (an unknown id is left to the loader's cross-check)."""
    fields = r.mapping(node, "emergency.yaml", {"checked_on", "countries"}, {"source"})
    if fields is None:
        return None
    checked = r.day(fields["checked_on"], "checked_on") if "checked_on" in fields else None
    source = r.string(fields.get("source"), "source") or ""
    countries_node = fields.get("countries")
    if countries_node is None:
        return None
    if not isinstance(countries_node, yaml.MappingNode):
        r.error(countries_node, "countries must map ISO country codes to lists of numbers")
        return None
    territories = Locale("en").territories
    countries: dict[str, tuple[EmergencyNumber, ...]] = {}
    complete = True
    for key_node, value in countries_node.value:
        code = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
        if not _COUNTRY.match(code) or code not in territories:
            r.error(key_node, f"'{code}' is not an ISO 3166 two-letter country code")
            complete = False
        elif code in countries:
            r.error(key_node, f"country {code} appears twice")
        numbers = [_number(r, n, code, sources or {})
                   for n in r.seq(value, f"numbers of {code}")]
        complete = complete and None not in numbers
        countries.setdefault(code, tuple(n for n in numbers if n is not None))
    if checked is None or not complete:
        return None
    return Emergency(checked, source, countries)


def _number(r: Reader, node: yaml.Node, code: str, sources: dict[str, Source]
            ) -> EmergencyNumber | None:
    fields = r.mapping(node, f"number of {code}", {"service", "number"},
                       {"verified", "source", "mobile"})
    if fields is None:
        return None
    service = r.string(fields.get("service"), "service")
    if service is not None and service not in SERVICES:
        r.error(fields["service"], f"service '{service}' must be one of "
                                   f"{', '.join(sorted(SERVICES))}")
        service = None
    number = _digits(r, fields.get("number"), "number")
    mobile = _digits(r, fields["mobile"], "mobile") if "mobile" in fields else None
    verified = r.boolean(fields.get("verified"), "verified")
    owner = f"number {code} {service or '?'}"
    named = r.want(fields.get("source"), "source", owner)
    source = named[0] if named else None
    if verified and source is None:
        r.error(node, f"{owner} is marked verified but names no source: mark a number "
                      "verified only with the official source that confirms it")
    elif verified and source in sources and not sources[source].is_document:
        r.error(fields["source"], f"{owner} is marked verified by '{source}', which is not a "
                                  "document: name the official source that confirms it")
    if service is None or number is None or ("mobile" in fields and mobile is None):
        return None
    return EmergencyNumber(service, number, verified, source, mobile)


def _digits(r: Reader, node: yaml.Node | None, what: str) -> str | None:
    number = r.string(node, what)
    if number is not None and not _DIGITS.match(number):
        r.error(node, f"{what} '{number}' must be digits only")
        return None
    return number
