"""/about: the course is an aid to training, not advice; which languages are machine drafts or
untranslated (counted from the catalogs); which modules a qualified reviewer has signed off."""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_percent
from conftest import app_over, load_content, untranslated
from harness import Chat

from bot.i18n import LANGUAGE_NAMES
from bot.sandbox import UpdateFactory


async def test_about_says_what_the_course_is_and_is_not(chat, content, errors):
    await chat.onboard()
    await chat.send("/about")
    text = chat.last.text
    assert "an aid to your training, not medical or legal advice" in text
    assert "A medical assessment decides on treatment" in text
    assert "national law and your orders apply" in text and "/emergency" in text
    assert "• English: the original text" in text
    coverage = content.served.catalogs.coverage(content.course)
    for locale in ("ru", "fa", "fa_AF", "ps", "ur", "kk", "ky", "tg", "tk", "uz"):
        done = coverage[locale].translated == coverage[locale].total  # all machine drafts today
        assert coverage[locale].translated in (0, coverage[locale].total), locale
        status = "machine translation, not yet reviewed by a native speaker" if done else \
            "not yet translated"
        assert f"• {LANGUAGE_NAMES[locale]}: {status}" in text, locale
    for module in content.course.modules:
        assert f"• {module.title.source}: not yet reviewed by a qualified health or legal " \
               "reviewer" in text
    assert len(text) <= 4096 and errors == []


async def test_about_is_a_published_command_listed_in_help(app, fake, chat):
    published = [c["command"] for c in fake.of("setMyCommands")[0].params["commands"]]
    assert "about" in published
    await chat.onboard()
    await chat.send("/help")
    assert "/about" in chat.last.text


async def test_about_in_russian(chat_factory):
    chat = chat_factory(8801, "ru")
    await chat.onboard(language="Русский")
    await chat.send("/about")
    text = chat.last.text
    assert "<b>О курсе</b>" in text and "не заменяет медицинскую или юридическую" in text
    assert "• Русский: машинный перевод" in text and "• ВИЧ и гепатиты: ещё не проверен" in text
    assert "not yet" not in text and "English" not in text.replace("• English:", "")


def _edit_po(path, change) -> None:
    with path.open("rb") as fh:
        catalog = read_po(fh)
    change(catalog)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0)


PARTIAL = 300  # texts translated in the Kazakh and Kyrgyz copies


@pytest.fixture
def reviewed_copy(content_copy):
    """A copy in which Russian was reviewed, Kazakh is partly drafted and partly reviewed,
    Kyrgyz is partly reviewed, and a health reviewer signed off the first module."""
    locales = content_copy / "locales"

    def reviewed(catalog):
        for message in catalog:
            message.flags.discard("draft")

    def partial(draft: bool):
        def change(catalog):
            for message in [m for m in catalog if m.id and m.context][:PARTIAL]:
                message.string = "Аударма" if draft else "Которулган"
                if draft:
                    message.flags.add("draft")
        return change

    untranslated(content_copy, "kk", "ky", "fa")
    _edit_po(locales / "ru" / "LC_MESSAGES" / "content.po", reviewed)
    _edit_po(locales / "kk" / "LC_MESSAGES" / "content.po", partial(draft=True))
    _edit_po(locales / "ky" / "LC_MESSAGES" / "content.po", partial(draft=False))
    module = content_copy / "content" / "modules" / "01-hiv.yaml"
    module.write_text(module.read_text().replace(
        "review: []", 'review:\n  - {by: "Dr A. Example, infectious diseases physician", '
        "area: health, on: 2027-02-01}", 1))
    return load_content(content_copy)


async def test_about_follows_the_catalogs_and_the_review_records(settings, catalogs,
                                                                  reviewed_copy, clock):
    async with app_over(settings, catalogs, reviewed_copy, clock) as (app, fake):
        chat = Chat(app, fake, UpdateFactory(8802))
        await chat.onboard()
        await chat.send("/about")
    text = chat.last.text
    share = format_percent(PARTIAL / sum(1 for _ in reviewed_copy.course.all_texts()),
                           locale="en")
    assert share != "0%"
    assert "• Русский: translated and reviewed" in text
    assert f"• Қазақша: {share} translated by machine, not yet reviewed; the rest is shown " \
           "in English" in text
    assert f"• Кыргызча: {share} translated and reviewed; the rest is shown in English" in text
    assert "• فارسی: not yet translated" in text
    assert "• HIV and hepatitis: health content reviewed by Dr A. Example, infectious " \
           "diseases physician on February 1, 2027" in text  # dates: CLDR long format
    assert "• Overdose: not yet reviewed" in text
