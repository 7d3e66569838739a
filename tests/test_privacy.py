"""Privacy in logs: with every logger at DEBUG (PTB's, httpx's, aiosqlite's included), real
flows leave no typed words, search words, names or raw user ids in any log record."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
from harness import Chat

from bot.logs import (
    MASK,
    install_private_records,
    private_traceback,
    pseudonym,
    set_pseudonym_key,
)
from bot.sandbox import UpdateFactory, to_update

USER_ID = 864209753
NAME = "Zarinaqxw"
SEARCH_WORD = "quokkazyx"
TYPED = "Bakhytovichq"
QUOTED = "Tolqynbekz"  # typed, then quoted by an exception's message


@pytest.fixture
def records() -> Iterator[list[tuple[str, int, str]]]:
    """(logger, level, text) of every record created during the test, as the bot's privacy
    layer leaves it (the message and any traceback), with every logger at DEBUG."""
    factory = install_private_records()
    seen: list[tuple[str, int, str]] = []

    def capture(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        seen.append((record.name, record.levelno, text))
        return record

    logging.setLogRecordFactory(capture)
    loggers = [logging.getLogger(), *(logger for logger in
                                      logging.root.manager.loggerDict.values()
                                      if isinstance(logger, logging.Logger))]
    levels = [(logger, logger.level) for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        logging.setLogRecordFactory(factory.previous)
        for logger, level in levels:
            logger.setLevel(level)


async def test_real_flows_at_debug_log_no_words_names_or_ids(records, app, fake, content,
                                                             monkeypatch):
    chat = Chat(app, fake, UpdateFactory(USER_ID, language_code="en", first_name=NAME))
    await chat.onboard()
    await chat.send(f"/search {SEARCH_WORD} overdose")
    # Free text (a search too), through PTB's update queue as polling would feed it: PTB
    # logs the whole update there at DEBUG.
    before = len(fake.calls)
    await app.update_queue.put(to_update(chat.users.text(f"my colleague {TYPED} found a "
                                                         "needle"), app.bot))
    for _ in range(500):
        if app.update_queue.empty() and any(c.method == "sendMessage"
                                            for c in fake.calls[before:]):
            break
        await asyncio.sleep(0.01)
    assert any(c.method == "sendMessage" for c in fake.calls[before:])
    lesson = content.course.modules[0].lessons[0]
    await chat.press_data(f"done:{lesson.id}")
    await chat.press("Quiz on this lesson")
    await chat.press("1")  # an answer, right or wrong
    assert "Question 1" in chat.last.text and chat.answered_callback() is not None

    # A bug whose exception quotes the officer's words still leaves them out of the log.
    async def broken_search(text, locale, **kwargs):
        raise ValueError(f"cannot parse {text!r}")
    monkeypatch.setattr(app.bot_data.services.search, "search", broken_search)
    await chat.send(f"{QUOTED} help")
    monkeypatch.undo()

    # The officer blocks the bot: the log says who, by pseudonym.
    fake.fail_next("403", method="sendMessage")
    await chat.send("/help")

    texts = [text for _, _, text in records]
    names = {name for name, _, _ in records}
    # The test saw what it must: PTB's updates and API calls, aiosqlite's queue, our errors.
    assert any(t.startswith("Processing update") for t in texts)
    assert any(t.startswith("Calling Bot API endpoint `sendMessage`") for t in texts)
    assert any(n == "aiosqlite" for n in names)
    assert any("Unhandled error" in t and "ValueError" in t for t in texts)
    assert any(f"User {pseudonym(USER_ID)} blocked the bot" in t for t in texts)
    for private in (str(USER_ID), NAME, SEARCH_WORD, TYPED, QUOTED):
        leaks = [(name, text[:300]) for name, _, text in records if private in text]
        assert not leaks, f"{private!r} reached the log: {leaks[:3]}"


def test_other_libraries_arguments_are_masked_unless_known_safe(records):
    # Loggers named for this test, with the formats PTB and aiosqlite use (masking goes by
    # the format, so the records of the libraries' own threads stay out of the way).
    lib = logging.getLogger("privacy-test-library")
    lib.setLevel(logging.DEBUG)
    lib.debug("executing %s", f"partial(select, ({USER_ID},))")
    lib.debug("Processing update %s", {"text": TYPED})
    lib.debug("Received Update with ID %d on Webhook", 77)
    lib.debug("Calling Bot API endpoint `%s` with parameters `%s`", "sendMessage",
              {"text": TYPED})
    lib.info("%(who)s said %(what)s", {"who": NAME, "what": TYPED})
    lib.info("%d%% of %s", 50, NAME)
    lib.info("no arguments")
    logging.getLogger("bot.privacy-test").info("our own: %s", "kept")
    logging.getLogger("bot.privacy-test").info("a faulty call: %d", "not a number")
    texts = [text for name, _, text in records
             if name in ("privacy-test-library", "bot.privacy-test")]
    assert texts == [
        f"executing {MASK}",
        f"Processing update {MASK}",
        "Received Update with ID 77 on Webhook",
        f"Calling Bot API endpoint `sendMessage` with parameters `{MASK}`",
        f"{MASK} said {MASK}",
        f"{MASK}% of {MASK}",
        "no arguments",
        "our own: kept",
        f"a faulty call: %d {MASK}",
    ]


def test_pseudonyms_are_keyed_stable_and_short():
    set_pseudonym_key("123456789:AAHfake-token-for-tests_abcdefghijklmnop")
    first = pseudonym(USER_ID)
    assert first == pseudonym(USER_ID) and first != pseudonym(USER_ID + 1)
    assert str(USER_ID) not in first and len(first) == 13 and first.startswith("u")
    set_pseudonym_key("987654321:AAHanother-token-for-tests_abcdefghijkl")
    assert pseudonym(USER_ID) != first, "another install (token) has other pseudonyms"


def test_private_traceback_keeps_frames_and_types_not_messages():
    def parse(text):
        return int(text)

    try:
        try:
            parse(TYPED)
        except ValueError as exc:
            raise RuntimeError(f"while reading {TYPED}") from exc
    except RuntimeError as exc:
        text = private_traceback(exc)
    assert TYPED not in text
    assert "ValueError" in text and "RuntimeError" in text and "in parse" in text


def test_the_pseudonym_command_gives_what_the_log_says(monkeypatch, capsys):
    from bot.__main__ import main
    token = "123456789:AAHfake-token-for-tests_abcdefghijklmnop"
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    assert main(["pseudonym", str(USER_ID), "42"]) == 0
    set_pseudonym_key(token)
    assert capsys.readouterr().out.split() == [str(USER_ID), pseudonym(USER_ID),
                                               "42", pseudonym(42)]


async def test_httpx_and_httpcore_at_debug_log_no_text_or_ids(records, monkeypatch):
    """The real HTTP client PTB uses, against the fake Bot API on 127.0.0.1."""
    from fake_api_server import FakeApiServer
    from telegram import Bot

    for variable in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                     "all_proxy"):
        monkeypatch.delenv(variable, raising=False)
    token = "123456789:AAHfake-token-for-tests_abcdefghijklmnop"
    with FakeApiServer(token=token) as api:
        bot = Bot(token, base_url=api.base_url)
        async with bot:
            await bot.send_message(USER_ID, f"{TYPED} {NAME}")
        assert api.of("sendMessage")[0].text == f"{TYPED} {NAME}"
    names = {name for name, _, _ in records}
    assert {"httpx", "httpcore.http11"} <= names | {n.rsplit(".", 1)[0] for n in names}, names
    for private in (str(USER_ID), NAME, TYPED, token.split(":", 1)[1]):
        leaks = [(name, text[:300]) for name, _, text in records if private in text]
        assert not leaks, f"{private!r} reached the log: {leaks[:3]}"
