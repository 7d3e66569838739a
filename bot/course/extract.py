"""A babel extractor for the YAML content files: each translatable string with its context.

Verified with (from the project folder):

    pybabel extract -F babel-content.cfg -k pgettext:1c,2 -c NOTE: -o locales/content.pot .

``python -m bot catalogs update --domain content`` runs the same and updates every locale.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from bot.course.loader import _Loader

_HINTS = {
    "title": "Plain text, at most 40 characters (a button label).",
    "summary": "Plain text, one sentence.",
    "card": "Telegram HTML: keep the tags; at most 700 visible characters.",
    "body": "Telegram HTML: keep the tags and numbering; at most 900 visible characters.",
    "question": "Quiz question, plain text, at most 250 characters.",
    "option": "Quiz option, plain text, at most 100 characters.",
    "explanation": "Shown after the answer; plain text, at most 200 characters.",
    "keywords": "Comma-separated search words: translate, and add the words an officer "
                "would type.",
}


def extract_content(fileobj: BinaryIO, keywords: Any, comment_tags: Any, options: dict
                    ) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """Yield ``(lineno, 'pgettext', (msgctxt, msgid), [translator comment])``."""
    name = Path(getattr(fileobj, "name", "content.yaml"))
    raw = fileobj.read()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "content" / name.parent.name
        folder.mkdir(parents=True)
        path = folder / name.name
        path.write_bytes(raw)
        loader = _Loader(Path(tmp) / "content")
        if name.parent.name == "modules":
            module = loader.module(path, _settings())
            texts = [] if module is None else _module_texts(module)
        elif name.parent.name == "reference":
            texts = [(t, _where(card.title.source, t)) for card, _ in loader.reference_file(path)
                     for t in (card.title, card.body, card.keywords) if t is not None]
        else:
            texts = []
    for text, where in texts:
        kind = text.ctx.split(":")[2]
        yield text.line, "pgettext", (text.ctx, text.source), [f"{where}. {_HINTS[kind]}"]


def _settings():
    from bot.course.model import Settings
    return Settings(min_quiz_items_per_lesson=0)


def _where(title: str, text) -> str:
    return f"Reference card '{title}'"


def _module_texts(module):
    out = [(module.title, "Module title"), (module.summary, f"Module '{module.title.source}'")]
    for lesson in module.lessons:
        out.append((lesson.title, f"Lesson title, module '{module.title.source}'"))
        for i, card in enumerate(lesson.cards, 1):
            out.append((card, f"Lesson '{lesson.title.source}', card {i} of {len(lesson.cards)}"))
        for item in lesson.quiz:
            where = f"Quiz on lesson '{lesson.title.source}'"
            out.append((item.question, where))
            out += [(o.text, f"{where}, option {i}" + (" (correct)" if o.correct else ""))
                    for i, o in enumerate(item.options, 1)]
            out.append((item.explanation, where))
    return out
