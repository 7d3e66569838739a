"""Migrations: every row of every table survives an upgrade from each older version, and a
migration that rebuilds a table runs with foreign keys off (SQLite's 12-step procedure).

The rows are generated from the old schema itself (``PRAGMA table_list``, ``table_info``,
``foreign_key_list`` and the tables' CHECK ... IN lists), so a table that a later migration adds
is filled and checked without editing this file. A later migration that parses a column's
content may want a more realistic value for it: see ``_text_value``.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.store import Database
from bot.store.migrations import MIGRATIONS, TableRebuild

LATEST = MIGRATIONS[-1][0]
ROWS = 3  # per table


# --- generic rows ----------------------------------------------------------------------------
def _tables(conn: sqlite3.Connection) -> list[str]:
    """The database's tables (virtual ones included, FTS5's shadow tables not), parents
    before the tables whose foreign keys point at them."""
    names = [row[1] for row in conn.execute("PRAGMA table_list")
             if row[0] == "main" and row[2] in ("table", "virtual")
             and not row[1].startswith("sqlite_")]
    parents = {name: {fk[2] for fk in conn.execute(f'PRAGMA foreign_key_list("{name}")')
                      if fk[2] != name} for name in names}
    ordered: list[str] = []
    while len(ordered) < len(names):
        ready = [n for n in sorted(names) if n not in ordered and parents[n] <= set(ordered)]
        assert ready, f"foreign keys form a cycle: {parents}"
        ordered.extend(ready)
    return ordered


def _check_choices(create_sql: str, column: str) -> list[Any]:
    """The values of a ``CHECK (column IN (...))`` on the column, if it has one."""
    match = re.search(rf'CHECK\s*\(\s*"?{re.escape(column)}"?\s+IN\s*\(([^)]*)\)\s*\)',
                      create_sql, flags=re.I)
    if not match:
        return []
    return [int(v) if v.strip().lstrip("-").isdigit() else v.strip().strip("'\"")
            for v in match.group(1).split(",")]


def _text_value(column: str, i: int) -> str:
    """Text that is plausible for the column's name (timestamps, JSON, codes), else unique."""
    name = column.lower()
    if name.endswith("_at") or name in ("due", "last_review"):
        return f"2026-0{i + 1}-15T08:30:00Z"
    if name.endswith("_json"):
        return "{}"
    if name in ("items", "option_order"):
        return "[]"
    if name == "locale":
        return "en"
    if name == "country":
        return ("KZ", "UZ", "PK")[i % 3]
    if name == "timezone":
        return "Asia/Almaty"
    if name == "local_time":
        return "09:00"
    return f"{column}-{i}"


def _fill(conn: sqlite3.Connection) -> dict[str, int]:
    """ROWS rows in every table, each foreign key pointing at a real parent row. Returns
    the row count of every table."""
    made: dict[str, list[dict[str, Any]]] = {}
    for table in _tables(conn):
        create_sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?",
                                  (table,)).fetchone()[0] or ""
        columns = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
        references = {fk[3]: (fk[2], fk[4]) for fk in
                      conn.execute(f'PRAGMA foreign_key_list("{table}")')}
        made[table] = []
        for i in range(ROWS):
            row: dict[str, Any] = {}
            for _cid, name, declared, _notnull, _default, pk in columns:
                kind = (declared or "").upper()
                choices = _check_choices(create_sql, name)
                if name in references:
                    parent, to = references[name]
                    if parent == table:  # a tree: the first rows are roots
                        row[name] = None
                        continue
                    to = to or _primary_key(conn, parent)[0]
                    row[name] = made[parent][i % len(made[parent])][to]
                elif choices:
                    row[name] = choices[i % len(choices)]
                elif "INT" in kind:
                    row[name] = i + 1 if pk else (i % 2 if name in _FLAGS else i + 1)
                elif "REAL" in kind or "FLOA" in kind or "DOUB" in kind:
                    row[name] = 0.5 + i
                elif "BLOB" in kind:
                    row[name] = bytes([i])
                else:
                    row[name] = _text_value(name, i)
            names = ", ".join(f'"{n}"' for n in row)
            marks = ", ".join("?" for _ in row)
            conn.execute(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', list(row.values()))
            made[table].append(row)
    return {table: len(rows) for table, rows in made.items()}


def _primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    columns = conn.execute(f'PRAGMA table_info("{table}")').fetchall()
    return [c[1] for c in sorted(columns, key=lambda c: c[5]) if c[5]]


_FLAGS = {"active", "enabled", "verified", "correct", "old_verified", "new_verified"}


def _rows(conn: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    names = [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")')]
    select = ", ".join(f'"{n}"' for n in names)
    return [dict(zip(names, row, strict=True))
            for row in conn.execute(f'SELECT {select} FROM "{table}"')]


def _snapshot(path: Path) -> dict[str, list[dict[str, Any]]]:
    with sqlite3.connect(path) as conn:
        return {table: _rows(conn, table) for table in _tables(conn)}


def _same_rows(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> bool:
    """Every row is still there with the same values, in the columns that are still there
    (a migration may add columns; a rebuild that copies columns in the wrong order fails)."""
    shared = [n for n in (before[0] if before else {}) if after and n in after[0]]

    def key(rows):
        return sorted((tuple(r[n] for n in shared) for r in rows), key=repr)
    return len(before) == len(after) and key(before) == key(after)


async def _database_at(path: Path, version: int) -> None:
    """The database as the release with schema ``version`` left it."""
    db = Database(path)
    db._conn = await aiosqlite.connect(path, isolation_level=None)
    db._conn.row_factory = sqlite3.Row
    try:
        await db.migrate(target=version)
    finally:
        await db.close()


def _fill_file(path: Path) -> dict[str, int]:
    with sqlite3.connect(path, isolation_level=None) as conn:
        conn.execute("PRAGMA foreign_keys = ON")  # the rows are valid: every parent exists
        conn.execute("BEGIN")
        counts = _fill(conn)
        conn.execute("COMMIT")
    return counts


# --- every row of every table survives ------------------------------------------------------
@pytest.mark.parametrize("previous", [v for v, _ in MIGRATIONS[:-1]])
async def test_upgrade_from_each_previous_version_keeps_every_row(tmp_path, previous):
    path = tmp_path / "old.sqlite3"
    await _database_at(path, previous)
    counts = _fill_file(path)
    assert counts and all(n == ROWS for n in counts.values()), counts
    before = _snapshot(path)

    db = Database(path)
    await db.open()  # migrates to the latest version, as a start-up does
    try:
        assert await db.schema_version() == LATEST
        assert await db.scalar("PRAGMA foreign_keys") == 1
        assert await db.fetchall("PRAGMA foreign_key_check") == []
    finally:
        await db.close()
    after = _snapshot(path)
    for table, rows in before.items():
        assert table in after, f"table {table} was lost"
        assert _same_rows(rows, after[table]), f"rows of {table} were lost or changed"


async def test_the_generator_fills_every_table_of_the_latest_schema(tmp_path):
    """So that a table a later migration adds is covered: if this fails, teach _fill the
    new table's constraint rather than leaving the table out."""
    path = tmp_path / "latest.sqlite3"
    await _database_at(path, LATEST)
    counts = _fill_file(path)
    with sqlite3.connect(path) as conn:
        assert set(counts) == set(_tables(conn))
        # a table that triggers also fill (answer_days, from review_log) holds more
        kept = {t for (sql,) in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger'")
            for t in re.findall(r"INSERT (?:OR \w+ )?INTO (\w+)", sql)}
        for table in counts:
            n = conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            assert n >= ROWS if table in kept else n == ROWS, (table, n)


# --- a migration that rebuilds a table ------------------------------------------------------
def _rebuild_script(path: Path, table: str, where: str = "") -> str:
    """SQLite's 12 steps for ``table``, with its current definition: create new_X, copy,
    drop X, rename new_X to X, make its indexes again."""
    with sqlite3.connect(path) as conn:
        create = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                              (table,)).fetchone()[0]
        indexes = [r[0] for r in conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL", (table,))]
    create = re.sub(rf'^CREATE TABLE\s+"?{table}"?', f"CREATE TABLE new_{table}", create)
    return "\n".join([f"{create};", f"INSERT INTO new_{table} SELECT * FROM {table} {where};",
                      f"DROP TABLE {table};", f"ALTER TABLE new_{table} RENAME TO {table};",
                      *(f"{sql};" for sql in indexes)])


@pytest.fixture
async def filled(tmp_path) -> tuple[Path, dict[str, list[dict[str, Any]]]]:
    """A database of the latest schema with rows in every table, and those rows."""
    path = tmp_path / "filled.sqlite3"
    await _database_at(path, LATEST)
    _fill_file(path)
    return path, _snapshot(path)


def _children_of_users(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [t for t in _tables(conn) if any(
            fk[2] == "users" for fk in conn.execute(f'PRAGMA foreign_key_list("{t}")'))]


async def test_rebuilding_users_keeps_every_row_of_every_table(filled):
    path, before = filled
    assert _children_of_users(path), "users has tables that point at it"
    rebuild = [*MIGRATIONS, (LATEST + 1, TableRebuild(_rebuild_script(path, "users")))]
    db = Database(path)
    await db.open()
    try:
        assert await db.migrate(migrations=rebuild) == LATEST + 1
        assert await db.scalar("PRAGMA foreign_keys") == 1, "foreign keys are back on"
        assert await db.fetchall("PRAGMA foreign_key_check") == []
    finally:
        await db.close()
    after = _snapshot(path)
    assert after.keys() == before.keys()
    assert all(_same_rows(before[t], after[t]) for t in before)


async def test_the_same_rebuild_with_foreign_keys_on_would_empty_the_children(filled):
    """Why the flag exists: DROP TABLE with foreign keys on cascades."""
    path, before = filled
    plain = [*MIGRATIONS, (LATEST + 1, _rebuild_script(path, "users"))]
    db = Database(path)
    await db.open()
    try:
        await db.migrate(migrations=plain)
    finally:
        await db.close()
    after = _snapshot(path)
    assert all(after[child] == [] for child in _children_of_users(path))
    assert _same_rows(before["users"], after["users"])


async def test_a_rebuild_that_breaks_a_foreign_key_changes_nothing(filled):
    path, before = filled
    dropping = [*MIGRATIONS, (LATEST + 1, TableRebuild(
        _rebuild_script(path, "users", where="WHERE user_id > 1")))]
    db = Database(path)
    await db.open()
    try:
        with pytest.raises(sqlite3.IntegrityError, match="pointing nowhere"):
            await db.migrate(migrations=dropping)
        assert await db.schema_version() == LATEST
        assert await db.scalar("PRAGMA foreign_keys") == 1
    finally:
        await db.close()
    after = _snapshot(path)
    assert after.keys() == before.keys()
    assert all(_same_rows(before[t], after[t]) for t in before)
