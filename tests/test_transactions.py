"""Write transactions cannot leak: a failing COMMIT, a cancelled caller and a misused run()
leave no transaction open and do not disturb other writers."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest

from bot.store import Database, StorageError, Store


@pytest.fixture
async def db(tmp_path):
    database = Database(tmp_path / "tx.sqlite3")
    await database.open()
    yield database
    await database.close()


async def in_transaction(db: Database) -> bool:
    return await db.run(lambda conn: conn.in_transaction)


def failing_commit(tx: sqlite3.Connection) -> None:
    """A real COMMIT failure: a deferred foreign key is checked at COMMIT, which fails and
    leaves the transaction open (SQLite's documented behaviour)."""
    tx.execute("PRAGMA defer_foreign_keys = ON")
    tx.execute("INSERT INTO users (user_id, chat_id) VALUES (10, 10)")
    tx.execute("INSERT INTO lesson_progress (user_id, lesson_id, started_at, updated_at) "
               "VALUES (999, 'orphan', 'x', 'x')")  # no user 999


async def test_a_failing_commit_is_rolled_back_and_others_go_on(db):
    store = Store(db)
    results = await asyncio.gather(db.write(failing_commit), store.users.ensure(1, 1),
                                   store.users.ensure(2, 2), return_exceptions=True)
    assert isinstance(results[0], sqlite3.IntegrityError)  # COMMIT: FOREIGN KEY failed
    assert not any(isinstance(r, BaseException) for r in results[1:])
    assert not await in_transaction(db)
    assert await store.users.get(10) is None  # the failed transaction left nothing
    assert await db.scalar("SELECT COUNT(*) FROM lesson_progress") == 0
    assert await store.users.get(1) is not None and await store.users.get(2) is not None
    await store.users.ensure(3, 3)  # the connection takes new transactions
    assert await store.users.get(3) is not None


async def test_a_caller_cancelled_mid_write_leaves_no_transaction_open(db):
    store = Store(db)
    started, release = threading.Event(), threading.Event()

    def slow_write(tx: sqlite3.Connection) -> None:
        tx.execute("INSERT INTO users (user_id, chat_id) VALUES (20, 20)")
        started.set()
        release.wait(5)
        tx.execute("INSERT INTO users (user_id, chat_id) VALUES (21, 21)")

    writer = asyncio.create_task(db.write(slow_write))
    await asyncio.to_thread(started.wait, 5)
    queued = asyncio.create_task(store.users.ensure(22, 22))  # another writer, waiting
    await asyncio.sleep(0.01)
    writer.cancel()
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await writer
    await queued
    assert not await in_transaction(db)
    # all or nothing: the thread ran the write to its end, both rows or none
    rows = await db.scalar("SELECT COUNT(*) FROM users WHERE user_id IN (20, 21)")
    assert rows in (0, 2)
    assert await store.users.get(22) is not None


async def test_a_caller_cancelled_while_queued_does_not_break_the_queue(db):
    store = Store(db)
    release = threading.Event()
    blocker = asyncio.create_task(db.run(lambda conn: release.wait(5)))
    await asyncio.sleep(0.01)
    cancelled = [asyncio.create_task(store.users.ensure(30 + i, 30 + i)) for i in range(5)]
    survivor = asyncio.create_task(store.users.ensure(40, 40))
    await asyncio.sleep(0.01)
    for task in cancelled:
        task.cancel()
    release.set()
    await blocker
    await survivor
    await asyncio.gather(*cancelled, return_exceptions=True)
    assert not await in_transaction(db)
    assert await store.users.get(40) is not None


async def test_a_run_that_opens_a_transaction_is_rolled_back_and_reported(db):
    def misuse(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO users (user_id, chat_id) VALUES (50, 50)")

    with pytest.raises(StorageError):
        await db.run(misuse)
    assert not await in_transaction(db)
    assert await Store(db).users.get(50) is None


async def test_a_transaction_left_open_is_never_built_upon(db):
    """If something ever left the connection inside a transaction (not possible through the
    API), the next write starts clean instead of committing someone else's work."""
    def leak(conn: sqlite3.Connection) -> None:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO users (user_id, chat_id) VALUES (60, 60)")

    aconn = db.conn
    await aconn._execute(lambda: leak(aconn._conn))  # bypass the API on purpose
    assert await db.write(lambda tx: tx.execute(
        "INSERT INTO users (user_id, chat_id) VALUES (61, 61)").rowcount) == 1
    store = Store(db)
    assert await store.users.get(60) is None
    assert await store.users.get(61) is not None
    assert not await in_transaction(db)


async def test_wal_checkpoints_run_off_the_database_thread(db):
    """The bot's connection leaves checkpoints (and their fsync) to a worker thread: its own
    automatic checkpoint is only a distant backstop."""
    from bot.store.checkpoint import BACKSTOP_PAGES

    assert await db.scalar("PRAGMA wal_autocheckpoint") == BACKSTOP_PAGES
    await db.executemany("INSERT INTO users (user_id, chat_id) VALUES (?, ?)",
                         [(i, i) for i in range(1, 2001)])
    db_thread = await db.run(lambda conn: threading.get_ident())
    seen = []
    real = db.checkpointer.checkpoint

    def checkpoint():
        seen.append(threading.get_ident())
        return real()

    db.checkpointer.checkpoint = checkpoint
    db.checkpointer.threshold, db.checkpointer.interval_s = 1, 0.01
    for _ in range(500):
        if seen:
            break
        await asyncio.sleep(0.01)
    busy, frames, done = await asyncio.to_thread(real)
    assert seen and db_thread not in seen
    assert busy == 0 and frames == done  # everything in the log is in the database file
    assert await Store(db).users.get(2000) is not None
