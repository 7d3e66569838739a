"""Messages and keyboards laid out for the reader's direction.

Telegram lays out the buttons of a keyboard row from left to right whatever the language
(there is no right-to-left option in the Bot API), so in a right-to-left locale each row is
sent reversed: the first button (Back, the first option) is at the right, where the reader
starts. The text goes through ``Translator.layout`` (``bot.bidi.rtl_lines``).
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.i18n import Translator


def markup_for(t: Translator, markup: InlineKeyboardMarkup | None
               ) -> InlineKeyboardMarkup | None:
    """``markup`` with every row reversed in right-to-left locales."""
    if markup is None or not t.is_rtl:
        return markup
    return InlineKeyboardMarkup([list(reversed(row)) for row in markup.inline_keyboard])


def text_for(t: Translator, text: str) -> str:
    return t.layout(text)
