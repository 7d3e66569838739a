"""The storage layer: pragmas, migrations, serialised transactions, clear start-up errors."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import stat
import time

import pytest

from bot.store import Database, StorageError, Store
from bot.store.migrations import MIGRATIONS

LATEST = MIGRATIONS[-1][0]


async def test_open_sets_wal_normal_and_foreign_keys(tmp_path):
    db = Database(tmp_path / "a" / "b.sqlite3")  # missing folders are created
    await db.open()
    try:
        assert (await db.scalar("PRAGMA journal_mode")).lower() == "wal"
        assert await db.scalar("PRAGMA synchronous") == 1  # NORMAL
        assert await db.scalar("PRAGMA foreign_keys") == 1
        assert await db.schema_version() == LATEST
    finally:
        await db.close()


async def test_migrations_from_empty_and_reopen_is_idempotent(tmp_path):
    path = tmp_path / "m.sqlite3"
    for _ in range(2):
        db = Database(path)
        await db.open()
        assert await db.schema_version() == LATEST
        await db.close()


async def test_database_in_unwritable_place_is_a_clear_startup_error(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    db = Database(blocker / "bot.sqlite3")
    with pytest.raises(StorageError) as info:
        await db.open()
    assert "DATABASE_PATH" in str(info.value)


async def test_failed_transaction_rolls_back_only_its_own_writes(tmp_path):
    db = Database(tmp_path / "t.sqlite3")
    await db.open()
    store = Store(db)
    try:
        def insert_then_fail(tx):
            tx.execute("INSERT INTO users (user_id, chat_id) VALUES (1, 1)")
            time.sleep(0.01)  # the other coroutine's write is queued meanwhile
            raise RuntimeError("boom")

        async def failing():
            with pytest.raises(RuntimeError):
                await db.write(insert_then_fail)

        async def succeeding():
            await asyncio.sleep(0.001)
            await store.users.ensure(2, 2)

        await asyncio.gather(failing(), succeeding())
        assert await store.users.get(1) is None
        assert await store.users.get(2) is not None
    finally:
        await db.close()


@pytest.fixture
def umask_022():
    """The usual umask, set explicitly: files would be 0644 and folders 0755 by default."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_database_file_wal_shm_0600_and_folder_0700(tmp_path, umask_022):
    path = tmp_path / "data" / "bot.sqlite3"
    db = Database(path)
    await db.open()
    try:
        await Store(db).users.ensure(5, 5)  # a write: the -wal and -shm files exist now
        wal, shm = (path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))
        assert wal.exists() and shm.exists()
        assert {p.name: _mode(p) for p in (path, wal, shm)} == {
            path.name: 0o600, wal.name: 0o600, shm.name: 0o600}
        assert _mode(path.parent) == 0o700
    finally:
        await db.close()


async def test_database_files_of_an_older_version_are_tightened(tmp_path, umask_022, caplog):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    path = folder / "bot.sqlite3"
    old = sqlite3.connect(path)
    old.execute("PRAGMA journal_mode = WAL")
    old.execute("CREATE TABLE t (x)")
    old.execute("INSERT INTO t VALUES (1)")
    old.commit()  # leaves bot.sqlite3, -wal and -shm at 0644 while this connection is open
    wal = path.with_name(path.name + "-wal")
    assert _mode(path) == 0o644 and _mode(wal) == 0o644
    db = Database(path)
    with caplog.at_level(logging.WARNING, logger="bot.store.db"):
        await db.open()
    try:
        assert _mode(path) == 0o600 and _mode(wal) == 0o600
        assert _mode(path.with_name(path.name + "-shm")) == 0o600
        assert _mode(folder) == 0o755, "a folder that was there is not changed"
        assert "chmod 700" in caplog.text
    finally:
        await db.close()
        old.close()
