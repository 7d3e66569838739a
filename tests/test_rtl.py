"""Right-to-left done right: every RTL message through a real Unicode Bidirectional Algorithm.

python-bidi (the Rust ``unicode-bidi`` crate, which implements UAX #9 with isolates) lays out
each line the way a Telegram app does: the paragraph direction from its first strong
character, then the visual order. The tests check what the officer sees: the direction of
each line, and the visual order and integrity of numbers and Latin words; not only that
isolate characters are present.
"""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from babel.messages.pofile import read_po
from bidi import get_base_level, get_display

from bot import bidi
from bot.catalogs import po_path
from bot.countries import COURSE_COUNTRIES, country_name
from bot.i18n import (
    DIGITS,
    LANGUAGE_NAMES,
    RTL_LOCALES,
    Catalogs,
    Translator,
    native_digits,
)

RTL = sorted(RTL_LOCALES)
PLACEHOLDER = re.compile(r"\{(\w+)\}")
#: A token whose visual order is checked: a Latin word (with inner . - ') or a number.
TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.-]*[A-Za-z]|[A-Za-z]|[0-9۰-۹٠-٩]+(?:[/:.,٫٬][0-9۰-۹٠-٩]+)*")
#: Numbers joined by a slash or a dash: a fraction or a range, shown as one unit.
RANGE = re.compile(r"[0-9۰-۹٠-٩][0-9۰-۹٠-٩:.]*(?:\s?[/–—-]\s?[0-9۰-۹٠-٩][0-9۰-۹٠-٩:.]*)+")
NUMERIC = {"n", "count", "done", "total", "number", "reviewed", "items", "days", "streak",
           "right", "answered", "due", "minutes", "hours", "score", "lessons", "cards"}


def _shown(text: str) -> str:
    """What is printed: tags and entities dropped, control characters removed."""
    return bidi.strip_controls(bidi.visible(text))


def _without_isolates(text: str) -> str:
    """The text as an app that does not know isolates sees it (they are dropped)."""
    return "".join(ch for ch in text if ch not in bidi.ISOLATES)


def _line_problems(line: str) -> list[str]:
    """How ``line`` (one paragraph of a right-to-left message) reads wrong."""
    problems = []
    text = bidi.visible(line)
    if not bidi.has_rtl(text):
        return problems  # English (a fallback text): laid out left to right, as it should
    if get_base_level(text) != 1:
        problems.append("the line lays out left to right")
    if get_base_level(_without_isolates(text)) != 1:
        problems.append("the line lays out left to right in an app without isolates")
    visual = bidi.strip_controls(get_display(text))
    logical = bidi.strip_controls(text)
    tokens = [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(logical)]
    for word, _, _ in tokens:
        if word not in visual:
            problems.append(f"{word!r} is not shown whole (reversed or split) in {visual!r}")
    for m in RANGE.finditer(logical):  # "1/4", "07:00–21:00": one unit, left to right
        if m.group(0) not in visual:
            problems.append(f"{m.group(0)!r} is shown as two reversed numbers: {visual!r}")
    for (a, _, end_a), (b, start_b, _) in pairwise(tokens):
        between = logical[end_a:start_b]
        if not bidi.has_rtl(between) or a == b or visual.count(a) != 1 or visual.count(b) != 1:
            continue  # only words with right-to-left text between them have an order to keep
        if visual.index(a) < visual.index(b):
            problems.append(f"{a!r} should stand right of {b!r}: {visual!r}")
    return problems


def _isolate_problems(text: str) -> list[str]:
    """An isolate never spans a line or a whole sentence."""
    problems = []
    for m in re.finditer("[\u2066\u2067\u2068](.*?)\u2069", text, re.S):
        if "\n" in m.group(1):
            problems.append(f"an isolate spans several lines: {m.group(0)!r}")
        if bidi.is_sentence(m.group(1)):
            problems.append(f"an isolate spans a whole sentence: {m.group(0)!r}")
    return problems


def message_problems(t: Translator, text: str) -> list[str]:
    """Everything wrong with a whole message as the bot would send it in ``t.locale``."""
    sent = t.layout(text)
    problems = _isolate_problems(sent)
    for line in sent.split("\n"):
        problems += _line_problems(line)
    return problems


def _values(t: Translator, names: list[str]) -> dict[str, object]:
    """A sample value per placeholder: numbers for counts, Latin names for the rest."""
    values: dict[str, object] = {}
    for i, name in enumerate(dict.fromkeys(names)):
        values[name] = 3 + 4 * i if name in NUMERIC else f"Toolkit Name{chr(65 + i)}"
    return values


def _ui_messages(locale: str) -> list[tuple[str, str | tuple[str, str]]]:
    with po_path(locale, "messages").open("rb") as fh:
        catalog = read_po(fh)
    return [(m.string if isinstance(m.string, str) else m.string[0], m.id)
            for m in catalog if m.id and m.string]


@pytest.mark.parametrize("locale", RTL)
def test_every_ui_message_reads_right_to_left(catalogs: Catalogs, locale):
    t = catalogs.get(locale)
    checked, problems = 0, []
    for _, msgid in _ui_messages(locale):
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        values = _values(t, [name for name in PLACEHOLDER.findall(" ".join(ids))
                             if name != "n" or not isinstance(msgid, tuple)])
        if isinstance(msgid, tuple):
            texts = [t.ngettext(msgid[0], msgid[1], n, **values) for n in (1, 2, 5, 11)]
        else:
            texts = [t._(msgid, **values)]
        for text in texts:
            problems += [f"{ids[0]!r}: {p}" for p in message_problems(t, text)]
            checked += 1
    assert checked > 100
    assert not problems, "\n".join(problems[:20])


def test_the_checks_catch_what_an_app_would_show_wrong(catalogs):
    """Without the layout rules, the same messages read wrong: the test is not vacuous."""
    t = catalogs.get("fa")
    plain = "Toolkit Companion به شما کمک می‌کند."
    assert _line_problems(plain)  # starts with a Latin name: left to right
    assert not message_problems(t, plain)  # laid out by the translator: right to left
    two = "درس‌ها: \u20663\u2069/\u20664\u2069 تمام شد"  # a fraction as two isolates
    assert any("'3/4'" in p or "'4/3'" in p or "not shown whole" in p
               for p in _line_problems(two)), _line_problems(two)
    whole = f"درس‌ها {t.isolate(' '.join(['06:00', 'Kabul']))} است."
    assert not message_problems(t, whole)
    spanning = f"\u2067{plain}\u2069"
    assert _isolate_problems(spanning)


@pytest.mark.parametrize("locale", RTL)
def test_a_message_that_starts_with_the_bots_name_reads_right_to_left(catalogs, locale):
    t = catalogs.get(locale)
    text = t._("<b>Toolkit Companion</b> helps you keep what you learned on the course: short "
               "lessons, refresher quizzes that come back at the right time, and quick guidance "
               "for duty.\n\nUse the buttons below, or these commands:\n{commands}",
               commands="/start")
    first = text.split("\n")[0]
    if not first.startswith("<b>Toolkit Companion</b>"):  # the translation puts it later
        first = "<b>Toolkit Companion</b> " + first
    assert get_base_level(bidi.visible(first)) == 0  # as written, it would read left to right
    name_first = t.layout(first)
    assert get_base_level(bidi.visible(name_first)) == 1
    assert "Toolkit Companion" in bidi.strip_controls(get_display(bidi.visible(name_first)))
    assert not message_problems(t, text)


@pytest.mark.parametrize("locale", RTL)
def test_a_fraction_and_a_range_are_one_isolate_each(catalogs, locale):
    t = catalogs.get(locale)
    d = native_digits(locale)
    fraction = t.label("{title} · {done}/{total}", title="HIV", done=3, total=4)
    assert f"{d[3]}/{d[4]}" in bidi.strip_controls(get_display(fraction))  # not "4/3"
    assert fraction.count(bidi.PDI) == 2  # the title, and the fraction as one
    # a range built from two values, joined only by a dash, is one value too
    hours = t._("Quiet hours: {start}–{end}", start=t.clock("07:00"), end=t.clock("21:00"))
    start, end = t.clock("07:00"), t.clock("21:00")
    assert f"{start}–{end}" in bidi.strip_controls(get_display(bidi.visible(hours)))
    assert not message_problems(t, hours)


def test_two_separate_isolates_would_show_a_reversed_range():
    """What the one-isolate rule prevents, shown by the same bidi implementation."""
    two = f"ساعت {bidi.LRI}07:00{bidi.PDI}–{bidi.LRI}21:00{bidi.PDI} است"
    assert "21:00–07:00" in bidi.strip_controls(get_display(two))
    one = f"ساعت {bidi.isolate('07:00–21:00')} است"
    assert "07:00–21:00" in bidi.strip_controls(get_display(one))


@pytest.mark.parametrize("locale", RTL)
async def test_each_emergency_line_reads_right_to_left(chat_factory, catalogs, locale):
    code = {"fa_AF": "fa-AF"}.get(locale, locale)
    chat = chat_factory(8100 + RTL.index(locale), code)
    country = {"fa": "IR", "ur": "PK"}.get(locale, "AF")
    await chat.onboard(language=LANGUAGE_NAMES[locale],
                       country=COURSE_COUNTRIES.index(country))
    await chat.send("/emergency")
    text = chat.last.text
    lines = [line for line in text.split("\n") if "•" in line]
    assert lines
    for line in lines:
        assert get_base_level(bidi.visible(line)) == 1, line
        assert get_base_level(_without_isolates(bidi.visible(line))) == 1, line
        outside_code = re.sub(r"<code>.*?</code>", "", line)  # numbers to copy stay as typed
        assert not re.search("[0-9]", _shown(outside_code)) or \
            native_digits(locale) == DIGITS["latn"]
    assert country_name(country, locale) in text
    assert not message_problems(catalogs.get(locale), text)


@pytest.mark.parametrize("locale", RTL)
def test_arrows_point_the_readers_way(catalogs, locale):
    """In RTL, "Next" points left and "Back" right, in the catalogs and in code-built labels;
    with rows sent reversed, Back is at the right, where the reader starts."""
    for msgstr, msgid in _ui_messages(locale):
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        for arrow, mirrored in (("▶", "◀"), ("◀", "▶"), ("→", "←"), ("←", "→")):
            if arrow in ids[0]:
                assert mirrored in msgstr and arrow not in msgstr, (locale, ids[0], msgstr)
    t = catalogs.get(locale)
    assert t.arrow("▶️ ") == "◀️ "
    from bot.ui.direction import markup_for
    from bot.ui.lessons import card_nav
    rows = markup_for(t, card_nav(t, "hiv-spread", "hiv", 2, 4)).inline_keyboard
    labels = [b.text for b in rows[0]]
    assert labels == [t.label("Next ▶"), t.label("◀ Back")]
    assert "◀" in labels[0] and "▶" in labels[1]


@pytest.mark.parametrize("locale", RTL)
def test_course_texts_read_right_to_left(content, catalogs, locale):
    """Every lesson card, quiz text and reference card as served in the locale (English
    today, until the translations arrive: then they are checked the same way)."""
    t = catalogs.get(locale)
    served = content.served
    problems = []
    for text in served.course.all_texts():
        value, _ = served.text(locale, text)
        problems += [f"{text.ctx}: {p}" for p in message_problems(t, value)]
    assert not problems, "\n".join(problems[:20])


def test_translated_course_texts_are_checked_too(catalogs):
    """The course check on a right-to-left translation with Latin terms and numbers."""
    t = catalogs.get("fa")
    card = ("<b>PEP</b> را در ۷۲ ساعت اول شروع کنید.\n"
            "HIV از راه خون منتقل می‌شود، نه با دست دادن.\n"
            "۱/۴ افراد درمان نمی‌گیرند.")
    assert not message_problems(t, card)
    # a line that starts with a Latin term would read left to right without the layout
    assert _line_problems("HIV از راه خون منتقل می‌شود.")
    # and a range written with a dash in a translation is shown reversed: the check says so
    assert _line_problems("از ۰۷:۰۰–۲۱:۰۰ باز است.")


def test_dates_and_numbers_use_one_digit_system_per_locale(catalogs):
    from datetime import date
    for locale in ("fa", "fa_AF", "ps"):
        t = catalogs.get(locale)
        shown = t.date(date(2026, 12, 1)) + t.number(1234) + t.percent(0.85) + t.clock("08:30")
        assert not re.search("[0-9]", shown), (locale, shown)
        assert re.search("[۰-۹]", shown)
    for locale in ("ur", "ru", "kk", "tk", "uz"):
        t = catalogs.get(locale)
        shown = t.date(date(2026, 12, 1)) + t.number(1234)
        assert not re.search("[۰-۹٠-٩]", shown), (locale, shown)


@pytest.mark.parametrize("locale", ["fa", "fa_AF", "ps"])
async def test_one_digit_system_per_message(chat_factory, locale):
    """Numbers formatted by babel, times, phone numbers and the translated text all use the
    locale's digits (CLDR: Persian digits here); only <code> keeps what the officer types."""
    chat = chat_factory(8200 + RTL.index(locale), locale.replace("_", "-"))
    await chat.onboard(language=LANGUAGE_NAMES[locale], country=COURSE_COUNTRIES.index("AF"))
    shown = []
    for command in ("/lessons", "/progress", "/reminder", "/emergency", "/reminder 03:00"):
        await chat.send(command)
        shown.append(chat.last.text)
        shown += chat.last.button_texts()
    for text in shown:
        outside_code = re.sub(r"<code>.*?</code>", "", text, flags=re.S)
        assert not re.search("[0-9]", outside_code), (locale, text)
    assert any(re.search("[۰-۹]", text) for text in shown)
