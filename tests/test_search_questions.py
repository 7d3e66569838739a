"""Search results say what they are, and natural questions find the card to act on.

The header gives the real number of results and how many are shown ("6 of 14"), with More and
Previous. Questions an officer would type, in English and Russian, each put a given card first:
the small words of a question are not required to match, only ranked by where they stand in a
title ("what to do", «что делать»), see ``bot/services/search_text.py``."""

from __future__ import annotations

import pytest
from harness import Chat

from bot.handlers.search_pages import PAGE_SIZE, RecentResults
from bot.i18n import LANGUAGE_NAMES
from bot.sandbox import UpdateFactory
from bot.services.search_text import Query

ENGLISH = [
    ("what to do in an overdose", "overdose-response"),
    ("what are the signs of an overdose", "overdose-signs"),
    ("a man is unconscious and his lips are blue", "overdose-signs"),
    ("how do I put someone in the recovery position", "overdose-response"),
    ("how do I give naloxone", "naloxone"),
    ("what should I do after a needle prick", "needlestick"),
    ("blood splashed in my eyes", "needlestick"),
    ("when should I start PEP after exposure", "pep"),
    ("can HIV pass through spit or a bite", "hiv-transmission"),
    ("how to handcuff a person living with HIV", "hiv-custody"),
    ("how do I search a person safely", "safe-search"),
    ("how should I package a seized syringe", "sharps-evidence"),
    ("where can I refer someone who uses drugs", "referral"),
    ("what is the alternative to arrest for drug use", "diversion"),
    ("is methadone legal treatment", "ost"),
    ("is it okay to tell my colleagues someone is on methadone", "confidentiality"),
    ("should officers get the hepatitis B vaccine", "hbv-vaccine"),
    ("what help is there for women who use drugs", "women"),
]
RUSSIAN = [
    ("что делать при передозировке", "overdose-response"),
    ("признаки передозировки опиоидами", "overdose-signs"),
    ("у человека синие губы и он не дышит", "overdose-signs"),
    ("как положить человека в боковое положение", "overdose-response"),
    ("что такое налоксон", "naloxone"),
    ("я укололся шприцем что делать", "needlestick"),
    ("сколько часов есть чтобы начать ПКП", "pep"),
    ("передаётся ли ВИЧ через слюну", "hiv-transmission"),
    ("как безопасно провести досмотр", "safe-search"),
    ("как упаковать изъятый шприц", "sharps-evidence"),
    ("куда направить человека на лечение от зависимости", "referral"),
    ("какие есть альтернативы аресту", "diversion"),
    ("законна ли заместительная терапия метадоном", "ost"),
    ("можно ли рассказать что у задержанного ВИЧ", "confidentiality"),
    ("нужно ли полицейским прививаться от гепатита B", "hbv-vaccine"),
    ("является ли зависимость болезнью", "dependence"),
]


def _first_card(call) -> str | None:
    cards = [d.split(":")[1] for d in call.callback_data() if d.startswith("rc:")]
    return cards[0] if cards else None


def _results(call) -> list[str]:
    return [d for d in call.callback_data() if d.startswith(("rc:", "les:"))]


@pytest.fixture
async def english(app, fake):
    chat = Chat(app, fake, UpdateFactory(8001, language_code="en"))
    await chat.onboard()
    return chat


@pytest.fixture
async def russian(app, fake):
    chat = Chat(app, fake, UpdateFactory(8002, language_code="ru"))
    await chat.onboard(language="Русский")
    return chat


@pytest.mark.parametrize("question,card", ENGLISH)
async def test_an_english_question_puts_the_card_to_act_on_first(english, question, card):
    await english.send(question)
    assert _first_card(english.last) == card


@pytest.mark.parametrize("question,card", RUSSIAN)
async def test_a_russian_question_puts_the_card_to_act_on_first(russian, content, question,
                                                                card):
    if content.served.text("ru", content.course.reference_card(card).title)[1]:
        pytest.skip("no Russian translation of the card")
    await russian.send(question)
    assert _first_card(russian.last) == card


def test_small_words_rank_but_are_not_required():
    query = Query.parse("what to do in an overdose")
    assert query.words == ("overdos",)  # the only word a result must contain
    assert "what to" in query.pairs and "to do" in query.pairs
    assert Query.parse("what to do").words == ("what", "to", "do")  # nothing else to go on
    russian = Query.parse("что делать при передозировке", "ru")
    assert russian.words == ("передозиров",) and "что делать" in russian.pairs


@pytest.mark.parametrize("locale", ["en", "ru", "fa"])
async def test_results_header_counts_and_more(app, chat_factory, catalogs, locale):
    """English, Russian, and Persian (right to left: the counts are isolated)."""
    t = catalogs.get(locale)
    chat = chat_factory(8010 + ["en", "ru", "fa"].index(locale), locale)
    await chat.onboard(language=LANGUAGE_NAMES[locale])
    word = "ВИЧ" if locale == "ru" else "hiv"
    total = (await app.bot_data.services.search.search(word, locale, limit=None)).total
    assert total > 2 * PAGE_SIZE  # three pages at least
    await chat.send(f"/search {word}")
    first = chat.last
    assert t.ngettext("🔎 <b>{shown} of {n} result for “{query}”</b>\nChoose one, or press "
                      "More for the next ones:", "🔎 <b>{shown} of {n} results for “{query}”"
                      "</b>\nChoose one, or press More for the next ones:", total,
                      shown=PAGE_SIZE, query=word) in first.text
    assert len(_results(first)) == PAGE_SIZE
    if t.is_rtl:
        assert t.isolate(t.number(PAGE_SIZE)) in first.text
        assert t.isolate(t.number(total)) in first.text
    await chat.press(t.label("More ▶"))
    second = chat.last
    assert second.method == "editMessageText"
    assert t.ngettext("🔎 <b>Results {first}–{last} of {n}</b>\nChoose one:",
                      "🔎 <b>Results {first}–{last} of {n}</b>\nChoose one:", total,
                      first=PAGE_SIZE + 1, last=2 * PAGE_SIZE) in second.text
    assert not set(_results(second)) & set(_results(first))
    seen = _results(first) + _results(second)
    while t.label("More ▶") in chat.last.button_texts():
        await chat.press(t.label("More ▶"))
        seen += _results(chat.last)
    assert len(seen) == len(set(seen)) == total  # every result once, none lost
    await chat.press(t.label("◀ Previous"))
    assert t.label("More ▶") in chat.last.button_texts()
    assert "menu:home" in chat.last.callback_data()


async def test_a_short_list_has_no_more_button(app, english):
    total = (await app.bot_data.services.search.search("pep", "en", limit=None)).total
    assert 1 < total <= PAGE_SIZE
    await english.send("pep")
    assert english.last.text.startswith(f"🔎 <b>{total} results for “pep”</b>")
    assert not [d for d in english.last.callback_data() if d.startswith("sp:")]


async def test_more_from_an_older_search_says_it_is_out_of_date(english, app):
    await english.send("hiv")
    old = english.last
    await english.send("needle")  # a newer search replaces the remembered results
    more = next(d for d in old.callback_data() if d.startswith("sp:"))
    await english.press_data(more, old.result["message_id"])
    assert english.answered_callback().params["text"] == "These results are out of date."
    assert "no longer available" in english.last.text
    assert "menu:home" in english.last.callback_data()


async def test_someone_elses_more_button_shows_nothing_of_theirs(app, fake, english):
    await english.send("hiv")
    more = next(d for d in english.last.callback_data() if d.startswith("sp:"))
    other = Chat(app, fake, UpdateFactory(8003, language_code="en"))
    await other.onboard()
    await other.press_data(more)
    assert "no longer available" in other.last.text


@pytest.mark.parametrize("data", ["sp:abc", "sp:abc:x", "sp:abcdef:999"])
async def test_forged_page_buttons(english, data, errors):
    await english.press_data(data)
    assert english.answered_callback() is not None
    assert errors == []


def test_remembered_results_are_bounded_in_number_and_age():
    now = [0.0]
    recent = RecentResults(size=3, ttl=60, clock=lambda: now[0])
    keys = {user: recent.remember(user, [("ref", f"c{user}")]) for user in range(5)}
    assert len(recent) == 3 and recent.recall(0, keys[0]) is None  # the oldest went first
    assert recent.recall(4, keys[4]) == (("ref", "c4"),)
    assert recent.recall(4, "000000") is None
    now[0] = 61
    assert recent.recall(4, keys[4]) is None and len(recent) == 2
