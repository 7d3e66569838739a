"""A trainer's own broadcast text as Telegram HTML: what the app formatted is kept, typed tags
must be valid, everything else is escaped."""

from __future__ import annotations

import html
import re

from telegram import Message, MessageEntity

from bot.course.markup import located_problems

FORMATTING = frozenset({MessageEntity.BOLD, MessageEntity.ITALIC, MessageEntity.UNDERLINE,
                        MessageEntity.STRIKETHROUGH, MessageEntity.SPOILER, MessageEntity.CODE,
                        MessageEntity.PRE, MessageEntity.TEXT_LINK, MessageEntity.BLOCKQUOTE})
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")


def _escape_stray(text: str) -> str:
    """Escape what cannot be markup: a ``&`` that starts no entity, a ``<`` or ``>`` outside
    a tag. Tags and entities are kept, to be checked."""
    out, pos = [], 0
    for match in _TAG.finditer(text):
        out.append(_escape_text(text[pos:match.start()]))
        out.append(match.group(0))
        pos = match.end()
    out.append(_escape_text(text[pos:]))
    return "".join(out)


def _escape_text(chunk: str) -> str:
    chunk = chunk.replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"&(?!#[0-9]+;|#[xX][0-9A-Fa-f]+;|[A-Za-z][A-Za-z0-9]*;)", "&amp;", chunk)


def own_text_html(message: Message) -> tuple[str | None, int | None]:
    """The trainer's message as Telegram HTML, or (None, offset of the first problem).

    Formatting made in the Telegram app (bold, italic, links...) is kept and everything else
    escaped. Typed tags are taken as Telegram HTML: stray ``&``, ``<`` and ``>`` are escaped,
    and tags Telegram would refuse (unknown, unclosed, misnested) refuse the text."""
    text = message.text or ""
    if any(e.type in FORMATTING for e in message.entities or ()):
        return message.text_html, None
    if not _TAG.search(text):
        return html.escape(text, quote=False), None
    body = _escape_stray(text)
    problems = located_problems(body)
    if not problems:
        return body, None
    return None, min(len(text), problems[0][0])
