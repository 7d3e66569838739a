"""Numbers and times as officers type them, in any script.

Persian and Dari keyboards type ۰-۹, Pashto and Urdu keyboards ۰-۹ or ٠-٩ (Eastern Arabic),
and a phone may offer fullwidth or other decimal digits. Every character that Unicode calls a
decimal digit (``str.isdecimal``) is read by its value (``unicodedata.decimal``); superscripts
and other "digits" that are not decimal are not numbers here. The Arabic decimal separator
(U+066B) and fullwidth punctuation count as the ASCII ``.`` and ``:``.

Use ``ascii_digits`` before validating anything an officer typed as a number, ``read_int`` for
a whole number, and ``read_time`` for a time of day.
"""

from __future__ import annotations

import re
import unicodedata

#: Punctuation typed between hours and minutes, as the ASCII character it stands for.
_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": ",", "\u06d4": ".", "\uff0e": ".",
                             "\uff1a": ":", "\u2236": ":"})

# 9 | 09 | 9:30 | 09.30 | 9h30 | 9 30 | 0930 | 930 | 9am | 9 a.m. | 9:30pm | 9h
_TIME = re.compile(
    r"^(?P<h>\d{1,2})(?:(?:[:.h]\s?|\s)(?P<m>\d{2})|(?P<m2>\d{2}))?\s*h?\s*"
    r"(?:(?P<ampm>[ap])\.?\s?m\.?)?$")


def ascii_digits(text: str) -> str:
    """``text`` with every decimal digit of any script written as its ASCII digit, and the
    Arabic and fullwidth separators as ``.`` and ``:``."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch
                   for ch in text).translate(_SEPARATORS)


def read_int(text: str | None) -> int | None:
    """A whole number (no sign, no separators) in any script, or ``None``."""
    value = ascii_digits((text or "").strip())
    return int(value) if value.isascii() and value.isdigit() else None


def read_time(text: str | None) -> tuple[int, int] | None:
    """A time of day as (hours, minutes), or ``None``.

    Reads ``9``, ``09``, ``9:30``, ``09.30``, ``9h30``, ``9 30``, ``0930``, ``9am``,
    ``9 p.m.``, ``12am`` (midnight), ``12pm`` (noon), in any script's digits.
    """
    value = ascii_digits((text or "").strip().lower())
    match = _TIME.match(value)
    if match is None or not value.isascii():
        return None
    hours = int(match["h"])
    minutes = int(match["m"] or match["m2"] or 0)
    if match["ampm"]:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if match["ampm"] == "p" else 0)
    if hours > 23 or minutes > 59:
        return None
    return hours, minutes
