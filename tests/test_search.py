"""Search: FTS5 over lessons and cards in every locale, inline mode, and the index life cycle.

Pashto and Turkmen course content is not translated yet, so ``translated_content`` writes a
small content.po for each (one reference card) into a private copy of content/ and locales/:
those tests prove that text in the officer's own script is indexed and found. Other tests use
the shipped catalogs: the Russian content translations, and English keywords typed by an officer
whose interface is in Pashto or Turkmen.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from conftest import ADMIN_ID, allow_incomplete, app_over, load_content
from harness import Chat
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.handlers.fallback import MAX_TEXT
from bot.sandbox import UpdateFactory
from bot.services.content import ContentService
from bot.services.search import SearchService, documents
from bot.services.search_text import Query, normalise, stem, tokens
from bot.store.db import _statements
from bot.store.migrations import MIGRATIONS

OVERDOSE = {"overdose-signs", "overdose-response", "naloxone"}
PS_TITLE = "د اوورډوز نښې"
TK_TITLE = "Aşa doza: alamatlary"


def _cards(call) -> list[str]:
    return [d.split(":")[1] for d in call.callback_data() if d.startswith("rc:")]


def _lessons(call) -> list[str]:
    return [d.split(":")[1] for d in call.callback_data() if d.startswith("les:")]


# --- the query language --------------------------------------------------------------------
def test_cyrillic_words_lose_their_endings():
    assert stem("передозировки") == stem("передозировкой")[: len(stem("передозировки"))]
    for word in ("передозировка", "передозировки", "передозировкой", "передозировками"):
        assert "передозировка".startswith(stem(word)), word
    assert "шприц".startswith(stem("шприцами")) and "налоксон" == stem("налоксоном")
    assert stem("вич") == "вич"
    assert len(stem("иглой")) >= 4


def test_tokens_fold_arabic_script_and_drop_syntax():
    assert tokens('"NEAR(a, b)" OR -x* : (y') == ["near", "or"]
    assert normalise("سَلام") == "سلام"  # harakat would split the word in unicode61
    assert normalise("كتاب") == "کتاب"  # Arabic kaf -> Persian keheh
    assert tokens("x" * 500) == ["x" * 40]
    assert len(tokens(" ".join(f"w{i}" for i in range(50)))) == 10


def _fts() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    script = dict(MIGRATIONS)[4]
    for statement in _statements(script):
        conn.execute(statement)
    conn.execute("INSERT INTO search_index (title, keywords, body, kind, item_id, locale) "
                 "VALUES ('Overdose', 'naloxone', 'Call for help', 'ref', 'x', 'en')")
    return conn


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.lists(st.sampled_from(
    ['"', "*", "NEAR", "NEAR(", "-", "(", ")", "OR", "AND", "NOT", ":", "^", "+", "{", "}",
     "title:", "a", "ü", "передоз", "سَ", "\u200c", "\u0640", " ", "_", "'"]),
    max_size=30).map("".join))
def test_any_text_makes_a_valid_fts5_query(text):
    conn = _fts()
    query = Query.parse(text)
    if not query.empty:
        for match in (query.all_words(), query.any_word()):
            conn.execute("SELECT item_id FROM search_index WHERE search_index MATCH ?",
                         (match,)).fetchall()


# --- searching in the chat -----------------------------------------------------------------
async def test_overdose_finds_the_overdose_card(chat, errors, caplog):
    await chat.onboard()
    await chat.send("overdose")
    assert chat.last.method == "sendMessage"
    assert "overdose" in chat.last.text
    cards = _cards(chat.last)
    assert cards and cards[0] in OVERDOSE
    assert len(_cards(chat.last) + _lessons(chat.last)) <= 6  # a page of results, then More
    await chat.press(0)
    assert "Overdose" in chat.last.text
    assert errors == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_search_command_and_prefixes(chat):
    await chat.onboard()
    await chat.send("/search nalox")
    assert _cards(chat.last)[0] == "naloxone"
    await chat.send("/search needle stick")
    assert "needlestick" in _cards(chat.last)


async def test_results_include_lessons(chat, content):
    lesson = content.course.lessons_in_order()[0]
    await chat.onboard()
    await chat.send(lesson.title.source)
    assert lesson.id in _lessons(chat.last)


async def test_russian_word_finds_the_overdose_card(chat_factory, content):
    card = content.course.reference_card("overdose-signs")
    if content.served.text("ru", card.keywords)[1]:
        pytest.skip("no Russian translation of the overdose card yet")
    chat = chat_factory(7401, "ru")
    await chat.onboard(language="Русский")
    for word in ("передозировки", "Передозировка", "передозировкой", "передоз"):
        await chat.send(word)
        assert set(_cards(chat.last)) & OVERDOSE, word
    await chat.send("overdose")  # English still works for a Russian officer
    assert set(_cards(chat.last)) & OVERDOSE


async def test_pashto_officer_finds_cards_by_english_keywords(chat_factory):
    chat = chat_factory(7402, "ps")
    await chat.onboard(language="پښتو")
    await chat.send("naloxone")
    assert _cards(chat.last)[0] == "naloxone"


async def test_turkmen_officer_finds_cards_by_english_keywords(chat_factory):
    chat = chat_factory(7403, "tk")
    await chat.onboard(language="Türkmençe")
    await chat.send("/search syringe")
    assert _cards(chat.last)


@pytest.mark.parametrize("text", [
    "", " ", "!!!", '"', "*", "NEAR", "NEAR(a b)", "-", "(", "OR", ":", "AND NOT", '" OR "',
    "title:overdose", "over*dose", "x" * 500, "zzqqxxv", "🙂🙂🙂", "\u200f\u200c", "٫ ٬ ،",
    "overdose" + " OR" * 200])
async def test_any_query_gets_a_helpful_answer(chat, errors, caplog, text):
    await chat.onboard()
    await chat.send(f"/search {text}")
    command = chat.last
    assert command.method == "sendMessage" and command.buttons
    if text.strip():
        await chat.send(text)
        assert chat.last.buttons
    assert len(chat.last.text) < 4096
    assert "went wrong" not in chat.last.text
    assert errors == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_no_match_suggests_topics(chat, content):
    await chat.onboard()
    await chat.send("zzqqxxv")
    assert "nothing" in chat.last.text and "zzqqxxv" in chat.last.text
    topics = {c.topic for c in content.course.reference.values()}
    assert {d.split(":")[1] for d in chat.last.callback_data() if d.startswith("rt:")} == topics


async def test_empty_search_explains_itself(chat):
    await chat.onboard()
    await chat.send("/search")
    assert "overdose" in chat.last.text
    assert any(d.startswith("rt:") for d in chat.last.callback_data())


async def test_long_text_is_still_answered(chat):
    await chat.onboard()
    await chat.send(("overdose naloxone " * 60)[:MAX_TEXT])
    assert set(_cards(chat.last)) & OVERDOSE


async def test_search_before_onboarding_leads_to_onboarding(chat):
    await chat.send("/start")
    await chat.send("overdose")
    assert not _cards(chat.last)


# --- inline mode ---------------------------------------------------------------------------
def _inline_results(chat: Chat) -> tuple[list[dict], dict]:
    answers = [c for c in chat.calls if c.method == "answerInlineQuery"]
    assert len(answers) == 1
    params = answers[0].params
    results = params["results"]
    return (json.loads(results) if isinstance(results, str) else results), params


async def test_inline_query_returns_cards(chat, errors):
    await chat.onboard()
    await chat.update(chat.users.inline_query("overdose"))
    results, params = _inline_results(chat)
    assert results and results[0]["id"] in OVERDOSE
    assert params["is_personal"] is True and int(params["cache_time"]) <= 60
    first = results[0]
    assert first["type"] == "article" and first["title"] and first["description"]
    message = first["input_message_content"]
    assert message["parse_mode"] == "HTML" and "<b>" in message["message_text"]
    assert "@toolkit_companion_bot" in message["message_text"]
    assert errors == []


async def test_empty_inline_query_offers_top_cards(chat):
    await chat.update(chat.users.inline_query(""))  # works before onboarding, too
    results, _ = _inline_results(chat)
    assert 1 <= len(results) <= 10


async def test_inline_never_shares_sensitive_cards(chat, content):
    card = next(c for c in content.course.reference.values() if c.sensitive)
    await chat.onboard()
    await chat.update(chat.users.inline_query(card.title.source))
    results, _ = _inline_results(chat)
    assert card.id not in {r["id"] for r in results}
    pointer = next(r for r in results if r["id"] == "protected:cards")
    assert card.title.source not in pointer["input_message_content"]["message_text"]
    await chat.update(chat.users.inline_query(""))
    results, _ = _inline_results(chat)
    assert not {r["id"] for r in results} & {c.id for c in content.course.reference.values()
                                              if c.sensitive}


async def test_inline_speaks_the_stored_language(chat_factory, content):
    chat = chat_factory(7404, "en")
    await chat.onboard(language="Русский")
    await chat.update(chat.users.inline_query("naloxone"))
    results, _ = _inline_results(chat)
    title, _ = content.served.text("ru", content.course.reference_card("naloxone").title)
    assert results[0]["title"] == title


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "-x", "x" * 256, "(((", "OR OR"])
async def test_inline_odd_queries_never_raise(chat, errors, query):
    await chat.update(chat.users.inline_query(query))
    _inline_results(chat)
    assert errors == []


# --- content in Pashto and Turkmen, and the index life cycle ---------------------------------
def _write_po(locales, locale: str, entries: dict[str, tuple[str, str]]) -> None:
    catalog = Catalog(locale=locale, domain="content")
    for ctx, (msgid, msgstr) in entries.items():
        catalog.add(msgid, msgstr, context=ctx)
    folder = locales / locale / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "content.po").open("wb") as fh:
        write_po(fh, catalog)


@pytest.fixture
def translated_content(content_copy, content):
    tmp_path = content_copy  # content/ and locales/ copied
    allow_incomplete(tmp_path)  # the test edits English keywords: translations go stale
    card = content.course.reference_card("overdose-signs")
    keywords = card.keywords.source
    _write_po(tmp_path / "locales", "ps", {
        card.title.ctx: (card.title.source, PS_TITLE),
        card.keywords.ctx: (keywords, "اوورډوز، بې هوښه، ساه نه اخلي، شنې شونډې"),
    })
    _write_po(tmp_path / "locales", "tk", {
        card.title.ctx: (card.title.source, TK_TITLE),
        card.keywords.ctx: (keywords, "aşa doza, huşsuz, dem alanok, gök dodaklar"),
    })
    return load_content(tmp_path)


@pytest.fixture
async def own_app(settings, catalogs, translated_content, clock):
    async with app_over(settings, catalogs, translated_content, clock) as (app, fake):
        yield app, fake


async def test_pashto_query_finds_the_pashto_card(own_app):
    app, fake = own_app
    chat = Chat(app, fake, UpdateFactory(7410, language_code="ps"))
    await chat.onboard(language="پښتو")
    await chat.send("اوورډوز")
    assert _cards(chat.last)[0] == "overdose-signs"
    assert PS_TITLE in " ".join(chat.last.button_texts())
    await chat.send("اَوورډوز")  # with a vowel mark
    assert _cards(chat.last)[0] == "overdose-signs"
    other = Chat(app, fake, UpdateFactory(7411, language_code="en"))
    await other.onboard()
    await other.send("اوورډوز")  # Pashto rows are searched by Pashto officers only
    assert "overdose-signs" not in _cards(other.last)


async def test_turkmen_query_finds_the_turkmen_card_with_or_without_letters_marks(own_app):
    app, fake = own_app
    chat = Chat(app, fake, UpdateFactory(7412, language_code="tk"))
    await chat.onboard(language="Türkmençe")
    for query in ("aşa doza", "asa doza", "huşsuz", "ALAMATLARY"):
        await chat.send(query)
        assert _cards(chat.last)[:1] == ["overdose-signs"], query
    await chat.update(chat.users.inline_query("aşa doza"))
    results, _ = _inline_results(chat)
    assert results[0]["title"] == TK_TITLE


def _edit_keywords(content: ContentService, card_id: str, english: str, russian: str) -> None:
    """Add a keyword to a card in the private copy: the YAML, and its Russian translation
    (Russian must stay complete, or the reload is refused)."""
    card = content.course.reference_card(card_id)
    path = content.content_dir / "reference" / Path(card.keywords.file).name
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(card.keywords.source.split(", ")[0] + ",",
                                 f"{english}, {card.keywords.source.split(', ')[0]},", 1),
                    encoding="utf-8")
    po = content.locales_dir / "ru" / "LC_MESSAGES" / "content.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    entry = next(m for m in catalog if m.context == card.keywords.ctx)
    catalog.delete(entry.id, context=entry.context)
    catalog.add(f"{english}, {card.keywords.source}", f"{russian}, {entry.string}",
                context=entry.context)
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)


async def test_index_is_rebuilt_after_a_content_reload(own_app, translated_content):
    app, fake = own_app
    services = app.bot_data.services
    admin = Chat(app, fake, UpdateFactory(ADMIN_ID))
    await admin.onboard()
    officer = Chat(app, fake, UpdateFactory(7413, language_code="ru"))
    await officer.onboard(language="Русский")
    await admin.send("zebracrossing")
    assert not _cards(admin.last)
    before = await services.store.search.fingerprint()
    _edit_keywords(translated_content, "overdose-signs", "zebracrossing", "зебра")
    await admin.send("/reload")
    assert "Content reloaded" in admin.last.text
    await services.search.settled()  # the listener's rebuild, before any search asks
    assert await services.store.search.fingerprint() != before
    await admin.send("zebracrossing")
    assert _cards(admin.last) == ["overdose-signs"]
    await officer.send("зеброй")
    assert _cards(officer.last) == ["overdose-signs"]


async def test_restart_on_unchanged_content_keeps_the_index(settings, catalogs, content, clock):
    async with app_over(settings, catalogs, content, clock) as (app, _):
        store = app.bot_data.services.store
        rows = await store.search.count()
        assert rows >= len(content.course.reference) + len(content.course.lessons)
        assert not await SearchService(store, content).ensure_index()
    async with app_over(settings, catalogs, content, clock) as (app, _):
        store = app.bot_data.services.store
        assert await store.search.count() == rows


def test_rows_per_locale_only_where_a_translation_exists(translated_content):
    rows = list(documents(translated_content.served))
    course = translated_content.course
    english = [r for r in rows if r.locale == "en"]
    assert len(english) == len(course.reference) + len(course.lessons)
    assert len([r for r in rows if r.locale == "ru"]) == len(english)  # complete locale
    assert [(r.locale, r.item_id) for r in rows if r.locale in ("ps", "tk")] == [
        ("ps", "overdose-signs"), ("tk", "overdose-signs")]
    pashto = next(r for r in rows if r.locale == "ps")
    assert pashto.title == normalise(PS_TITLE)  # stored folded: ې is written ی
    assert "<b>" not in pashto.body and "Suspect an opioid overdose" in pashto.body  # English
