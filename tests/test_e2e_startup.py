"""End to end: every way ``python -m bot run`` can fail to start ends in one clear sentence on
stderr and a non-zero exit, and never prints the token (PTB's ``InvalidToken`` message holds it,
and PTB's DEBUG log prints the URL with it)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

from fake_api_server import FakeApiServer
from test_e2e_polling import REPO_ROOT, TOKEN, bot_env

#: The token the bot is started with in these tests; the fake server expects another one.
BOT_TOKEN = "987654321:AAFstartupFailureToken_zY7xW6vU5tS4r"


def _run_bot(tmp_path: Path, base_url: str) -> subprocess.CompletedProcess:
    env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=BOT_TOKEN, TELEGRAM_API_BASE_URL=base_url,
                  LOG_LEVEL="DEBUG")
    return subprocess.run([sys.executable, "-m", "bot", "run"], cwd=REPO_ROOT, env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


def _assert_one_redacted_sentence(result: subprocess.CompletedProcess, code: int,
                                  *words: str) -> str:
    assert result.returncode == code, result.stderr[-3000:]
    for stream in (result.stdout, result.stderr):
        for secret in (BOT_TOKEN, BOT_TOKEN.split(":", 1)[1], TOKEN):
            assert secret not in stream, "the token leaked into the output"
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("The bot cannot start: ") and last.endswith("."), last
    for word in words:
        assert word in last, last
    return last


def test_a_rejected_token_401(tmp_path):
    with FakeApiServer(token=TOKEN) as api:  # any other token gets 401 Unauthorized
        result = _run_bot(tmp_path, api.base_url)
        assert api.tokens_seen() == {BOT_TOKEN} and api.calls[0].status == 401
    _assert_one_redacted_sentence(result, 2, "401", "TELEGRAM_BOT_TOKEN", "@BotFather")


def test_a_base_url_that_answers_404(tmp_path):
    with FakeApiServer() as api:  # /elsewhere/bot<token>/getMe is not a Bot API path: 404
        base_url = f"http://127.0.0.1:{api.port}/elsewhere/bot"
        result = _run_bot(tmp_path, base_url)
    last = _assert_one_redacted_sentence(result, 2, "404", "TELEGRAM_API_BASE_URL")
    assert base_url in last, "the operator sees which address answered"


def test_an_unreachable_network(tmp_path):
    base_url = f"http://127.0.0.1:{_closed_port()}/bot"
    result = _run_bot(tmp_path, base_url)
    _assert_one_redacted_sentence(result, 1, "cannot be reached", "network")
