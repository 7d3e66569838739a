"""Shared fixtures: real settings over a tmp_path database, the real catalogs and content,
the real Application driven through process_update with the fake Bot API transport."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from harness import Chat

from bot.app import build_application, running
from bot.config import Settings, load_settings
from bot.i18n import Catalogs
from bot.sandbox import FakeBotAPI, UpdateFactory

ADMIN_ID = 9001


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    from bot.config import PROJECT_ROOT
    return Catalogs.load(PROJECT_ROOT / "locales")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    env = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3"), "ADMIN_IDS": str(ADMIN_ID)}
    return load_settings(env, env_file=tmp_path / "no.env")


@pytest.fixture
def fake() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
async def app(settings: Settings, fake: FakeBotAPI, catalogs: Catalogs) -> AsyncIterator:
    application = build_application(settings, request=fake, catalogs=catalogs,
                                     rate_limiter=False)
    async with running(application):
        yield application


@pytest.fixture
def chat_factory(app, fake: FakeBotAPI) -> Callable[..., Chat]:
    def make(user_id: int = 1001, language_code: str | None = "en") -> Chat:
        return Chat(app, fake, UpdateFactory(user_id, language_code=language_code))
    return make


@pytest.fixture
def chat(chat_factory) -> Chat:
    return chat_factory()


def replace_settings(settings: Settings, **changes) -> Settings:
    return dataclasses.replace(settings, **changes)
