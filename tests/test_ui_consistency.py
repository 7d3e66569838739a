"""The interface reads consistently within each locale: one quote style, one word for "of",
the Submit button named as it is labelled, dates in one (long) style with no double stop."""

from __future__ import annotations

import re
from datetime import date

import pytest
from babel.dates import format_date
from babel.messages.pofile import read_po

from bot.catalogs import po_path
from bot.i18n import SOURCE_LOCALE, SUPPORTED_LOCALES

TRANSLATED = [loc for loc in SUPPORTED_LOCALES if loc != SOURCE_LOCALE]
QUOTES = re.compile("[«»“”„‟\"‘’‚]")


def _strings(locale: str) -> dict[str, str]:
    with po_path(locale, "messages").open("rb") as fh:
        catalog = read_po(fh)
    out = {}
    for m in catalog:
        if m.id:
            ids = m.id if isinstance(m.id, tuple) else (m.id,)
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            out[ids[0]] = " ".join(strings)
    return out


@pytest.mark.parametrize("locale", TRANSLATED)
def test_one_quote_style(locale):
    used = {q for s in _strings(locale).values() for q in QUOTES.findall(s)}
    assert used <= {"«", "»"}, (locale, used)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_the_submit_instruction_names_the_button_as_labelled(locale):
    strings = _strings(locale)
    instruction = strings["<i>Choose every correct answer, then press Submit.</i>"]
    assert f"«{strings['Submit answer']}»" in instruction, (locale, instruction)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_one_word_for_of_in_counts(locale):
    """"Question 2 of 5" and "Card 2 of 5" join the numbers the same way."""
    strings = _strings(locale)
    question = strings["🧠 <b>Question {number} of {total}</b>"]
    card = strings["<b>{module} · {lesson}</b>\nCard {card} of {total}"].split("\n")[-1]

    def around(text: str) -> tuple[str, str]:
        before, _, after = text.partition("{total}")
        words = [w for w in re.sub(r"<[^>]+>|\{\w+\}", " ", before).split() if w.isalpha()
                 or w == "/"]
        return (words[-1] if words else ""), (re.sub(r"<[^>]+>", " ", after).split() or [""])[0]
    assert around(question) == around(card), (locale, question, card)
    if locale == "ur":  # Urdu says میں سے, not the Persian از (the idiom کم از کم is Urdu)
        assert not any(re.search(r"(?<!\S)از(?!\S)", s.replace("کم از کم", ""))
                       for s in strings.values())


@pytest.mark.parametrize("locale", TRANSLATED)
def test_dates_in_one_long_style_and_never_a_double_stop(catalogs, locale):
    t = catalogs.get(locale)
    day = date(2026, 12, 1)
    babel_locale = "uz_Latn" if locale == "uz" else locale
    assert t.date(day) == t.digits(format_date(day, "long", locale=babel_locale))
    assert "دسم " not in t.date(day) and "дек." not in t.date(day)  # full month names
    for msgid in _strings(locale):
        if "{date}" in msgid:
            values = dict.fromkeys(re.findall(r"\{(\w+)\}", msgid), "Name")
            shown = t._(msgid, **(values | {"date": t.date(day)}))
            assert ".." not in shown and ".»" not in shown, (locale, shown)
