"""Shared fixtures: real settings over a tmp_path database, the real catalogs and content,
the real Application driven through process_update with the fake Bot API transport."""

from __future__ import annotations

import dataclasses
import re
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from harness import Chat

from bot.app import build_application, running
from bot.config import Settings, load_settings
from bot.i18n import Catalogs
from bot.sandbox import FakeBotAPI, UpdateFactory
from bot.services.content import ContentService

ADMIN_ID = 9001


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    from bot.config import PROJECT_ROOT
    return Catalogs.load(PROJECT_ROOT / "locales")


@pytest.fixture(scope="session")
def content() -> ContentService:
    """The shipped course, loaded and validated once (tests must not reload this one)."""
    from bot.config import PROJECT_ROOT
    service = ContentService(PROJECT_ROOT / "content", PROJECT_ROOT / "locales")
    service.served  # noqa: B018 - load now
    return service


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    env = {"DATABASE_PATH": str(tmp_path / "bot.sqlite3"), "ADMIN_IDS": str(ADMIN_ID)}
    return load_settings(env, env_file=tmp_path / "no.env")


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 12, 1, 5, 0, tzinfo=UTC))  # 10:00 in Tashkent


@pytest.fixture
def fake() -> FakeBotAPI:
    return FakeBotAPI()


@pytest.fixture
async def app(settings: Settings, fake: FakeBotAPI, catalogs: Catalogs,
              content: ContentService, clock: FakeClock) -> AsyncIterator:
    application = make_app(settings, fake, catalogs, content, clock)
    async with running(application):
        yield application


@pytest.fixture
def errors(app) -> list[BaseException]:
    """Errors that reached the application's error handlers during the test."""
    seen: list[BaseException] = []

    async def record(update, context):
        seen.append(context.error)

    app.add_error_handler(record)
    return seen


@pytest.fixture
def chat_factory(app, fake: FakeBotAPI) -> Callable[..., Chat]:
    def make(user_id: int = 1001, language_code: str | None = "en") -> Chat:
        return Chat(app, fake, UpdateFactory(user_id, language_code=language_code))
    return make


@pytest.fixture
def chat(chat_factory) -> Chat:
    return chat_factory()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A private copy of content/ and locales/ under tmp_path, for tests that edit them.
    Returns the folder holding both."""
    from bot.config import PROJECT_ROOT
    shutil.copytree(PROJECT_ROOT / "content", tmp_path / "content")
    shutil.copytree(PROJECT_ROOT / "locales", tmp_path / "locales")
    return tmp_path


def allow_incomplete(root: Path) -> None:
    """Let a private copy of the course (``root/content``) have missing or stale translations:
    a test that edits the English or writes a small catalog of its own needs that, since every
    locale listed in ``complete_locales`` must otherwise be complete."""
    course_yaml = root / "content" / "course.yaml"
    course_yaml.write_text(re.sub(r"(?m)^complete_locales: \[.*\]$", "complete_locales: []",
                                  course_yaml.read_text(encoding="utf-8")), encoding="utf-8")


def untranslated(root: Path, *locales: str) -> None:
    """Empty the course catalogs of ``locales`` in a private copy (``root/locales``), for tests
    about a language whose course is not translated yet: every shipped locale is."""
    allow_incomplete(root)
    for locale in locales:
        po = root / "locales" / locale / "LC_MESSAGES" / "content.po"
        with po.open("rb") as fh:
            catalog = read_po(fh)
        for message in catalog:
            if message.id:
                message.string = ("", "") if isinstance(message.id, tuple) else ""
                message.flags.discard("draft")
                message.flags.discard("fallback")
        with po.open("wb") as fh:
            write_po(fh, catalog, width=0)


def load_content(root: Path) -> ContentService:
    """A content service over ``root/content`` and ``root/locales``, loaded and validated."""
    service = ContentService(root / "content", root / "locales")
    service.served  # noqa: B018 - load now
    return service


@asynccontextmanager
async def app_over(settings, catalogs, content, clock) -> AsyncIterator[tuple]:
    """The running bot over a given content service: yields (app, fake transport)."""
    fake = FakeBotAPI()
    async with running(make_app(settings, fake, catalogs, content, clock)) as app:
        yield app, fake


def make_app(settings, fake, catalogs, content, clock, **options):
    """The real bot over the fake transport, on a hand-moved clock, FSRS without fuzz."""
    return build_application(settings, request=fake, catalogs=catalogs, content=content,
                             rate_limiter=False, clock=clock, fsrs_fuzzing=False,
                             reminder_ticker=False,  # tests drive the ticker by hand
                             **({"outbox": False} | options))  # tests drive the outbox too


def replace_settings(settings: Settings, **changes) -> Settings:
    return dataclasses.replace(settings, **changes)
