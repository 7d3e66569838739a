"""Load and validate ``content/``: every problem is collected, each naming its file and line.

The YAML is composed into nodes first (``yaml.compose``) so that every value keeps the line it
stands on; the loader then checks the schema, ids, cross-references, Telegram's limits and the
markup, and builds the immutable ``Course`` only when there is no error.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.course import markup
from bot.course.model import (
    Course,
    Emergency,
    EmergencyNumber,
    Lesson,
    Module,
    QuizItem,
    QuizOption,
    ReferenceCard,
    Settings,
    Text,
)

ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,22}[a-z0-9])?$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
SERVICES = frozenset({"general", "police", "ambulance", "rescue"})
CALLBACK_BYTES = 64
#: The longest callback data built from one id: "done:<id>", "les:<id>:<card>", "rc:<id>".
CALLBACK_OVERHEAD = len("les::99")

LIMITS = {  # visible characters
    "card": 700, "body": 900, "title": 40, "question": 250, "option": 100,
    "explanation": 200, "summary": 200, "keywords": 300,
}
TELEGRAM_MESSAGE = 4096


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ContentError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} content error(s); first: {errors[0] if errors else ''}")


_constructor = yaml.SafeLoader("")


def _scalar(node: yaml.Node) -> Any:
    return _constructor.construct_object(node, deep=True)


class _Loader:
    def __init__(self, content_dir: Path):
        self.dir = Path(content_dir)
        self.problems: list[Problem] = []
        self.file = ""
        self.ids: dict[str, dict[str, str]] = {"module": {}, "lesson": {}, "quiz item": {},
                                                "reference card": {}}
        self.digest = hashlib.sha256()

    # --- reporting -----------------------------------------------------------------------
    def error(self, node: yaml.Node | None, message: str, severity: str = "error") -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(self.file, line, message, severity))

    def compose(self, path: Path) -> yaml.Node | None:
        self.file = str(path.relative_to(self.dir.parent)) if path.is_relative_to(
            self.dir.parent) else str(path)
        try:
            raw = path.read_bytes()
            self.digest.update(path.name.encode() + b"\0" + raw)
            node = yaml.compose(raw.decode("utf-8"), Loader=yaml.SafeLoader)
        except UnicodeDecodeError:
            self.problems.append(Problem(self.file, None, "the file is not UTF-8 text"))
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            what = getattr(exc, "problem", None) or str(exc)
            self.problems.append(Problem(self.file, mark.line + 1 if mark else None,
                                         f"YAML syntax error: {what}"))
            return None
        if node is None:
            self.problems.append(Problem(self.file, None, "the file is empty"))
        return node

    # --- shapes --------------------------------------------------------------------------
    def mapping(self, node: yaml.Node, what: str, required: set[str], optional: set[str]
                ) -> dict[str, yaml.Node] | None:
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values")
            return None
        out: dict[str, yaml.Node] = {}
        for key_node, value in node.value:
            key = str(_scalar(key_node)) if isinstance(key_node, yaml.ScalarNode) else "?"
            if key in out:
                self.error(key_node, f"{what}: the key '{key}' appears twice")
            elif key not in required | optional:
                self.error(key_node, f"{what}: unknown key '{key}' (expected: "
                           f"{', '.join(sorted(required | optional))})")
            out[key] = value
        for key in sorted(required - set(out)):
            self.error(node, f"{what}: the required key '{key}' is missing")
        return out

    def seq(self, node: yaml.Node | None, what: str) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(node, f"{what} must be a list")
            return []
        return list(node.value)

    def string(self, node: yaml.Node | None, what: str) -> str | None:
        if node is None:
            return None
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, str | int | float) or isinstance(value, bool) or \
                not str(value).strip():
            self.error(node, f"{what} must be non-empty text")
            return None
        return str(value).strip()

    def strings(self, node: yaml.Node | None, what: str) -> tuple[str, ...]:
        return tuple(s for s in (self.string(n, what) for n in self.seq(node, what)) if s)

    def boolean(self, node: yaml.Node | None, what: str, default: bool = False) -> bool:
        if node is None:
            return default
        value = _scalar(node) if isinstance(node, yaml.ScalarNode) else None
        if not isinstance(value, bool):
            self.error(node, f"{what} must be true or false")
            return default
        return value

    def new_id(self, node: yaml.Node | None, kind: str) -> str | None:
        value = self.string(node, f"{kind} id")
        if value is None:
            return None
        if not ID.match(value):
            self.error(node, f"{kind} id '{value}' must be 1 to 24 characters of a-z, 0-9 "
                             "and -, not starting or ending with -")
            return None
        if len(value.encode()) + CALLBACK_OVERHEAD + 4 > CALLBACK_BYTES:
            self.error(node, f"{kind} id '{value}' is too long for button data (64 bytes)")
        seen = self.ids[kind]
        if value in seen:
            self.error(node, f"duplicate {kind} id '{value}' (first defined in {seen[value]})")
            return None
        seen[value] = f"{self.file}:{node.start_mark.line + 1}"  # type: ignore[union-attr]
        return value

    def text(self, node: yaml.Node | None, ctx: str, kind: str, *, html: bool) -> Text | None:
        value = self.string(node, kind)
        if value is None or node is None:
            return None
        where = f"{kind} ({ctx})"
        if html:
            for problem in dict.fromkeys(markup.html_problems(value)):
                self.error(node, f"{where}: {problem}")
        elif markup.has_markup(value):
            self.error(node, f"{where} is plain text: no tags or entities")
        length = markup.visible_length(value) if html else len(value)
        limit = LIMITS[kind]
        if length > limit:
            self.error(node, f"{where} is {length} characters; at most {limit} fit")
        if len(value) > TELEGRAM_MESSAGE:
            self.error(node, f"{where} exceeds Telegram's {TELEGRAM_MESSAGE} characters")
        return Text(ctx, value, self.file, node.start_mark.line + 1)

    # --- files ---------------------------------------------------------------------------
    def settings(self) -> Settings:
        path = self.dir / "course.yaml"
        if not path.is_file():
            return Settings()
        node = self.compose(path)
        fields = self.mapping(node, "course.yaml", set(), {
            "source_locale", "locales", "complete_locales", "min_quiz_items_per_lesson",
            "min_reference_cards"}) if node is not None else None
        if not fields:
            return Settings()

        def number(key: str, default: int) -> int:
            if key not in fields:
                return default
            value = _scalar(fields[key])
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                self.error(fields[key], f"{key} must be a whole number")
                return default
            return value

        return Settings(
            source_locale=self.string(fields.get("source_locale"), "source_locale") or "en",
            locales=self.strings(fields.get("locales"), "locales") or ("en",),
            complete_locales=self.strings(fields.get("complete_locales"), "complete_locales"),
            min_quiz_items_per_lesson=number("min_quiz_items_per_lesson", 4),
            min_reference_cards=number("min_reference_cards", 15))

    def module(self, path: Path, settings: Settings) -> Module | None:
        node = self.compose(path)
        fields = self.mapping(node, "module", {"id", "title", "summary", "lessons"}, set()) \
            if node is not None else None
        if not fields:
            return None
        module_id = self.new_id(fields.get("id"), "module")
        if module_id is None:
            return None
        title = self.text(fields.get("title"), f"module:{module_id}:title", "title", html=False)
        summary = self.text(fields.get("summary"), f"module:{module_id}:summary", "summary",
                            html=False)
        lesson_nodes = self.seq(fields.get("lessons"), "lessons")
        lessons = [le for n in lesson_nodes
                   if (le := self.lesson(n, module_id, settings)) is not None]
        if not lesson_nodes and "lessons" in fields:
            self.error(fields["lessons"], f"module '{module_id}' has no lessons")
        if title is None or summary is None:
            return None
        return Module(module_id, title, summary, tuple(lessons))

    def lesson(self, node: yaml.Node, module_id: str, settings: Settings) -> Lesson | None:
        fields = self.mapping(node, "lesson", {"id", "title", "sources", "cards", "quiz"},
                              {"reference"})
        if not fields:
            return None
        lesson_id = self.new_id(fields.get("id"), "lesson")
        if lesson_id is None:
            return None
        title = self.text(fields.get("title"), f"lesson:{lesson_id}:title", "title", html=False)
        sources = self.strings(fields.get("sources"), "sources")
        if "sources" in fields and not sources:
            self.error(fields["sources"], f"lesson '{lesson_id}' names no sources")
        cards = [self.text(n, f"lesson:{lesson_id}:card:{i}", "card", html=True)
                 for i, n in enumerate(self.seq(fields.get("cards"), "cards"), 1)]
        if "cards" in fields and not cards:
            self.error(fields["cards"], f"lesson '{lesson_id}' has no cards")
        items = [self.quiz_item(n, module_id, lesson_id)
                 for n in self.seq(fields.get("quiz"), "quiz")]
        if "quiz" in fields and len(items) < settings.min_quiz_items_per_lesson:
            self.error(fields["quiz"], f"lesson '{lesson_id}' has {len(items)} quiz items; at "
                       f"least {settings.min_quiz_items_per_lesson} are needed")
        reference = self.strings(fields.get("reference"), "reference")
        if title is None or None in cards or None in items:
            return None
        return Lesson(lesson_id, module_id, title, tuple(cards), tuple(items),  # type: ignore
                      reference, sources)

    def quiz_item(self, node: yaml.Node, module_id: str, lesson_id: str) -> QuizItem | None:
        fields = self.mapping(node, "quiz item",
                              {"id", "question", "options", "explanation", "sources"}, set())
        if not fields:
            return None
        item_id = self.new_id(fields.get("id"), "quiz item")
        if item_id is None:
            return None
        question = self.text(fields.get("question"), f"quiz:{item_id}:question", "question",
                             html=False)
        explanation = self.text(fields.get("explanation"), f"quiz:{item_id}:explanation",
                                "explanation", html=False)
        options = []
        option_nodes = self.seq(fields.get("options"), "options")
        for i, option_node in enumerate(option_nodes, 1):
            option = self.mapping(option_node, "quiz option", {"text"}, {"correct"})
            if not option:
                continue
            text = self.text(option.get("text"), f"quiz:{item_id}:option:{i}", "option",
                             html=False)
            if text is not None:
                options.append(QuizOption(text, self.boolean(option.get("correct"),
                                                             "correct")))
        if "options" in fields and not 2 <= len(option_nodes) <= 6:
            self.error(fields["options"], f"quiz item '{item_id}' has {len(option_nodes)} "
                       "options; 2 to 6 are allowed")
        if options and not any(o.correct for o in options):
            self.error(fields.get("options"), f"quiz item '{item_id}' has no correct option")
        sources = self.strings(fields.get("sources"), "sources")
        if "sources" in fields and not sources:
            self.error(fields["sources"], f"quiz item '{item_id}' names no sources")
        if question is None or explanation is None or len(options) != len(option_nodes):
            return None
        return QuizItem(item_id, module_id, lesson_id, question, tuple(options), explanation,
                        sources)

    def reference_file(self, path: Path) -> list[tuple[ReferenceCard, dict[str, yaml.Node]]]:
        node = self.compose(path)
        fields = self.mapping(node, "reference file", {"topic", "cards"}, set()) \
            if node is not None else None
        if not fields:
            return []
        topic = self.string(fields.get("topic"), "topic") or ""
        out = []
        for card_node in self.seq(fields.get("cards"), "cards"):
            card_fields = self.mapping(card_node, "reference card",
                                       {"id", "title", "body", "sources"},
                                       {"sensitive", "keywords", "lessons"})
            if not card_fields:
                continue
            card_id = self.new_id(card_fields.get("id"), "reference card")
            if card_id is None:
                continue
            title = self.text(card_fields.get("title"), f"ref:{card_id}:title", "title",
                              html=False)
            body = self.text(card_fields.get("body"), f"ref:{card_id}:body", "body", html=True)
            words = self.strings(card_fields.get("keywords"), "keywords")
            keywords = None
            if words:
                kw_node = card_fields["keywords"]
                joined = ", ".join(words)
                if markup.has_markup(joined):
                    self.error(kw_node, f"keywords of '{card_id}' are plain text: no tags")
                if len(joined) > LIMITS["keywords"]:
                    self.error(kw_node, f"keywords of '{card_id}' are {len(joined)} characters;"
                               f" at most {LIMITS['keywords']} fit")
                keywords = Text(f"ref:{card_id}:keywords", joined, self.file,
                                kw_node.start_mark.line + 1)
            sources = self.strings(card_fields.get("sources"), "sources")
            if "sources" in card_fields and not sources:
                self.error(card_fields["sources"], f"reference card '{card_id}' names no sources")
            if title is None or body is None:
                continue
            card = ReferenceCard(card_id, topic, title, body, keywords,
                                 self.strings(card_fields.get("lessons"), "lessons"), sources,
                                 self.boolean(card_fields.get("sensitive"), "sensitive"))
            out.append((card, card_fields | {"topic": fields["topic"]}))
        return out

    def emergency(self) -> Emergency | None:
        path = self.dir / "emergency.yaml"
        if not path.is_file():
            return None
        node = self.compose(path)
        fields = self.mapping(node, "emergency.yaml", {"checked_on", "countries"}, {"source"}) \
            if node is not None else None
        if not fields:
            return None
        checked = _scalar(fields["checked_on"]) if "checked_on" in fields else None
        if not isinstance(checked, date):
            self.error(fields.get("checked_on"), "checked_on must be a date (YYYY-MM-DD)")
            checked = None
        countries: dict[str, tuple[EmergencyNumber, ...]] = {}
        country_nodes = fields.get("countries")
        if not isinstance(country_nodes, yaml.MappingNode):
            self.error(country_nodes, "countries must map country codes to lists of numbers")
            return None
        for key_node, value in country_nodes.value:
            code = str(_scalar(key_node))
            if not COUNTRY.match(code):
                self.error(key_node, f"'{code}' is not a two-letter country code")
                continue
            numbers = []
            for entry_node in self.seq(value, f"numbers of {code}"):
                entry = self.mapping(entry_node, f"number of {code}", {"service", "number"},
                                     {"verified"})
                if not entry:
                    continue
                service = self.string(entry.get("service"), "service")
                number = self.string(entry.get("number"), "number")
                if service not in SERVICES:
                    self.error(entry.get("service"), f"service must be one of "
                               f"{', '.join(sorted(SERVICES))}")
                    continue
                if number is None or not number.isdigit():
                    self.error(entry.get("number"), "number must be digits only")
                    continue
                numbers.append(EmergencyNumber(service, number,
                                               self.boolean(entry.get("verified"), "verified")))
            countries[code] = tuple(numbers)
        if checked is None:
            return None
        return Emergency(checked, self.string(fields.get("source"), "source") or "", countries)

    # --- the whole tree ------------------------------------------------------------------
    def load(self) -> Course | None:
        if not self.dir.is_dir():
            self.problems.append(Problem(str(self.dir), None, "the content folder is missing"))
            return None
        settings = self.settings()
        module_files = sorted((self.dir / "modules").glob("*.yaml"))
        modules = [m for path in module_files if (m := self.module(path, settings)) is not None]
        if not module_files:
            self.problems.append(Problem(str(self.dir / "modules"), None, "no modules found"))
        cards = [c for path in sorted((self.dir / "reference").glob("*.yaml"))
                 for c in self.reference_file(path)]
        emergency = self.emergency()
        self.cross_check(modules, cards, settings)
        if any(p.severity == "error" for p in self.problems):
            return None
        return Course(tuple(modules), {c.id: c for c, _ in cards}, emergency, settings,
                      self.digest.hexdigest())

    def cross_check(self, modules: list[Module],
                    cards: list[tuple[ReferenceCard, dict[str, yaml.Node]]],
                    settings: Settings) -> None:
        module_ids = {m.id for m in modules}
        lesson_ids = {le.id for m in modules for le in m.lessons}
        card_ids = {c.id for c, _ in cards}
        for module in modules:
            for lesson in module.lessons:
                for ref in lesson.reference:
                    if ref not in card_ids:
                        self.problems.append(Problem(
                            lesson.title.file, lesson.title.line,
                            f"lesson '{lesson.id}' names reference card '{ref}', which does "
                            "not exist"))
        for card, fields in cards:
            self.file = card.title.file
            if card.topic not in module_ids:
                self.error(fields["topic"], f"reference topic '{card.topic}' is not a module id")
            for lesson_id in card.lessons:
                if lesson_id not in lesson_ids:
                    self.error(fields.get("lessons"), f"reference card '{card.id}' names "
                               f"lesson '{lesson_id}', which does not exist")
        if cards and len(cards) < settings.min_reference_cards:
            self.problems.append(Problem(str(self.dir / "reference"), None,
                                         f"{len(cards)} reference cards; at least "
                                         f"{settings.min_reference_cards} are needed"))


def load_course(content_dir: Path) -> Course:
    """Load and validate the course; raise ``ContentError`` with every problem found."""
    loader = _Loader(content_dir)
    course = loader.load()
    if course is None:
        raise ContentError(loader.problems)
    return course


def check_tree(content_dir: Path) -> tuple[Course | None, list[Problem]]:
    """Load without raising: the course (or None) and every problem, warnings included."""
    loader = _Loader(content_dir)
    return loader.load(), loader.problems
