"""Typed reading of composed YAML nodes, collecting a ``Problem`` (with its line) per mistake.

The content files are composed with ``yaml.compose`` (SafeLoader), never constructed as a
whole, so that every value still carries the line it stands on. A ``Reader`` turns nodes into
Python values, records each problem instead of stopping, and keeps what the tree-level checks
need afterwards: the ids defined per kind, the cross-references to resolve, every ``Text``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml

from bot.course import markup
from bot.course.model import Text
from bot.course.problems import Problem, Severity

#: Maximum visible characters per kind of text (the kind is the third part of its context).
LIMITS = {
    "card": 700, "body": 900, "title": 40, "summary": 200, "question": 250, "option": 100,
    "explanation": 200, "keywords": 300,
}
HTML_KINDS = frozenset({"card", "body"})
TELEGRAM_MESSAGE = 4096  # characters in one message
MAX_ID = 24  # characters; keeps every callback data within Telegram's 64 bytes
ID = re.compile(rf"^[a-z0-9](?:[a-z0-9-]{{0,{MAX_ID - 2}}}[a-z0-9])?$")
ID_KINDS = ("module", "lesson", "quiz item", "reference card", "source")

_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"


def text_problems(value: str, kind: str) -> list[str]:
    """Markup and length problems of a text of ``kind`` (source or translation alike)."""
    return [message for _, message in located_text_problems(value, kind)]


def located_text_problems(value: str, kind: str) -> list[tuple[int | None, str]]:
    """The same, each with the offset in ``value`` it concerns (None: the whole text)."""
    problems: list[tuple[int | None, str]]
    if kind in HTML_KINDS:
        problems = list(markup.located_problems(value))
        length = markup.visible_length(value)
    else:
        problems = [(None, "is plain text: no tags or entities")] \
            if markup.has_markup(value) else []
        bracket = next((i for i, c in enumerate(value) if c in "<>"), None)
        if bracket is not None and not problems:
            problems.append((bracket, "is plain text: no bare < or > (write \"less than\" "
                                      "or \"more than\", or reword)"))
        length = len(value)
    limit = LIMITS[kind]
    if length > limit:
        problems.append((None, f"is {length} characters; at most {limit} fit"))
    if len(value) > TELEGRAM_MESSAGE:
        problems.append((None, f"is longer than one Telegram message ({TELEGRAM_MESSAGE} "
                               "characters)"))
    return problems


def labelled(label: str, problem: str) -> str:
    """``card (ctx) is 701 characters...`` or ``card (ctx): <b> is never closed``."""
    return f"{label} {problem}" if problem.startswith("is ") else f"{label}: {problem}"


@dataclass(frozen=True)
class Ref:
    """A reference from one piece of content to an id of ``kind``, resolved after loading."""

    kind: str
    target: str
    owner: str
    file: str
    line: int


@dataclass
class Reader:
    problems: list[Problem] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    ids: dict[str, dict[str, str]] = field(
        default_factory=lambda: {kind: {} for kind in ID_KINDS})
    refs: list[Ref] = field(default_factory=list)
    unparsed: list[str] = field(default_factory=list)  # files with a YAML syntax error
    file: str = ""

    # --- reporting ----------------------------------------------------------------------
    def error(self, node: yaml.Node | None, message: str,
              severity: Severity = "error") -> None:
        self.problems.append(Problem(self.file, line_of(node), message, severity))

    def compose(self, name: str, raw: bytes) -> yaml.Node | None:
        """The document's root node, or None (with the problem recorded)."""
        self.file = name
        try:
            node = yaml.compose(raw.decode("utf-8"), Loader=yaml.SafeLoader)
        except UnicodeDecodeError as exc:
            self.problems.append(Problem(name, None, f"the file is not UTF-8 text ({exc})"))
            self.unparsed.append(name)
            return None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            self.problems.append(Problem(name, mark.line + 1 if mark else None,
                                         f"YAML syntax error: {what}"))
            self.unparsed.append(name)
            return None
        if node is None:
            self.problems.append(Problem(name, None, "the file is empty"))
        return node

    # --- shapes -------------------------------------------------------------------------
    def mapping(self, node: yaml.Node | None, what: str, required: set[str],
                optional: frozenset[str] | set[str] = frozenset()
                ) -> dict[str, yaml.Node] | None:
        """The keys of a mapping node; unknown, repeated and missing keys are reported."""
        if node is None:
            return None
        if not isinstance(node, yaml.MappingNode):
            self.error(node, f"{what} must be a mapping of keys to values")
            return None
        out: dict[str, yaml.Node] = {}
        allowed = required | optional
        for key_node, value in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            if key in out:
                self.error(key_node, f"{what}: the key '{key}' appears twice")
            elif key not in allowed:
                self.error(key_node, f"{what}: unknown key '{key}' (expected: "
                                     f"{', '.join(sorted(allowed))})")
            else:
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
        """A scalar as written (``No`` stays ``No``, ``0112`` stays ``0112``), stripped."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag == _NULL or not node.value.strip():
            self.error(node, f"{what} must be non-empty text")
            return None
        return node.value.strip()

    def strings(self, node: yaml.Node | None, what: str) -> tuple[str, ...]:
        return tuple(s for n in self.seq(node, what) if (s := self.string(n, what)))

    def boolean(self, node: yaml.Node | None, what: str, default: bool = False) -> bool:
        value = self.flag(node, what)
        return default if value is None else value

    def flag(self, node: yaml.Node | None, what: str) -> bool | None:
        """True or false; None when absent or not a boolean (reported)."""
        if node is None:
            return None
        if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL:
            self.error(node, f"{what} must be true or false")
            return None
        return node.value.lower() in ("true", "yes", "on", "y")

    def integer(self, node: yaml.Node | None, what: str, default: int) -> int:
        if node is None:
            return default
        if not isinstance(node, yaml.ScalarNode) or node.tag != _INT or \
                not node.value.isdigit():
            self.error(node, f"{what} must be a whole number, 0 or more")
            return default
        return int(node.value)

    def day(self, node: yaml.Node | None, what: str) -> date | None:
        value = node.value if isinstance(node, yaml.ScalarNode) else ""
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.error(node, f"{what} must be a date written YYYY-MM-DD")
            return None

    # --- ids and references -------------------------------------------------------------
    def new_id(self, node: yaml.Node | None, kind: str) -> str | None:
        """A well-formed id of ``kind``, recorded; a duplicate is reported but returned."""
        value = self.string(node, f"{kind} id")
        if value is None:
            return None
        if not ID.match(value):
            self.error(node, f"{kind} id '{value}' must be 1 to {MAX_ID} characters of a-z, "
                             "0-9 and -, not starting or ending with -")
            return None
        seen = self.ids[kind]
        if value in seen:
            self.error(node, f"duplicate {kind} id '{value}' (first defined in {seen[value]})")
        else:
            seen[value] = f"{self.file}:{line_of(node)}"
        return value

    def want(self, node: yaml.Node | None, kind: str, owner: str) -> tuple[str, ...]:
        """Ids of ``kind`` named by ``node`` (one or a list), to be resolved later."""
        nodes = self.seq(node, f"{kind} ids") if isinstance(node, yaml.SequenceNode) else \
            [node] if node is not None else []
        found = []
        for item in nodes:
            target = self.string(item, f"{kind} id")
            if target is not None:
                self.refs.append(Ref(kind, target, owner, self.file, line_of(item) or 0))
                found.append(target)
        if node is not None and not isinstance(node, yaml.SequenceNode | yaml.ScalarNode):
            self.error(node, f"{owner}: {kind} ids must be a list")
        return tuple(found)

    # --- translatable text --------------------------------------------------------------
    def text(self, node: yaml.Node | None, ctx: str | None, kind: str) -> Text | None:
        """A translatable text, checked for its kind; recorded in ``texts`` when it has a
        context (None when its owner's id is unusable: then it is only checked)."""
        value = self.string(node, kind)
        if value is None:
            return None
        return self._checked(node, value, ctx, kind)

    def joined(self, node: yaml.Node | None, ctx: str | None, kind: str) -> Text | None:
        """A list of words, joined by ", " into one translatable text."""
        words = self.strings(node, kind)
        return self._checked(node, ", ".join(words), ctx, kind) if words else None

    def _checked(self, node: yaml.Node | None, value: str, ctx: str | None, kind: str
                 ) -> Text | None:
        label = f"{kind} ({ctx})" if ctx else kind
        for offset, problem in located_text_problems(value, kind):
            exact = _line_in_block(node, offset)
            at = f" (line {exact})" if exact and exact != line_of(node) else ""
            self.error(node, labelled(label, problem) + at)
        if ctx is None:
            return None
        text = Text(ctx, value, self.file, line_of(node) or 0)
        self.texts.append(text)
        return text


def line_of(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _line_in_block(node: yaml.Node | None, offset: int | None) -> int | None:
    """The file line of ``offset`` in a stripped literal block (``|``) scalar, whose lines
    stand one to one in the file; None for other scalars (their node's line is used)."""
    if offset is None or not isinstance(node, yaml.ScalarNode) or node.style != "|":
        return None
    lead = len(node.value) - len(node.value.lstrip())
    return node.start_mark.line + 2 + node.value[:lead + offset].count("\n")


def relative_name(path: Path, base: Path) -> str:
    """``path`` as problems show it: relative to ``base`` when it is inside it."""
    try:
        return Path(path).resolve().relative_to(Path(base).resolve()).as_posix()
    except ValueError:
        return str(path)
