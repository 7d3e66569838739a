"""All eleven languages: complete catalogs, honest drafts, and no English leaking through."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from harness import Chat

from bot.catalogs import DRAFT, po_path, pot_path
from bot.countries import COURSE_COUNTRIES, country_name
from bot.i18n import LANGUAGE_NAMES, RTL_LOCALES, SOURCE_LOCALE, SUPPORTED_LOCALES
from bot.sandbox import UpdateFactory

TRANSLATED = [loc for loc in SUPPORTED_LOCALES if loc != SOURCE_LOCALE]
PLACEHOLDER = re.compile(r"\{(\w+)\}")
TAG = re.compile(r"</?[a-z][^>]*>")
#: Telegram language codes a user of each locale would have
TELEGRAM_CODE = {"fa_AF": "fa-AF"}


def _catalog(path):
    with path.open("rb") as fh:
        return read_po(fh)


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


@pytest.mark.parametrize("locale", TRANSLATED)
def test_catalog_is_complete_and_consistent(locale):
    template = {m.id for m in _catalog(pot_path("messages")) if m.id}
    catalog = _catalog(po_path(locale, "messages"))
    entries = {m.id: m for m in catalog if m.id}
    assert template <= set(entries), "run: python -m bot catalogs update"
    for msgid in template:
        message = entries[msgid]
        assert not message.fuzzy, f"{locale}: stale translation of {msgid!r}"
        if "fallback" in message.flags:  # English on purpose (python -m bot content check)
            continue
        strings = _strings(message)
        assert all(strings), f"{locale}: no translation of {msgid!r}"
        source_names = set(PLACEHOLDER.findall(" ".join(_ids(message))))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) <= source_names | {"n"}, (locale, msgid)
            assert set(PLACEHOLDER.findall(text)) >= source_names - {"n"}, (locale, msgid)
            assert sorted(TAG.findall(text)) == sorted(TAG.findall(_ids(message)[0])), \
                (locale, msgid)


#: Locales whose UI translations a native speaker has reviewed (none yet). Only these may
#: carry entries without the ``draft`` flag.
REVIEWED_LOCALES: frozenset[str] = frozenset()


@pytest.mark.parametrize("locale", sorted(set(TRANSLATED) - REVIEWED_LOCALES))
def test_machine_drafts_are_marked_as_drafts(locale):
    """Unreviewed locales: every translated entry must still say it is a draft."""
    catalog = _catalog(po_path(locale, "messages"))
    for message in catalog:
        if message.id and all(_strings(message)):
            assert DRAFT in message.flags, f"{locale}: {message.id!r} not flagged draft"


def _country_of(english_name: str) -> str:
    return next((c for c in COURSE_COUNTRIES if country_name(c, "en") == english_name), "")


def _visible(call) -> list[str]:
    return [call.text, *call.button_texts()]


async def _walk_onboarding(chat: Chat, language_label: str) -> list[list[str]]:
    screens = []
    await chat.send("/start")
    screens.append(_visible(chat.last))
    await chat.press(language_label)
    screens.append(_visible(chat.last))
    await chat.press(0)
    screens.append(_visible(chat.last))
    await chat.press(0)
    screens.append(_visible(chat.last))
    await chat.send("/help")
    screens.append(_visible(chat.last))
    await chat.send("/nonsense")
    screens.append(_visible(chat.last))
    await chat.press("⚙️")
    screens.append(_visible(chat.last))
    return screens


@pytest.mark.parametrize("locale", TRANSLATED)
async def test_onboarding_speaks_the_chosen_language(app, fake, locale):
    english = await _walk_onboarding(
        Chat(app, fake, UpdateFactory(5000, language_code="en")), "English")
    code = TELEGRAM_CODE.get(locale, locale)
    chat = Chat(app, fake, UpdateFactory(5001 + TRANSLATED.index(locale), language_code=code))
    localized = await _walk_onboarding(chat, LANGUAGE_NAMES[locale])
    # The first screen is shown before a choice, in the language Telegram suggests.
    for step, (en_screen, screen) in enumerate(zip(english, localized, strict=True)):
        en_text, text = en_screen[0], screen[0]
        assert text != en_text, f"{locale} step {step}: English text shown: {text!r}"
        for en_label, label in zip(en_screen[1:], screen[1:], strict=True):
            if en_label in LANGUAGE_NAMES.values() or label == country_name(
                    _country_of(en_label), locale):
                continue  # language names stay in their own script; CLDR names countries
            assert label != en_label or not re.search("[A-Za-z]{3}", label), \
                f"{locale} step {step}: English button {label!r}"
    if locale in RTL_LOCALES:
        assert re.search("[\u0600-\u06ff]", localized[3][0])
