"""Telegram HTML: which tags are allowed, balance, bare ``&``/``<``, visible length."""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code",
                          "pre", "blockquote", "a", "tg-spoiler"})
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s+[^<>]*)?)>")
_ENTITY = re.compile(r"&(#\d+|#x[0-9A-Fa-f]+|[A-Za-z]+);")
_HREF = re.compile(r'^\s+href\s*=\s*"[^"<>]*"\s*$')


def visible_length(text: str) -> int:
    """Characters a reader sees: tags stripped, entities counted as one."""
    return len(html.unescape(_TAG.sub("", text)))


def html_problems(text: str) -> list[str]:
    """Problems with ``text`` as Telegram HTML (empty when it is fine). Never raises."""
    problems: list[str] = []
    stack: list[str] = []
    pos = 0
    for match in _TAG.finditer(text):
        problems += _bare(text[pos:match.start()])
        pos = match.end()
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if name not in ALLOWED_TAGS:
            problems.append(f"tag <{name}> is not allowed in Telegram HTML")
            continue
        if closing:
            if not stack or stack[-1] != name:
                problems.append(f"</{name}> closes nothing open" if name not in stack
                                else f"</{name}> closes tags in the wrong order")
                if name in stack:
                    while stack and stack.pop() != name:
                        pass
            else:
                stack.pop()
            continue
        if attrs.strip() and not (name == "a" and _HREF.match(attrs)):
            problems.append(f"tag <{name}> has attributes Telegram does not accept")
        stack.append(name)
    problems += _bare(text[pos:])
    problems += [f"<{name}> is never closed" for name in stack]
    return problems


def _bare(chunk: str) -> list[str]:
    out = []
    if "<" in chunk or ">" in chunk:
        out.append("a bare < or > must be written &lt; or &gt;")
    stripped = _ENTITY.sub("", chunk)
    if "&" in stripped:
        out.append("a bare & must be written &amp;")
    return out


def has_markup(text: str) -> bool:
    return bool(_TAG.search(text) or _ENTITY.search(text))
