"""The SQLite connection: WAL, foreign keys, migrations, and serialised transactions.

One aiosqlite connection is one transaction and one worker thread. Every read is one call
into that thread (execute and fetch together) and every write transaction is one function
run there (``Database.write``), so coroutines can never share, interleave with or roll back
each other's transaction, and a cancelled caller cannot leave one open. A write function is
plain synchronous sqlite3 code: it cannot await anything, so no Bot API call can happen
inside a transaction.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.store.checkpoint import BACKSTOP_PAGES, Checkpointer
from bot.store.migrations import MIGRATIONS, TableRebuild

log = logging.getLogger(__name__)


class StorageError(RuntimeError):
    """The database cannot be opened or used; the message is one sentence for the operator."""


class Database:
    def __init__(self, path: Path, *, busy_timeout_ms: int = 5000):
        self.path = Path(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self.checkpointer = Checkpointer(self.path)
        self._readers: list[sqlite3.Connection] = []  # Database.read's idle connections
        self._closed_readers = False
        self._reader_lock = threading.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StorageError("The database is not open.")
        return self._conn

    async def open(self) -> None:
        try:
            _private_files(self.path)
            self._closed_readers = False
            self._conn = await aiosqlite.connect(self.path, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            await self._conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            mode = await self.scalar("PRAGMA journal_mode = WAL")
            await self._conn.execute("PRAGMA synchronous = NORMAL")
            await self._conn.execute("PRAGMA foreign_keys = ON")
            await self._conn.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES}")
            await self.migrate()
        except (OSError, sqlite3.Error) as exc:
            await self.close()
            raise StorageError(
                f"Cannot open the database at {self.path}: {exc}. Set DATABASE_PATH to a file "
                "in a folder the bot can write to."
            ) from exc
        if str(mode).lower() != "wal":
            log.warning("SQLite did not switch to WAL mode (got %s)", mode)
        self.checkpointer.start()  # checkpoints off this connection's thread

    async def close(self) -> None:
        await self.checkpointer.stop()
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()
        with self._reader_lock:
            self._closed_readers = True
            for reader in self._readers:
                reader.close()
            self._readers.clear()

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(connection, *args)`` on a read-only connection of its own, in a worker
        thread, inside one read transaction (one snapshot: the figures agree with each other).
        For long reads over many officers (reports): WAL lets them run while the bot's own
        connection goes on reading and writing, so no officer waits for a report. Reads
        started together run in parallel, each on its own connection (kept for reuse)."""
        self.conn  # noqa: B018 -- the database must be open
        return await asyncio.to_thread(self._read, fn, args)

    def _read(self, fn: Callable[..., T], args: tuple) -> T:
        with self._reader_lock:
            conn = self._readers.pop() if self._readers else None
        if conn is None:
            conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True,
                                   isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        try:
            conn.execute("BEGIN")
            try:
                return _read_call(conn, fn, args)
            finally:
                conn.execute("ROLLBACK")
        finally:
            with self._reader_lock:
                if self._closed_readers:
                    conn.close()
                else:
                    self._readers.append(conn)

    async def schema_version(self) -> int:
        return int(await self.scalar("PRAGMA user_version"))

    async def migrate(self, target: int | None = None,
                      migrations: Sequence[tuple[int, str]] = MIGRATIONS) -> int:
        """Apply pending migrations in order, each in its own transaction; one that rebuilds
        a table (``TableRebuild``) with foreign keys off (see ``bot/store/migrations.py``)."""
        current = await self.schema_version()
        for version, script in migrations:
            if version <= current or (target is not None and version > target):
                continue
            if isinstance(script, TableRebuild):
                await self.run(_apply_rebuild, _statements(script), version)
            else:
                await self.write(_apply, _statements(script), version)
            log.info("Database migrated to version %d", version)
            current = version
        return current

    # --- one hand-off to the connection's thread per call ---------------------------------
    # aiosqlite runs every call on one worker thread, in the order the calls were queued.
    # A read (execute and fetch together) and a whole write transaction are each one queued
    # function, so nothing can interleave inside them and a cancelled caller cannot leave a
    # transaction open. ``Connection._execute`` is aiosqlite's queue (pinned in pyproject).
    #
    # A caller cancelled while its call waits or runs does not stop the call: the thread runs
    # it to its end (a write commits, or rolls back if it fails) and the result is dropped.
    # So a write is all or nothing whatever happens to its caller, and the connection is
    # never left inside a transaction for the next call.
    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(connection, *args)`` in the database thread, outside any transaction
        (reads, or single autocommit statements). ``fn`` must not open a transaction."""
        aconn = self.conn
        return await aconn._execute(_call, aconn, _outside, (fn, args))

    async def write(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(connection, *args)`` in the database thread inside ``BEGIN IMMEDIATE``:
        committed when it returns, rolled back when it (or the commit) raises."""
        aconn = self.conn
        return await aconn._execute(_call, aconn, _transaction, (fn, args))

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        return await self.run(_fetchone, sql, params)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        return await self.run(_fetchall, sql, params)

    async def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = await self.run(_fetchone, sql, params)
        return row[0] if row else None

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in autocommit mode; returns the number of rows changed."""
        return await self.run(_rowcount, sql, params)

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        await self.write(lambda conn: conn.executemany(sql, rows))


T = TypeVar("T")

#: The database holds officers' ids, progress and answers: only the bot's user may read it.
FILE_MODE, FOLDER_MODE = 0o600, 0o700


def _private_files(path: Path) -> None:
    """Create the database's folder 0700 and the file 0600 before SQLite opens it.

    SQLite creates a new file 0644 less the umask, and its -wal and -shm files with the mode
    of the database file (it sets that mode itself, whatever the umask): so creating the file
    0600 first makes all three private under any umask. Files left by an older version are
    tightened. A folder that already exists is not ours to change (it may be /var/lib or a
    shared volume): a warning says when others can list it."""
    folder = path.parent
    if not folder.is_dir():
        folder.mkdir(parents=True, mode=FOLDER_MODE, exist_ok=True)
        os.chmod(folder, FOLDER_MODE)  # mkdir's mode is reduced by the umask
    elif folder.stat().st_mode & 0o077:
        log.warning("The database folder %s can be read by other users; chmod 700 it",
                    folder)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists() and file.stat().st_mode & 0o777 != FILE_MODE:
            os.chmod(file, FILE_MODE)


def _call(aconn: aiosqlite.Connection, fn: Callable[..., Any], args: tuple) -> Any:
    return fn(aconn._conn, *args)


def _read_call(conn: sqlite3.Connection, fn: Callable[..., Any], args: tuple) -> Any:
    """Every ``Database.read`` goes through here (the query-plan test records it)."""
    return fn(conn, *args)


def _no_open_transaction(conn: sqlite3.Connection) -> None:
    """Never build on someone else's unfinished work (cannot happen through this API)."""
    if conn.in_transaction:
        log.error("A transaction was left open; rolling it back")
        _rollback(conn)


def _rollback(conn: sqlite3.Connection) -> None:
    """Roll back without hiding the error that led here: a failed rollback is logged (SQLite
    has then already ended the transaction, e.g. after an I/O error)."""
    try:
        conn.rollback()
    except sqlite3.Error:
        log.exception("Rollback failed")


def _transaction(conn: sqlite3.Connection, fn: Callable[..., T], args: tuple) -> T:
    _no_open_transaction(conn)
    try:
        conn.execute("BEGIN IMMEDIATE")
        result = fn(conn, *args)
        conn.execute("COMMIT")  # may fail (e.g. a deferred constraint): still inside the try
    except BaseException:
        if conn.in_transaction:
            _rollback(conn)
        raise
    return result


def _outside(conn: sqlite3.Connection, fn: Callable[..., T], args: tuple) -> T:
    _no_open_transaction(conn)
    try:
        return fn(conn, *args)
    finally:
        if conn.in_transaction:  # a bug in fn: BEGIN through run() instead of write()
            _rollback(conn)
            raise StorageError("A function run outside a transaction left one open; it was "
                               "rolled back. Use Database.write for transactions.")


def _apply(conn: sqlite3.Connection, statements: list[str], version: int) -> None:
    for statement in statements:
        conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {int(version)}")


def _apply_rebuild(conn: sqlite3.Connection, statements: list[str], version: int) -> None:
    """SQLite's 12-step procedure for a table rebuild: foreign keys off outside the
    transaction, the rebuild and a foreign key check inside it, foreign keys back on."""
    enabled = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        if conn.execute("PRAGMA foreign_keys").fetchone()[0]:
            raise sqlite3.OperationalError("foreign keys cannot be turned off for migration "
                                           f"{version}: a transaction is open")
        _transaction(conn, _apply_checked, (statements, version))
    finally:
        if enabled:
            conn.execute("PRAGMA foreign_keys = ON")


def _apply_checked(conn: sqlite3.Connection, statements: list[str], version: int) -> None:
    _apply(conn, statements, version)
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise sqlite3.IntegrityError(
            f"migration {version} would leave {len(broken)} row(s) pointing nowhere, in "
            f"{', '.join(tables)}; nothing was changed")


def _fetchone(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> sqlite3.Row | None:
    return conn.execute(sql, params).fetchone()


def _fetchall(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> list[sqlite3.Row]:
    return conn.execute(sql, params).fetchall()


def _rowcount(conn: sqlite3.Connection, sql: str, params: Sequence[Any]) -> int:
    return conn.execute(sql, params).rowcount


def _statements(script: str) -> list[str]:
    """Split a migration script into complete statements (sqlite3.complete_statement)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
