"""End to end: ``python -m bot run`` with WEBHOOK_URL set serves a webhook on 127.0.0.1.

The bot registers its webhook (with the secret token) at the fake Bot API, then accepts only
updates that carry that secret, and answers them through the fake Bot API.
"""

from __future__ import annotations

import json
import signal
import socket
import time
import urllib.error
import urllib.request

import pytest
from fake_api_server import FakeApiServer
from test_e2e_polling import (
    EXIT_TIMEOUT,
    STARTUP_TIMEOUT,
    STEP_TIMEOUT,
    TOKEN,
    BotProcess,
    bot_env,
    wait,
)

from bot.sandbox import UpdateFactory

SECRET = "webhook-Secret_4242"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(port: int, path: str, update: dict, secret: str | None) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/{path}", data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json",
                 **({"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {})})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with opener.open(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_listening(port: int, bot: BotProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        bot.check_alive()
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail("the webhook server never started listening")


def test_webhook_accepts_only_updates_with_the_secret(tmp_path):
    port = _free_port()
    with FakeApiServer(token=TOKEN) as api:
        env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
                      WEBHOOK_URL=f"http://127.0.0.1:{port}/tg-hook",
                      WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port),
                      WEBHOOK_SECRET=SECRET)
        bot = BotProcess(env, tmp_path)
        try:
            registered = wait(api, bot, "setWebhook", lambda c: c.method == "setWebhook",
                              STARTUP_TIMEOUT)
            assert registered.params["url"] == f"http://127.0.0.1:{port}/tg-hook"
            assert registered.params["secret_token"] == SECRET
            _wait_listening(port, bot, STEP_TIMEOUT)
            users = UpdateFactory(515151, language_code="ru")
            assert _post(port, "tg-hook", users.text("/start"), "wrong-secret") == 403
            assert _post(port, "tg-hook", users.text("/start"), None) == 403
            time.sleep(0.5)
            assert not api.of("sendMessage")
            assert _post(port, "tg-hook", users.text("/start"), SECRET) == 200
            sent = wait(api, bot, "the language keyboard",
                        lambda c: c.method == "sendMessage" and "lang:ru" in c.callback_data(),
                        STEP_TIMEOUT)
            assert sent.chat_id == 515151
            _stop(bot)
        finally:
            bot.kill()
        _assert_not_printed(bot, TOKEN, TOKEN.split(":", 1)[1], SECRET)


def _stop(bot: BotProcess) -> None:
    """SIGINT, and a clean exit."""
    bot.proc.send_signal(signal.SIGINT)
    assert bot.proc.wait(timeout=EXIT_TIMEOUT) == 0


def _assert_not_printed(bot: BotProcess, *secrets: str) -> str:
    out, err = bot.output()
    for secret in secrets:
        assert secret not in out and secret not in err
    return err


def _overrides(db_path) -> list[tuple]:
    import sqlite3
    if not db_path.exists():
        return []
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT country, service, number, updated_by "
                            "FROM emergency_overrides ORDER BY country, service").fetchall()


def _onboarded_admin(db_path, admin_id: int) -> None:
    """The database as the bot left it after the admin onboarded (English, Kazakhstan)."""
    import asyncio

    from bot.store import Database

    async def seed() -> None:
        db = Database(db_path)
        await db.open()
        try:
            await db.execute("INSERT INTO users (user_id, chat_id, locale, country, "
                             "privacy_seen_at) VALUES (?, ?, 'en', 'KZ', '2026-11-01T00:00:00Z')",
                             (admin_id, admin_id))
        finally:
            await db.close()

    asyncio.run(seed())


def test_without_webhook_secret_a_forged_admin_update_changes_nothing(tmp_path):
    """WEBHOOK_URL without WEBHOOK_SECRET: the bot makes a strong secret for the run and
    registers it, so a POST claiming an admin's id without it (or with a guess) is refused."""
    port, admin_id = _free_port(), 777001
    db_path = tmp_path / "bot.sqlite3"
    _onboarded_admin(db_path, admin_id)
    with FakeApiServer(token=TOKEN) as api:
        env = bot_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
                      WEBHOOK_URL=f"http://127.0.0.1:{port}/tg-hook",
                      WEBHOOK_LISTEN="127.0.0.1", WEBHOOK_PORT=str(port),
                      ADMIN_IDS=str(admin_id))
        assert env["WEBHOOK_SECRET"] == ""
        bot = BotProcess(env, tmp_path)
        try:
            registered = wait(api, bot, "setWebhook", lambda c: c.method == "setWebhook",
                              STARTUP_TIMEOUT)
            secret = str(registered.params.get("secret_token") or "")
            assert len(secret) >= 32 and set(secret) <= set(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"), secret
            _wait_listening(port, bot, STEP_TIMEOUT)
            forger = UpdateFactory(admin_id, language_code="en")
            forged = forger.text("/emergency_set KZ ambulance 666")
            assert _post(port, "tg-hook", forged, None) == 403
            assert _post(port, "tg-hook", forged, "guessed-secret") == 403
            assert _post(port, "tg-hook", forged, secret[:-1]) == 403
            time.sleep(0.5)
            assert _overrides(db_path) == [], "a forged update changed an emergency number"
            assert not api.of("sendMessage")

            # The same update with the registered secret is Telegram's: it takes effect.
            assert _post(port, "tg-hook", forger.text("/emergency_set KZ ambulance 104"),
                         secret) == 200
            wait(api, bot, "the admin's confirmation",
                 lambda c: c.method == "sendMessage" and c.chat_id == admin_id, STEP_TIMEOUT)
            assert _overrides(db_path) == [("KZ", "ambulance", "104", admin_id)]
            _stop(bot)
        finally:
            bot.kill()
        err = _assert_not_printed(bot, TOKEN, TOKEN.split(":", 1)[1], secret)
        assert "random secret" in err, "the operator is told that the secret is generated"
