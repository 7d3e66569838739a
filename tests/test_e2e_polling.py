"""End to end: ``python -m bot run`` as a real process, long-polling a fake Bot API over HTTP.

What only this test sees: the command line, settings from the environment, PTB's HTTP client
and ``base_url``, the polling loop, SIGINT handling and the exit code, and that the token never
reaches the process's output. The fake server (tests/fake_api_server.py) listens on 127.0.0.1
only; proxy variables point at a closed local port so that any request meant for another host
fails instead of leaving the machine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fake_api_server import ApiCall, FakeApiServer

from bot.sandbox import UpdateFactory

REPO_ROOT = Path(__file__).resolve().parent.parent
RU_PO = REPO_ROOT / "locales" / "ru" / "LC_MESSAGES" / "messages.po"

#: Realistic in shape (digits, a colon, 35 characters), fake in value.
TOKEN = "123456789:AAHk9Qz3Xv0fakeTestToken_rT5mW8pLq2"
USER_ID = 424242

#: The English msgid of the onboarding step after the language (bot/handlers/onboarding.py).
COUNTRY_QUESTION = ("Which country do you serve in? Your emergency numbers and the time of your "
                    "reminders depend on it.")

#: Variables the bot reads (bot/config.py), set explicitly so neither the caller's environment
#: nor a .env file in the repository can change what the process does.
BOT_VARIABLES = ("TELEGRAM_BOT_TOKEN", "DATABASE_PATH", "TELEGRAM_API_BASE_URL", "ADMIN_IDS",
                 "DEFAULT_LOCALE", "CONTENT_DIR", "LOCALES_DIR", "WEBHOOK_URL",
                 "WEBHOOK_LISTEN", "WEBHOOK_PORT", "WEBHOOK_SECRET", "LOG_LEVEL")
PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")

STARTUP_TIMEOUT = 15.0  # the first getUpdates: interpreter, imports, content, SQLite
STEP_TIMEOUT = 8.0
EXIT_TIMEOUT = 15.0


def bot_env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k.upper() not in PROXY_VARIABLES and k not in BOT_VARIABLES}
    env.update({name: "" for name in BOT_VARIABLES})
    env.update(DATABASE_PATH=str(tmp_path / "bot.sqlite3"), DEFAULT_LOCALE="en",
               WEBHOOK_PORT="8443", LOG_LEVEL="DEBUG", PYTHONUNBUFFERED="1",
               # tripwire: anything not addressed to 127.0.0.1 goes to a closed port
               HTTP_PROXY="http://127.0.0.1:9", HTTPS_PROXY="http://127.0.0.1:9",
               ALL_PROXY="http://127.0.0.1:9", NO_PROXY="127.0.0.1")
    env.update(values)
    return env


class BotProcess:
    """``python -m bot run`` with its output captured in files (no pipe can fill up)."""

    def __init__(self, env: dict[str, str], out_dir: Path):
        self.stdout_path, self.stderr_path = out_dir / "stdout.txt", out_dir / "stderr.txt"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=REPO_ROOT,
                                         env=env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=err)

    def output(self) -> tuple[str, str]:
        return (self.stdout_path.read_text(errors="replace"),
                self.stderr_path.read_text(errors="replace"))

    def check_alive(self) -> None:
        if self.proc.poll() is not None:
            pytest.fail(f"the bot exited early with {self.proc.returncode}:\n"
                        f"{self.output()[1][-3000:]}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()  # only the process this test started
            self.proc.wait(timeout=5)


@pytest.fixture
def api() -> Iterator[FakeApiServer]:
    with FakeApiServer(token=TOKEN) as server:
        yield server


def wait(api: FakeApiServer, bot: BotProcess, what: str, predicate, timeout: float,
         since: int = 0) -> ApiCall:
    """``api.wait_for`` in short slices, failing fast (with the bot's log) if the bot died."""
    remaining = timeout
    while True:
        bot.check_alive()
        try:
            return api.wait_for(predicate, timeout=min(0.5, remaining), since=since)
        except TimeoutError:
            remaining -= 0.5
            if remaining <= 0:
                pytest.fail(f"timed out waiting for {what}; calls: "
                            f"{[c.method for c in api.calls]}\n{bot.output()[1][-3000:]}")


def ru_country_question() -> str | None:
    """The Russian translation of the country question, when the catalog has a usable one
    (translated, not fuzzy: fuzzy entries are not compiled, bot/i18n.py)."""
    try:
        with RU_PO.open("rb") as fh:
            catalog = read_po(fh, locale="ru")
    except Exception:  # a catalog being edited right now: the guard stays off
        return None
    message = catalog.get(COUNTRY_QUESTION)
    if message is None or message.fuzzy or not isinstance(message.string, str):
        return None
    return message.string if message.string.strip() and message.string != message.id else None


def test_polling_onboarding_in_russian_and_clean_exit(api: FakeApiServer, tmp_path: Path):
    translated_before = ru_country_question()
    bot = BotProcess(bot_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN,
                             TELEGRAM_API_BASE_URL=api.base_url), tmp_path)
    try:
        # Started: PTB polls (after getMe, deleteWebhook, setMyCommands).
        wait(api, bot, "the first getUpdates", lambda c: c.method == "getUpdates",
             STARTUP_TIMEOUT)
        user = UpdateFactory(USER_ID, language_code="ru", first_name="Айгуль")

        mark = len(api.calls)
        api.queue_update(user.text("/start"))
        welcome = wait(api, bot, "the language keyboard",
                       lambda c: c.method == "sendMessage" and c.chat_id == USER_ID
                       and "lang:ru" in c.callback_data(), STEP_TIMEOUT, since=mark)
        message_id = welcome.result["message_id"]
        assert welcome.callback_data()[0] == "lang:ru", "the user's own language comes first"

        mark = len(api.calls)
        press = api.queue_update(user.callback("lang:ru", message_id,
                                               message_text=welcome.text))
        edit = wait(api, bot, "the country question",
                    lambda c: c.method == "editMessageText" and c.chat_id == USER_ID,
                    STEP_TIMEOUT, since=mark)
        assert edit.message_id == message_id
        countries = [d for d in edit.callback_data() if d.startswith("cty:")]
        assert len(countries) >= 2, edit.callback_data()
        query_id = press["callback_query"]["id"]
        wait(api, bot, "the answer to the button press",
             lambda c: c.method == "answerCallbackQuery"
             and str(c.params.get("callback_query_id")) == query_id, STEP_TIMEOUT, since=mark)

        translated = ru_country_question()
        if translated_before and translated:  # active once the Russian catalog has it
            assert edit.text != COUNTRY_QUESTION, "the country question is still in English"
            assert edit.text == translated_before or edit.text == translated

        bot.proc.send_signal(signal.SIGINT)
        try:
            code = bot.proc.wait(timeout=EXIT_TIMEOUT)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the bot did not stop within {EXIT_TIMEOUT} s of SIGINT")
    finally:
        bot.kill()

    stdout, stderr = bot.output()
    assert code == 0, stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    secret = TOKEN.split(":", 1)[1]
    for stream in (stdout, stderr):
        assert TOKEN not in stream and secret not in stream, "the token leaked into the output"
        # LOG_LEVEL=DEBUG: PTB logs whole updates and API calls, aiosqlite SQL parameters
        assert "Айгуль" not in stream and str(USER_ID) not in stream, "officer data logged"
    assert "Processing update" in stderr, "the run logged at DEBUG"
    assert api.tokens_seen() == {TOKEN}, "the bot used the token it was given, and only that"
    methods = {c.method for c in api.calls}
    assert {"getMe", "deleteWebhook", "setMyCommands", "getUpdates"} <= methods


def test_run_without_token_explains_and_exits_2(tmp_path: Path):
    # bot/config.py reads PROJECT_ROOT/.env whatever the working directory is, so the variable
    # is passed explicitly empty: the environment wins over the file.
    env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN="", LOG_LEVEL="INFO")
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO_ROOT, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message, message
    assert "TELEGRAM_BOT_TOKEN" in message
    assert "python -m bot demo" in message
    assert message.endswith("."), message
    assert not (tmp_path / "bot.sqlite3").exists(), "nothing is created when refusing to run"
