"""Telegram HTML as the course uses it: allowed tags, balance, bare ``<``/``>``/``&``, length.

Telegram's HTML parse mode accepts a small set of tags (``a`` only with ``href``), every
numeric entity, and only the named entities ``&lt;``, ``&gt;``, ``&amp;`` and ``&quot;``; any
other ``<``, ``>`` or ``&`` must be escaped. ``html_problems`` checks all of that and never
raises: whatever the text, it returns a (possibly empty) list of problems.
"""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "code", "pre",
                          "blockquote", "a", "tg-spoiler"})
NAMED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})

# Anything shaped like a tag: <name ...> or </name ...>
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)([^<>]*)>")
# Anything shaped like an entity (supported or not)
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
_HREF = re.compile(r"""^\s+href\s*=\s*(?:"[^"]+"|'[^']+')\s*$""")


def visible_length(text: str) -> int:
    """Characters a reader sees: tags stripped, each entity counted as one."""
    return len(html.unescape(_TAG.sub("", text)))


def has_markup(text: str) -> bool:
    """True when plain text contains something that looks like a tag or an entity."""
    return bool(_TAG.search(text) or _ENTITY.search(text))


def tags(text: str) -> list[str]:
    """The tag names in ``text``, in order, closing tags prefixed with ``/``."""
    return [m.group(1) + m.group(2).lower() for m in _TAG.finditer(text)]


def html_problems(text: str) -> list[str]:
    """Problems with ``text`` as Telegram HTML, each reported once (empty when it is fine)."""
    return [message for _, message in located_problems(text)]


def located_problems(text: str) -> list[tuple[int, str]]:
    """``(offset in text, problem)`` pairs, each problem once (at its first offset)."""
    problems: list[tuple[int, str]] = []
    stack: list[tuple[str, int]] = []  # open tags and where they open
    pos = 0
    for match in _TAG.finditer(text):
        problems += _text_problems(text[pos:match.start()], pos)
        pos = match.end()
        closing, name, attrs = match.group(1), match.group(2).lower(), match.group(3)
        if name not in ALLOWED_TAGS:
            found = [f"tag <{name}> is not allowed in Telegram HTML"]
        elif closing:
            found = _close(stack, name, attrs)
        else:
            found = _open_attrs(name, attrs)
            stack.append((name, match.start()))
        problems += [(match.start(), message) for message in found]
    problems += _text_problems(text[pos:], pos)
    problems += [(at, f"<{name}> is never closed") for name, at in reversed(stack)]
    first: dict[str, int] = {}
    for at, message in problems:
        first.setdefault(message, at)
    return [(at, message) for message, at in first.items()]


def _open_attrs(name: str, attrs: str) -> list[str]:
    if name == "a":
        return [] if _HREF.match(attrs) else ['<a> needs exactly one attribute, href="..."']
    if attrs.strip():
        return [f"tag <{name}> takes no attributes"]
    return []


def _close(stack: list[tuple[str, int]], name: str, attrs: str) -> list[str]:
    problems = [f"closing tag </{name}> takes no attributes"] if attrs.strip() else []
    names = [open_name for open_name, _ in stack]
    if names and names[-1] == name:
        stack.pop()
    elif name in names:
        problems.append(f"</{name}> closes tags in the wrong order")
        del stack[len(names) - 1 - names[::-1].index(name)]  # the innermost <name>
    else:
        problems.append(f"</{name}> closes nothing that is open")
    return problems


def _text_problems(chunk: str, offset: int) -> list[tuple[int, str]]:
    """Problems in text between tags: bare ``<``/``>``/``&`` and unsupported entities."""
    problems = []
    bracket = min((i for i in (chunk.find("<"), chunk.find(">")) if i >= 0), default=-1)
    if bracket >= 0:
        problems.append((offset + bracket, "a bare < or > must be written &lt; or &gt;"))
    for match in _ENTITY.finditer(chunk):
        name = match.group(1)
        if not name.startswith("#") and name not in NAMED_ENTITIES:
            problems.append((offset + match.start(), f"Telegram does not know the entity "
                             f"&{name}; (only &lt; &gt; &amp; &quot; and numeric ones)"))
    bare = next((i for i, c in enumerate(chunk) if c == "&" and not _ENTITY.match(chunk, i)),
                -1)
    if bare >= 0:
        problems.append((offset + bare, "a bare & must be written &amp;"))
    return problems
