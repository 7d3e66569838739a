"""A babel extractor for the course's YAML files: every translatable text with its context.

Each text becomes a ``pgettext`` message: msgctxt is its stable context
(``lesson:hiv-spread:card:2``), msgid the English, the reference its file and line, and an
extracted comment tells the translator where it appears and what limits apply.
``course.yaml``, ``emergency.yaml`` and anything that is not a module or reference file give
nothing. A file with a YAML syntax error stops the extraction with ``file:line`` (a template
missing that file's strings would make ``pybabel update`` drop their translations).

Mapped in ``babel-content.cfg``. Verified, from the project folder:

    pybabel extract -F babel-content.cfg -c NOTE: -o locales/content.pot .
    pybabel extract -F babel-content.cfg -k pgettext:1c,2 -c NOTE: -o locales/content.pot .

Both give msgctxt + msgid. Do NOT pass a bare ``-k pgettext``: it replaces babel's default
spec for pgettext (``1c,2``) by "first argument only", and every msgid becomes the context.
``python -m bot catalogs update --domain content`` runs the same extraction and then updates
every locale's ``content.po``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import yaml

from bot.course.files import read_module, read_reference
from bot.course.model import Settings, Text
from bot.course.problems import ContentError
from bot.course.reader import LIMITS, Reader, relative_name

Message = tuple[int, str, tuple[str, str], list[str]]

_HINTS = {
    "title": "Plain text, at most {limit} characters (a button label).",
    "summary": "Plain text, one sentence, at most {limit} characters.",
    "card": "Telegram HTML: keep the tags and line breaks; at most {limit} visible "
            "characters (one phone screen).",
    "body": "Telegram HTML: keep the tags, numbering and line breaks; at most {limit} "
            "visible characters.",
    "question": "Plain text, at most {limit} characters.",
    "option": "Quiz option; plain text, at most {limit} characters.",
    "explanation": "Shown after the answer; plain text, at most {limit} characters.",
    "keywords": "Search words separated by ', ': translate them and add the words an "
                "officer would type; at most {limit} characters.",
}


def extract_content(fileobj: IO[bytes], keywords: Collection[str],
                    comment_tags: Collection[str], options: Mapping[str, Any]
                    ) -> Iterator[Message]:
    """Yield ``(lineno, 'pgettext', (msgctxt, msgid), [translator comment])``."""
    path = Path(str(getattr(fileobj, "name", "content.yaml")))
    if path.name in ("course.yaml", "emergency.yaml"):
        return
    reader = Reader()
    node = reader.compose(relative_name(path, Path.cwd()), fileobj.read())
    if reader.unparsed:
        raise ContentError(reader.problems)
    kind = _kind(path, node)
    if kind == "module":
        read_module(reader, node, Settings(min_quiz_items_per_lesson=0))
    elif kind == "reference":
        read_reference(reader, node)
    for text, note in notes(reader.texts):
        yield text.line, "pgettext", (text.ctx, text.source), [note]


def _kind(path: Path, node: yaml.Node | None) -> str | None:
    """module | reference | None, by folder, or else by the document's keys."""
    if path.parent.name == "modules":
        return "module"
    if path.parent.name == "reference":
        return "reference"
    if isinstance(node, yaml.MappingNode):
        keys = {k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
        if "lessons" in keys:
            return "module"
        if "topic" in keys:
            return "reference"
    return None


def notes(texts: list[Text]) -> Iterator[tuple[Text, str]]:
    """Each text (in the order read) with a comment saying where it appears."""
    titles = {t.ctx.rsplit(":", 1)[0]: t.source for t in texts if t.ctx.endswith(":title")}
    counts = Counter(t.ctx.rsplit(":", 1)[0] for t in texts
                     if t.ctx.split(":")[2] in ("card", "option"))
    module = lesson = ""  # the owners of what follows (texts come in document order)
    for text in texts:
        owner, item, field = text.ctx.split(":")[:3]
        n = text.ctx.split(":")[3] if field in ("card", "option") else ""
        of = counts[f"{owner}:{item}:{field}"]
        name = f"'{titles.get(f'{owner}:{item}', item)}'"
        if owner == "module":
            module = name
            where = "Module title" if field == "title" else f"Summary of module {name}"
        elif owner == "lesson":
            lesson = name
            where = f"Title of a lesson in module {module}" if field == "title" else \
                f"Lesson {name}, card {n} of {of}"
        elif owner == "quiz":
            where = {"question": f"Quiz {item} on lesson {lesson}, question",
                     "option": f"Quiz {item} on lesson {lesson}, option {n} of {of}",
                     "explanation": f"Quiz {item} on lesson {lesson}, explanation"}[field]
        else:
            where = "Reference card title" if field == "title" else \
                f"Reference card {name}, {'text' if field == 'body' else 'search keywords'}"
        yield text, f"{where}. {_HINTS[field].format(limit=LIMITS[field])}"
