"""The SQLite connection: WAL, foreign keys, migrations, and serialised transactions.

One aiosqlite connection is one transaction, so every statement goes through one lock:
interleaving coroutines can never share (or roll back) each other's transaction. Keep
transactions short and never await a Bot API call inside one.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite

from bot.store.migrations import MIGRATIONS

log = logging.getLogger(__name__)


class StorageError(RuntimeError):
    """The database cannot be opened or used; the message is one sentence for the operator."""


class Database:
    def __init__(self, path: Path, *, busy_timeout_ms: int = 5000):
        self.path = Path(path)
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()

    @property
    def conn(self) -> aiosqlite.Connection:
        if self._conn is None:
            raise StorageError("The database is not open.")
        return self._conn

    async def open(self) -> None:
        folder = self.path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self._conn = await aiosqlite.connect(self.path, isolation_level=None)
            self._conn.row_factory = sqlite3.Row
            await self._conn.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
            mode = await self._scalar("PRAGMA journal_mode = WAL")
            await self._conn.execute("PRAGMA synchronous = NORMAL")
            await self._conn.execute("PRAGMA foreign_keys = ON")
            await self.migrate()
        except (OSError, sqlite3.Error) as exc:
            await self.close()
            raise StorageError(
                f"Cannot open the database at {self.path}: {exc}. Set DATABASE_PATH to a file "
                "in a folder the bot can write to."
            ) from exc
        if str(mode).lower() != "wal":
            log.warning("SQLite did not switch to WAL mode (got %s)", mode)

    async def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await conn.close()

    async def _scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        async with self.conn.execute(sql, params) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def schema_version(self) -> int:
        async with self._lock:
            return int(await self._scalar("PRAGMA user_version"))

    async def migrate(self, target: int | None = None) -> int:
        """Apply pending migrations in order, each in its own transaction."""
        current = int(await self._scalar("PRAGMA user_version"))
        for version, script in MIGRATIONS:
            if version <= current or (target is not None and version > target):
                continue
            async with self._lock:
                await self.conn.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _statements(script):
                        await self.conn.execute(statement)
                    await self.conn.execute(f"PRAGMA user_version = {version}")
                    await self.conn.commit()
                except BaseException:
                    await self.conn.rollback()
                    raise
            log.info("Database migrated to version %d", version)
            current = version
        return current

    # --- statements, each serialised with any transaction --------------------------------
    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Row | None:
        async with self._lock:
            async with self.conn.execute(sql, params) as cur:
                return await cur.fetchone()

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[sqlite3.Row]:
        async with self._lock:
            async with self.conn.execute(sql, params) as cur:
                return list(await cur.fetchall())

    async def scalar(self, sql: str, params: Sequence[Any] = ()) -> Any:
        async with self._lock:
            return await self._scalar(sql, params)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement in autocommit mode; returns the number of rows changed."""
        async with self._lock:
            async with self.conn.execute(sql, params) as cur:
                return cur.rowcount

    async def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        async with self.transaction() as tx:
            await tx.executemany(sql, rows)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction (BEGIN IMMEDIATE) holding the lock; commit or roll back."""
        async with self._lock:
            await self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                await self.conn.rollback()
                raise
            await self.conn.commit()


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
