"""Right-to-left layout of the bot's messages for Persian, Dari, Pashto and Urdu.

Telegram's apps choose the direction of each paragraph (line) of a message from its first
strong character, as the Unicode Bidirectional Algorithm (UAX #9, rules P2-P3) says: a line
that starts with a Latin name ("Toolkit Companion ...") or with a number lays out left to
right even when the rest is Persian. Three rules keep a right-to-left message readable:

* ``isolate``: a value interpolated into a sentence (a number, a name, a title, a time) is
  wrapped in an isolate, LRI...PDI for left-to-right or neutral text, RLI...PDI for text that
  holds right-to-left letters, so that it keeps its place and its inner order. Each line of a
  value gets its own isolate (an isolate cannot span lines), and a value that is itself a
  right-to-left sentence is left as it is: it already flows with the message.
* ``one_value``: placeholders joined only by a separator (``{done}/{total}``,
  ``{start}–{end}``) are one value and one isolate: two isolates would show "4/3".
* ``rtl_lines`` also isolates a bot command written into a translated sentence
  ("یا /reminder را بفرستید"): its leading slash is neutral and would otherwise stand at the
  wrong end of the word. Commands inside ``<code>``, ``<pre>`` and links are left as they are.
* ``rtl_lines``: a line of a right-to-left message whose first strong character is not
  right-to-left (it starts with a Latin word, a number or only neutrals) gets a RIGHT-TO-LEFT
  MARK in front, so that every app, also one that does not know isolates, lays it out right
  to left. Lines with no right-to-left letter at all (an English fallback text) keep their
  left-to-right layout.

Arrows point the reader's way: ``mirror_arrows`` swaps ▶/◀, →/← and friends.
"""

from __future__ import annotations

import re
import unicodedata

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
RLM, LRM = "\u200f", "\u200e"
ISOLATES = frozenset({LRI, RLI, FSI, PDI})
CONTROLS = ISOLATES | {RLM, LRM, "\u061c", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"}

_TAG_OR_ENTITY = re.compile(r"<[^<>]*>|&#?[A-Za-z0-9]+;")
#: A sentence ends here: such a value is not isolated as a whole.
_SENTENCE_END = re.compile(r"[.!?؟۔…](\s|$)")
#: Placeholders joined only by one separator: ``{a}/{b}``, ``{a}–{b}``, ``{a}:{b}``.
_JOINED = re.compile(r"\{(\w+)\}(?:[/:–—\-.]\{\w+\})+")
#: A bot command written in a translation ("/reminder"), or a span left alone: a tag (its
#: attributes), <code>/<pre>/<a> elements (copied or opened as they are), an isolate.
_COMMAND_OR_KEPT = re.compile(
    r"(?P<kept><(code|pre|a)\b[^>]*>.*?</\2>|<[^<>]*>|[\u2066\u2067\u2068].*?\u2069)"
    r"|(?<![\w/])(?P<command>/[A-Za-z][A-Za-z0-9_]{0,31})(?![\w/])", re.S)
_ARROWS = str.maketrans({"▶": "◀", "◀": "▶", "→": "←", "←": "→", "➡": "⬅", "⬅": "➡",
                         "►": "◄", "◄": "►", "»": "«", "«": "»", "⏩": "⏪", "⏪": "⏩",
                         "▷": "◁", "◁": "▷", "⇒": "⇐", "⇐": "⇒"})


def strong(ch: str) -> str | None:
    """'L', 'R' (R or AL) or None for a character that is not strong."""
    kind = unicodedata.bidirectional(ch)
    if kind == "L":
        return "L"
    if kind in ("R", "AL"):
        return "R"
    return None


def visible(text: str) -> str:
    """The characters a reader sees in Telegram HTML: tags and entities dropped."""
    return _TAG_OR_ENTITY.sub("", text)


def first_strong(text: str, skip_isolates: bool = False) -> str | None:
    """The direction of the first strong character of ``text`` (tags ignored). With
    ``skip_isolates`` the content of isolates is passed over, as UAX #9 P2 says; without it,
    as an app that does not know isolates would read it."""
    depth = 0
    for ch in visible(text):
        if skip_isolates and ch in (LRI, RLI, FSI):
            depth += 1
        elif skip_isolates and ch == PDI:
            depth = max(0, depth - 1)
        elif depth == 0 and (kind := strong(ch)):
            return kind
    return None


def has_rtl(text: str) -> bool:
    return any(strong(ch) == "R" for ch in visible(text))


def is_sentence(text: str) -> bool:
    """A right-to-left sentence: right-to-left text that ends a sentence."""
    return has_rtl(text) and bool(_SENTENCE_END.search(text.strip()))


def isolate(text: str) -> str:
    """``text`` as one value inside right-to-left text: each line in its own isolate."""
    if "\n" in text:
        return "\n".join(isolate(line) for line in text.split("\n"))
    if not text.strip() or is_sentence(text):
        return text
    return f"{RLI if has_rtl(text) else LRI}{text}{PDI}"


def joined_placeholders(message: str) -> list[tuple[str, str]]:
    """``(the joined run, e.g. '{done}/{total}', a name for it)`` for each run in
    ``message`` of placeholders joined by a separator."""
    return [(m.group(0), "_joined_" + "_".join(re.findall(r"\w+", m.group(0))))
            for m in _JOINED.finditer(message)]


def rtl_lines(text: str) -> str:
    """Every line that holds right-to-left letters (or no strong character at all) starts
    right to left: a RIGHT-TO-LEFT MARK goes in front of it where its first strong
    character is not right-to-left, whether read as UAX #9 says (isolates passed over: a
    line that starts with an isolated value, "• {service}: {number}", has none) or as an
    app that ignores isolates would read it."""
    text = _COMMAND_OR_KEPT.sub(
        lambda m: m.group(0) if m.group("kept") else f"{LRI}{m.group('command')}{PDI}", text)
    out = []
    for line in text.split("\n"):
        naive, uba = first_strong(line), first_strong(line, skip_isolates=True)
        starts_rtl = naive == "R" and uba == "R"
        if visible(line).strip() and not starts_rtl and (has_rtl(line) or naive is None):
            line = RLM + line
        out.append(line)
    return "\n".join(out)


def mirror_arrows(text: str) -> str:
    return text.translate(_ARROWS)


def strip_controls(text: str) -> str:
    return "".join(ch for ch in text if ch not in CONTROLS)
