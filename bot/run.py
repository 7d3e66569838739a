"""Run the bot against Telegram: long polling by default, a webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import logging
import sys
from urllib.parse import urlparse

from telegram import Update
from telegram.error import InvalidToken, NetworkError, TelegramError

from bot.app import build_application
from bot.config import Settings
from bot.logs import RedactSecrets

log = logging.getLogger(__name__)

#: Exit status of a start-up that no restart can fix (the token, the base URL): a supervisor
#: can be told not to restart on it (systemd ``RestartPreventExitStatus=2``).
EXIT_CONFIG = 2
#: Exit status of a start-up failure that may pass (the network): restarting later may work.
EXIT_FAILURE = 1


def run(settings: Settings) -> int:
    app = build_application(settings)
    try:
        if settings.webhook_url:
            if settings.webhook_secret_generated:
                log.info("WEBHOOK_SECRET is not set: this run uses a random secret, registered "
                         "with Telegram by setWebhook")
            log.info("Starting with a webhook on %s:%d", settings.webhook_listen,
                     settings.webhook_port)
            app.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                            url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                            webhook_url=settings.webhook_url,
                            secret_token=settings.webhook_secret.value,
                            allowed_updates=Update.ALL_TYPES)
        else:
            log.info("Starting with long polling")
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except (TelegramError, OSError) as exc:
        code, sentence = startup_failure(exc, settings)
        print(sentence, file=sys.stderr)
        return code
    return 0


def startup_failure(exc: BaseException, settings: Settings) -> tuple[int, str]:
    """The exit status and the one sentence an operator reads when the bot cannot start.

    PTB puts the token into ``InvalidToken``'s message, and a network error can carry a URL
    that holds it: every sentence is redacted, and no traceback is printed."""
    redact = RedactSecrets(settings.secrets).redact
    api = (f"the Bot API server at {redact(settings.api_base_url)}" if settings.api_base_url
           else "Telegram's Bot API")
    if isinstance(exc, InvalidToken):
        if "not found" in str(exc.__cause__ or exc).lower():
            return EXIT_CONFIG, (
                f"The bot cannot start: {api} answered 404 Not Found, so either the token in "
                "TELEGRAM_BOT_TOKEN is malformed or TELEGRAM_API_BASE_URL is not the address "
                "of a Bot API server (it must end in /bot).")
        return EXIT_CONFIG, (
            f"The bot cannot start: {api} rejected the token in TELEGRAM_BOT_TOKEN "
            "(401 Unauthorized); copy the current token from @BotFather (a revoked token stops "
            "working).")
    if isinstance(exc, NetworkError):  # TimedOut included
        return EXIT_FAILURE, (
            f"The bot cannot start: {api} cannot be reached ({_reason(exc, redact)}); check "
            "the network connection, any proxy settings and TELEGRAM_API_BASE_URL, then start "
            "it again.")
    if isinstance(exc, TelegramError):
        return EXIT_FAILURE, (
            f"The bot cannot start: {api} refused a start-up call ({_reason(exc, redact)}); "
            "check WEBHOOK_URL and the bot's settings with @BotFather.")
    return EXIT_FAILURE, (
        f"The bot cannot start: {_reason(exc, redact)}; if WEBHOOK_URL is set, check that "
        f"WEBHOOK_LISTEN and WEBHOOK_PORT ({settings.webhook_port}) name a free local port.")


def _reason(exc: BaseException, redact) -> str:
    text = " ".join(str(exc).split()).rstrip(".") or type(exc).__name__
    return redact(text)
