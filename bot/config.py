"""Settings: one typed object read from the environment (and an optional ``.env``) once."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent

TOKEN_VARIABLE = "TELEGRAM_BOT_TOKEN"

#: What Telegram accepts as a webhook's ``secret_token``: 1-256 of ``A-Za-z0-9_-``.
_WEBHOOK_SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,256}")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message is one sentence for the operator."""


@dataclass(frozen=True)
class Secret:
    """A value that must never be printed: its repr and str are masked."""

    value: str = field(repr=False)

    def __str__(self) -> str:
        return "***" if self.value else ""

    def __repr__(self) -> str:
        return "Secret('***')" if self.value else "Secret('')"

    def __bool__(self) -> bool:
        return bool(self.value)


@dataclass(frozen=True)
class Settings:
    token: Secret
    database_path: Path
    admin_ids: frozenset[int]
    api_base_url: str | None
    default_locale: str
    content_dir: Path
    locales_dir: Path
    webhook_url: str | None
    webhook_listen: str
    webhook_port: int
    webhook_secret: Secret
    log_level: str
    #: True when WEBHOOK_URL is set without WEBHOOK_SECRET: a random secret was made for this run
    webhook_secret_generated: bool = False

    @property
    def secrets(self) -> tuple[str, ...]:
        """Raw secret values, for the log redaction filter."""
        return tuple(s.value for s in (self.token, self.webhook_secret) if s.value)


def _int_set(raw: str, name: str) -> frozenset[int]:
    ids: set[int] = set()
    for part in raw.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(f"{name} must be a comma-separated list of Telegram user ids, "
                              f"but {part!r} is not a number.") from None
    return frozenset(ids)


def load_settings(environ: Mapping[str, str] | None = None, *, env_file: Path | None = None
                  ) -> Settings:
    """Read settings from ``environ`` (default ``os.environ``) over an optional ``.env`` file."""
    values: dict[str, str] = {}
    dotenv_path = env_file if env_file is not None else PROJECT_ROOT / ".env"
    if dotenv_path.is_file():
        values.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return values.get(name, default).strip()

    from bot.i18n import SUPPORTED_LOCALES  # local import: i18n does not depend on config

    default_locale = get("DEFAULT_LOCALE", "en")
    if default_locale not in SUPPORTED_LOCALES:
        raise ConfigError(f"DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}, "
                          f"not {default_locale!r}.")
    webhook_url = get("WEBHOOK_URL") or None
    webhook_secret = get("WEBHOOK_SECRET")
    if webhook_secret and not _WEBHOOK_SECRET_SHAPE.fullmatch(webhook_secret):
        raise ConfigError("WEBHOOK_SECRET must be 1 to 256 characters among A-Z, a-z, 0-9, "
                          "_ and - (Telegram accepts no others).")
    # Without a secret anyone who finds the webhook's URL could post updates in any user's
    # name (an admin's too). setWebhook runs at every start, so a fresh random secret made
    # here is registered with Telegram before the first update can arrive.
    generated = bool(webhook_url) and not webhook_secret
    if generated:
        webhook_secret = secrets.token_urlsafe(32)  # 256 bits, 43 characters of A-Za-z0-9_-
    port_raw = get("WEBHOOK_PORT", "8443")
    if not port_raw.isdigit():
        raise ConfigError(f"WEBHOOK_PORT must be a port number, not {port_raw!r}.")
    return Settings(
        token=Secret(get(TOKEN_VARIABLE)),
        database_path=Path(get("DATABASE_PATH") or PROJECT_ROOT / "data" / "toolkit.sqlite3"),
        admin_ids=_int_set(get("ADMIN_IDS"), "ADMIN_IDS"),
        api_base_url=get("TELEGRAM_API_BASE_URL") or None,
        default_locale=default_locale,
        content_dir=Path(get("CONTENT_DIR") or PROJECT_ROOT / "content"),
        locales_dir=Path(get("LOCALES_DIR") or PROJECT_ROOT / "locales"),
        webhook_url=webhook_url,
        webhook_listen=get("WEBHOOK_LISTEN", "0.0.0.0"),
        webhook_port=int(port_raw),
        webhook_secret=Secret(webhook_secret),
        log_level=get("LOG_LEVEL", "INFO").upper(),
        webhook_secret_generated=generated,
    )
