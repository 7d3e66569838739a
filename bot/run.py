"""Run the bot against Telegram: long polling by default, a webhook when WEBHOOK_URL is set."""

from __future__ import annotations

import logging
from urllib.parse import urlparse

from telegram import Update

from bot.app import build_application
from bot.config import Settings

log = logging.getLogger(__name__)


def run(settings: Settings) -> int:
    app = build_application(settings)
    if settings.webhook_url:
        log.info("Starting with a webhook on %s:%d", settings.webhook_listen,
                 settings.webhook_port)
        app.run_webhook(listen=settings.webhook_listen, port=settings.webhook_port,
                        url_path=urlparse(settings.webhook_url).path.lstrip("/"),
                        webhook_url=settings.webhook_url,
                        secret_token=settings.webhook_secret.value or None,
                        allowed_updates=Update.ALL_TYPES)
    else:
        log.info("Starting with long polling")
        app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0
