"""Settings from the environment, and secrets that never reach logs or errors."""

from __future__ import annotations

import logging
import re

import pytest

from bot.config import ConfigError, load_settings
from bot.logs import RedactSecrets

TOKEN = "123456789:AAHfake-token-for-tests_abcdefghijklmnop"


def test_defaults_and_values(tmp_path):
    s = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "ADMIN_IDS": "1, 2;3",
                       "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
                       "DEFAULT_LOCALE": "ru"}, env_file=tmp_path / "none")
    assert s.admin_ids == {1, 2, 3}
    assert s.api_base_url == "http://127.0.0.1:8081/bot"
    assert s.default_locale == "ru"
    assert s.database_path.name.endswith(".sqlite3")
    assert s.webhook_url is None


def test_env_file_is_read_and_environment_wins(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("ADMIN_IDS=7\nDEFAULT_LOCALE=uz\n")
    s = load_settings({"DEFAULT_LOCALE": "tk"}, env_file=env_file)
    assert s.admin_ids == {7} and s.default_locale == "tk"


@pytest.mark.parametrize("env", [{"ADMIN_IDS": "12,abc"}, {"DEFAULT_LOCALE": "de"},
                                 {"WEBHOOK_PORT": "eighty"}])
def test_bad_values_are_one_clear_sentence(tmp_path, env):
    with pytest.raises(ConfigError) as info:
        load_settings(env, env_file=tmp_path / "none")
    assert str(info.value).endswith(".")


def test_token_is_never_in_repr_or_str(tmp_path):
    s = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": "s3cret-value"},
                      env_file=tmp_path / "none")
    assert TOKEN not in repr(s) and TOKEN not in str(s.token)
    assert "s3cret-value" not in repr(s)
    assert s.token.value == TOKEN


def test_log_records_are_redacted(caplog):
    logger = logging.getLogger("test.redact")
    caplog.handler.addFilter(RedactSecrets([TOKEN]))
    with caplog.at_level(logging.INFO, logger="test.redact"):
        logger.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"failed for {TOKEN}")
        except RuntimeError:
            logger.exception("boom")
        logger.info("other token 987654321:%s", "B" * 35)
        logger.info("GET https://api.telegram.org/bot987654321:%s/getMe", "C" * 35)
    assert TOKEN not in caplog.text
    assert "B" * 35 not in caplog.text
    assert "C" * 35 not in caplog.text, "a token of the right shape inside a URL"
    assert "***" in caplog.text


def test_self_hosted_api_server_serves_files_too(tmp_path):
    from bot.app import build_application, file_url_for
    assert file_url_for("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    s = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN,
                       "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
                       "DATABASE_PATH": str(tmp_path / "db.sqlite3")},
                      env_file=tmp_path / "none")
    app = build_application(s, reminder_ticker=False)
    assert app.bot.base_url == f"http://127.0.0.1:8081/bot{TOKEN}"
    assert app.bot.base_file_url == f"http://127.0.0.1:8081/file/bot{TOKEN}"


def test_webhook_without_secret_gets_a_strong_random_one(tmp_path):
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_URL": "https://bot.example.org/hook"}
    first = load_settings(env, env_file=tmp_path / "none")
    second = load_settings(env, env_file=tmp_path / "none")
    secret = first.webhook_secret.value
    assert first.webhook_secret_generated
    assert len(secret) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", secret)
    assert secret != second.webhook_secret.value, "a fresh secret each start"
    assert secret in first.secrets, "the generated secret is redacted from the logs"
    given = load_settings({**env, "WEBHOOK_SECRET": "mine_123"}, env_file=tmp_path / "none")
    assert given.webhook_secret.value == "mine_123" and not given.webhook_secret_generated
    polling = load_settings({"TELEGRAM_BOT_TOKEN": TOKEN}, env_file=tmp_path / "none")
    assert not polling.webhook_secret and not polling.webhook_secret_generated


@pytest.mark.parametrize("secret", ["has space", "semi;colon", "é", "x" * 257])
def test_a_webhook_secret_telegram_would_refuse_is_a_config_error(tmp_path, secret):
    with pytest.raises(ConfigError) as info:
        load_settings({"WEBHOOK_URL": "https://bot.example.org/hook", "WEBHOOK_SECRET": secret},
                      env_file=tmp_path / "none")
    assert "WEBHOOK_SECRET" in str(info.value) and secret not in str(info.value)
