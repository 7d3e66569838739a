"""The privacy notice: what class quizzes, reports and exports keep, in every language."""

from __future__ import annotations

import pytest

from bot.handlers.onboarding import privacy_text
from bot.i18n import SUPPORTED_LOCALES

#: per language: class quiz answers, pseudonymous exports, three audit logs (one of exports)
MENTIONS = {
    "en": ("class quiz answers", "by a pseudonym, not by name or Telegram id",
           "Three audit logs", "the log of exports"),
    "fa": ("پاسخ‌های آزمون کلاسی", "با نام مستعار", "سه دفتر ثبت رویداد", "دفتر خروجی‌ها"),
}
LANGUAGE = {"en": "English", "fa": "فارسی"}


@pytest.mark.parametrize("locale", ["en", "fa"])
async def test_the_notice_names_class_answers_pseudonyms_and_three_audit_logs(chat, locale):
    await chat.onboard(LANGUAGE[locale])
    await chat.send("/privacy")
    text = chat.last.text
    for words in MENTIONS[locale]:
        assert words in text, words
    assert "/forget" in text and "/cohort" in text
    assert "Two audit logs" not in text and "دو دفتر" not in text


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_notice_fits_one_message_in_paragraphs(catalogs, locale):
    class Context:
        t = catalogs.get(locale)
    text = privacy_text(Context())
    assert len(Context.t.layout(text)) <= 4096, (locale, len(text))
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == 6 and all(paragraphs), locale
    if locale != "en":  # each paragraph translated on its own
        english = privacy_text(type("Context", (), {"t": catalogs.get("en")})())
        for mine, source in zip(paragraphs, english.split("\n\n"), strict=True):
            assert mine != source, (locale, source[:40])
