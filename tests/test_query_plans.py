"""No statement of ``bot/store`` scans a table that grows with use, at any scale.

The statements come from two places, so that store modules added later are covered without
touching this test:

* every SQL statement the store runs while the real bot handles a broad scenario on a
  seeded database (recorded with its parameters at ``bot.store.db._call``, the one place
  every read and write goes through);
* every SQL string literal in ``bot/store/**.py`` (found by reading the source): one the
  scenario did not run is planned with NULL parameters, and a statement built at run time
  (an f-string) that the scenario did not run fails the test, asking for it to be exercised.

Each statement is planned (``EXPLAIN QUERY PLAN``) on the seeded database three ways: with no
statistics (what the bot runs with: it never runs ANALYZE), with the statistics ANALYZE leaves
on the small seeded database, and with those statistics scaled to 100,000 officers (what
ANALYZE would leave at scale). A ``SCAN`` of a growing table in any of them fails. Every table
is growing except the few listed in ``FIXED_SIZE``. Foreign keys are checked separately:
a delete that cascades (e.g. /forget) follows each one, and EXPLAIN does not show that.
"""

from __future__ import annotations

import ast
import importlib
import re
import shutil
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from classroom_helpers import ClassGroup
from conftest import ADMIN_ID, make_app, replace_settings
from harness import Chat
from staffing import cohort_with, officers, trainer

import bot.store.db as store_db
from bot.app import running
from bot.config import PROJECT_ROOT
from bot.delivery.budget import SendLimits
from bot.handlers.reminders import queue_due_reminders
from bot.sandbox import FakeBotAPI, UpdateFactory
from bot.services.housekeeping import Housekeeping
from bot.services.report_scope import ReportFilter, Scope
from bot.store.reports import MARK as REPORT_MARK
from bot.ui import callbacks as cb

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
from gen_db import FIRST_USER_ID, Sizes, generate

STORE = PROJECT_ROOT / "bot" / "store"
#: Tables whose size does not grow with officers or their use: the search index (one row per
#: item and locale of the course), its key-value meta, the emergency corrections (a few per
#: country). The FTS5 index's own tables (search_index_*) count as the index.
FIXED_SIZE = {"search_index", "search_meta", "emergency_overrides"}
#: Scans that stop early by design: (table, statement) -> why it is fine.
ALLOWED_SCANS = {
    ("emergency_audit", "SELECT * FROM emergency_audit ORDER BY id DESC LIMIT ?"):
        "newest first in rowid order: reads LIMIT rows and stops",
    ("role_audit", "SELECT * FROM role_audit ORDER BY id DESC LIMIT ?"):
        "newest first in rowid order: reads LIMIT rows and stops",
    ("broadcasts", "SELECT * FROM broadcasts WHERE status != 'draft' ORDER BY id DESC LIMIT ?"):
        "newest first in rowid order, passing over the few unsent drafts: stops after LIMIT",
    ("c", "SELECT c.*, (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS "
     "members, (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id AND (EXISTS "
     "(SELECT 1 FROM review_log r WHERE r.user_id = m.user_id AND r.reviewed_at >= :since) OR "
     "EXISTS (SELECT 1 FROM card_views v WHERE v.user_id = m.user_id AND v.viewed_at >= "
     ":since))) AS active FROM cohorts c ORDER BY c.closed_at IS NOT NULL, c.id DESC LIMIT "
     ":limit OFFSET :offset"):
        "an admin's page of every cohort: cohorts grow with trainers (hundreds), not officers",
    ("outbox", "SELECT * FROM outbox WHERE kind = ? ORDER BY id"):
        "OutboxRepo.rows(kind=...): inspection by tests only, never on the bot's path",
    ("cohorts", "SELECT COUNT(*) FROM cohorts"):
        "how many pages an admin's cohort list has: the covering index of a table of hundreds",
    ("export_audit", "SELECT actor_id, kind, filter, rows, at FROM export_audit ORDER BY id "
     "DESC LIMIT ?"): "newest first in rowid order: reads LIMIT rows and stops",
}
#: A report reads every officer of its scope (an admin's: everyone): statements marked with
#: ``bot.store.reports.MARK`` may scan these tables, and still never an officer's history.
REPORT_SCANS = {"u", "users", "c", "sc", "cohorts", "m", "sm", "cm", "cohort_members", "reached"}
#: cohorts=0: the scenario makes its own. (With generated cohorts in the seed, the planner
#: chooses a scan of cohort_members_user for CohortRepo.member_ids planned with NULL
#: parameters: bot/store/cohorts.py, not the reports' statements, which pass either way.)
SEED = Sizes(officers=200, answers=10_000, heavy=2, heavy_answers=1000, seed=7, batch=100,
             cohorts=0)
#: Charts and exports (bot/store/media.py, read on connections and threads of their own) cover every
#: officer in their scope, so they may read the officers once (a SCAN of ``users``, alias
#: ``u``); every other table they reach through an index, by officer or by week. Their time
#: at 100,000 officers is measured by bench/bench_media.py.
MEDIA_MODULE = "bot.store.media"
MEDIA_SCANS = {"u", "users"}
SCALE = 100_000 / SEED.officers
SQL_START = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE) ")  # SQL in capitals


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple
    origin: str

    @property
    def media(self) -> bool:
        return self.origin in (MEDIA_MODULE, "bot/store/media.py") or \
            self.origin.startswith("bot/store/media.py:")


# --- recording what the store runs ------------------------------------------------------------
class Recorder:
    """Stands in for the sqlite3 connection given to store functions; records each statement."""

    def __init__(self, conn: sqlite3.Connection, seen: dict[str, tuple], module: str = ""):
        self._conn, self._seen, self._module = conn, seen, module

    def execute(self, sql: str, params=()):
        self._seen.setdefault(sql, (dict(params) if isinstance(params, dict)
                                    else tuple(params), self._module))
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows):
        rows = list(rows)
        self._seen.setdefault(sql, (tuple(rows[0]) if rows else (), self._module))
        return self._conn.executemany(sql, rows)

    def __getattr__(self, name):
        return getattr(self._conn, name)


async def run_scenario(app, fake: FakeBotAPI, clock) -> None:
    """Officers new and old, an admin, the reminder ticker and the prune job."""
    services = app.bot_data.services
    course = services.content.course
    officer = Chat(app, fake, UpdateFactory(5001, language_code="ru"))
    await officer.onboard("Русский", country=2)
    for item in ("settings", "reminders", "progress", "privacy", "language", "country",
                 "lessons", "reference", "quiz", "home", "resume"):
        await officer.press_data(f"menu:{item}")
    await officer.press_data("tz:Asia/Almaty")
    await officer.send("/reminder 08:30")
    lesson = next(le for le in course.lessons_in_order() if le.quiz)
    await officer.press_data(f"mod:{lesson.module_id}")
    for card in range(1, len(lesson.cards) + 1):
        await officer.press_data(f"les:{lesson.id}:{card}")
    await officer.press_data(f"done:{lesson.id}")
    await answer_a_round(officer, f"ql:{lesson.id}")
    await answer_a_round(officer, "menu:quiz")
    await officer.send("overdose naloxone")
    await officer.update(officer.users.inline_query("needle"))
    await officer.update(officer.users.my_chat_member("kicked"))
    await officer.update(officer.users.my_chat_member("member"))
    await officer.send("/forget")
    await officer.press_data("forget:yes")

    veteran = Chat(app, fake, UpdateFactory(FIRST_USER_ID))  # 1,000 answers in the seed
    await answer_a_round(veteran, "menu:quiz")
    await veteran.send("/progress")
    await veteran.send("/forget")
    await veteran.press_data("forget:yes")

    admin = Chat(app, fake, UpdateFactory(ADMIN_ID))
    await admin.onboard()
    await admin.send("/emergency_set KZ ambulance 103 verified")
    await admin.send("/emergency")
    await services.store.emergency.audit()  # no screen shows these yet
    await services.store.emergency.audit("KZ")
    await run_trainer_scenario(app, fake)
    await run_classroom_scenario(app, fake, clock)
    await run_media_scenario(app, fake)
    clock.advance(days=1)
    await queue_due_reminders(services)
    await services.sender.drain(app.bot)
    clock.advance(days=30)
    await Housekeeping(services.store, clock).prune()


async def run_trainer_scenario(app, fake: FakeBotAPI) -> None:
    """Roles, a cohort and its members, a template broadcast sent through the outbox, the
    history and the delivery totals (issue 10)."""
    services = app.bot_data.services
    admin = Chat(app, fake, UpdateFactory(ADMIN_ID))
    await admin.send("/roles")
    boss = await trainer(app, fake, 5101)
    members = await officers(app, fake, [(5102, "en", "English"), (5103, "ru", "Русский")])
    cohort = await cohort_with(app, boss.user_id, [m.user_id for m in members], name="Plans")
    await boss.send("/cohorts")
    await members[0].send("/cohort")
    await boss.send("/broadcast")
    await boss.press("Plans")
    await boss.press("Continue")
    await boss.press("All of them")
    await boss.press("Keep going")
    await boss.press("Send now")
    await boss.press("Yes, send it now")
    await services.sender.drain(app.bot)
    await services.broadcasts.history(boss.user_id)
    await services.broadcasts.history(None)
    await services.store.broadcasts.totals()
    await services.store.broadcasts.totals([boss.user_id])
    await admin.send("/broadcast")
    await run_report_scenario(app, fake, boss, cohort)


async def run_report_scenario(app, fake: FakeBotAPI, boss: Chat, cohort) -> None:
    """Reports (issue 12): an admin's over everyone and narrowed, a trainer's, the
    follow-ups (refresher, nudge) and cascade reach."""
    services = app.bot_data.services
    admin = Chat(app, fake, UpdateFactory(ADMIN_ID))
    await admin.send("/report")
    for f in (ReportFilter(period_days=0), ReportFilter(country="KZ", locale="en",
                                                        period_days=7),
              ReportFilter(cohort_id=cohort.id, period_days=90)):
        await admin.press_data(cb.REPORT.pack(f=f.pack()))
    module = services.content.course.modules[0].id
    for key in ("co.0", "ina", "nud", f"ref.{module}"):
        await admin.press_data(cb.REPORT_SET.pack(f=ReportFilter().pack(), key=key))
    await boss.send("/report")
    await boss.press_data(cb.REPORT.pack(f=ReportFilter(period_days=0).pack()))
    await boss.send("/reach")
    await admin.send("/reach")
    for scope in (Scope(ReportFilter(), None), Scope(ReportFilter(), boss.user_id)):
        await services.reports.low_recall(scope, module)  # runs even when no one is weak
        await services.reports.inactive(scope)


async def run_classroom_scenario(app, fake: FakeBotAPI, clock) -> None:
    """The trainer's cohort "Plans" in a class group: linked, /teach, a class quiz answered
    by members and a guest, the debrief and refreshers, the bot removed, /forget (issue 14)."""
    services = app.bot_data.services
    services.sender.budget.limits = SendLimits().scaled(50)  # no real minutes per group
    boss, *members = [Chat(app, fake, UpdateFactory(i)) for i in (5101, 5102, 5103)]
    group = ClassGroup(app, fake, boss, members, SimpleNamespace(name="Plans"), chat_id=-5100)
    await group.link()
    await boss.send("/teach 1")
    await group.start_quiz(size="5 questions", period="20 seconds")
    guest = UpdateFactory(5199)
    for number in range(5):
        poll = group.polls()[number]
        right = int(poll.params["correct_option_ids"][0])
        await group.answer(members[0], poll, right)
        await group.answer(members[1], poll, (right + 1) % len(poll.params["options"]))
        await group.answer(guest, poll, right)
        clock.advance(seconds=21)
        await group.tick()
        await group.flush()
    await boss.press("Send a refresher")
    await group.flush()
    await boss.send("/reach")  # class quizzes held, counted per trainer
    await boss.update(boss.users.bot_in_group(group.chat_id, "left"))
    await members[0].send("/forget")
    await members[0].press_data("forget:yes")
    services.sender.budget.limits = SendLimits()


async def run_media_scenario(app, fake: FakeBotAPI) -> None:
    """Every chart and export, by an admin over everyone and by a trainer over a cohort, a
    country and a language (issue 12)."""
    services = app.bot_data.services
    admin = Chat(app, fake, UpdateFactory(ADMIN_ID))
    boss = Chat(app, fake, UpdateFactory(5101))
    cohort = (await services.cohorts.listed(5101, admin=False))[0]
    filters = [(admin, [ReportFilter(period_days=0), ReportFilter(country="KZ", locale="ru")]),
               (boss, [ReportFilter(), ReportFilter(cohort_id=cohort.id, period_days=7)])]
    for chat, wanted in filters:
        await chat.send("/charts")
        await chat.send("/export")
        for f in wanted:
            for kind in ("active", "completion", "recall"):
                await chat.press_data(cb.REPORT_CHART.pack(kind=kind, f=f.pack()))
            for kind in ("officers", "answers"):
                await chat.press_data(cb.REPORT_CSV.pack(kind=kind, f=f.pack()))
    await admin.press_data(cb.REPORT_CSV.pack(kind="ids_ok", f=ReportFilter().pack()))
    await services.store.media.audit()


async def answer_a_round(chat: Chat, start: str) -> None:
    """Start a round and press through it: an option (or toggles and Submit), then Next."""
    await chat.press_data(start)
    for _ in range(30):
        data = [b["callback_data"] for row in chat.last.buttons for b in row]
        message = chat.last.result["message_id"] if isinstance(chat.last.result, dict) \
            else int(chat.last.params.get("message_id") or 1)
        pick = next((d for prefix in ("qt:", "qs:", "qa:", "qn:") for d in data
                     if d.startswith(prefix)), None)
        if pick is None:
            return  # the summary
        await chat.press_data(pick, message)
        if pick.startswith("qt:"):
            submit = next(d for row in chat.last.buttons for b in row
                          if (d := b["callback_data"]).startswith("qs:"))
            await chat.press_data(submit, message)


# --- statements found in the source ----------------------------------------------------------
WILDCARD = "\x00"


def source_statements() -> list[tuple[str, str, bool]]:
    """(template, origin, dynamic) for every SQL-looking string in bot/store: f-string parts
    that are module constants are filled in, others become WILDCARD (dynamic)."""
    found = []
    for path in sorted(STORE.rglob("*.py")):
        module = importlib.import_module(
            ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inside_fstrings = {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr)
                           for part in ast.walk(node) if part is not node}
        for node in ast.walk(tree):
            text, dynamic = None, False
            if id(node) in inside_fstrings:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            elif isinstance(node, ast.JoinedStr):
                parts = []
                for value in node.values:
                    if isinstance(value, ast.Constant):
                        parts.append(str(value.value))
                    elif isinstance(value.value, ast.Name) and \
                            isinstance(getattr(module, value.value.id, None), str):
                        parts.append(getattr(module, value.value.id))
                    else:
                        parts.append(WILDCARD)
                        dynamic = True
                text = "".join(parts)
            if text and SQL_START.match(text):
                found.append((text, f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}", dynamic))
    return found


def covered(template: str, recorded: list[str]) -> bool:
    """Did the scenario run this statement (or one built from this fragment)?"""
    pattern = re.compile(".*?".join(re.escape(p) for p in template.split(WILDCARD)), re.S)
    return any(pattern.match(sql) for sql in recorded)


# --- planning ---------------------------------------------------------------------------------
def with_stats(seed: Path, target: Path, mode: str) -> sqlite3.Connection:
    shutil.copy(seed, target)
    conn = sqlite3.connect(target)
    conn.execute("ANALYZE")
    if mode == "none":
        conn.execute("DELETE FROM sqlite_stat1")
    elif mode == "scaled":
        rows = conn.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall()
        for tbl, idx, stat in rows:
            numbers = [int(x) for x in stat.split()]
            total = numbers[0]
            # per-officer columns keep their rows per key; low-cardinality ones grow with it
            scaled = [int(total * SCALE)] + [int(n * SCALE) if n * 50 >= total else n
                                             for n in numbers[1:]]
            conn.execute("UPDATE sqlite_stat1 SET stat = ? WHERE tbl = ? AND idx IS ?",
                         (" ".join(map(str, scaled)), tbl, idx))
    conn.commit()
    conn.execute("ANALYZE sqlite_schema")  # load the statistics just written
    return conn


def growing(table: str) -> bool:
    return not (table in FIXED_SIZE or table.startswith("search_index_"))


def bounded_scan(conn: sqlite3.Connection, detail: str) -> bool:
    """A scan that cannot grow with use: of a table-valued function (``json_each`` over the
    statement's own parameter), or of a partial index, which holds only the rows in a
    transient state (the outbox's pending or in-flight rows)."""
    if "VIRTUAL TABLE" in detail:
        return True
    match = re.search(r"USING (?:COVERING )?INDEX (\w+)", detail)
    if match is None:
        return False
    sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                       (match.group(1),)).fetchone()
    return bool(sql and sql[0] and " WHERE " in sql[0].upper())


def full_scans(conn: sqlite3.Connection, statement: Statement) -> list[str]:
    try:
        plan = conn.execute(f"EXPLAIN QUERY PLAN {statement.sql}", statement.params).fetchall()
    except sqlite3.Error as exc:
        raise AssertionError(f"cannot plan {statement}: {exc}") from exc
    scans = []
    for row in plan:
        match = re.match(r"SCAN (\w+)", row[3])
        if match and growing(match.group(1)) and not bounded_scan(conn, row[3]) and \
                (match.group(1), statement.sql) not in ALLOWED_SCANS and \
                not (REPORT_MARK in statement.sql and match.group(1) in REPORT_SCANS) and \
                not (statement.media and match.group(1) in MEDIA_SCANS):
            scans.append(row[3])
    return scans


@pytest.fixture
def seeded(tmp_path, clock) -> Path:
    path = tmp_path / "seed.sqlite3"
    generate(path, SEED, now=clock())
    return path


async def test_no_statement_scans_a_growing_table(seeded, tmp_path, settings, catalogs,
                                                  content, clock, monkeypatch):
    seen: dict[str, tuple] = {}
    real_call = store_db._call

    def recording_call(aconn, fn, args):
        return fn(Recorder(aconn._conn, seen, getattr(fn, "__module__", "")), *args)

    def recording_read(conn, fn, args):
        return fn(Recorder(conn, seen, getattr(fn, "__module__", "")), *args)

    run_db = tmp_path / "run.sqlite3"
    shutil.copy(seeded, run_db)
    monkeypatch.setattr(store_db, "_call", recording_call)
    monkeypatch.setattr(store_db, "_read_call", recording_read)
    fake = FakeBotAPI()
    app = make_app(replace_settings(settings, database_path=run_db), fake, catalogs, content,
                   clock)
    async with running(app):
        await run_scenario(app, fake, clock)
    monkeypatch.setattr(store_db, "_call", real_call)
    assert not [c for c in fake.calls if c.error], "the scenario itself went wrong"

    statements = [Statement(sql, params, "run" if module != MEDIA_MODULE else module)
                  for sql, (params, module) in seen.items() if SQL_START.match(sql)]
    recorded = [s.sql for s in statements]
    unexercised = []
    for template, origin, dynamic in source_statements():
        if covered(template, recorded):
            continue
        if dynamic:
            unexercised.append(origin)
        else:
            named = re.findall(r"(?<!:):(\w+)", template)  # :name parameters, else ?
            params = dict.fromkeys(named) if named else (None,) * template.count("?")
            statements.append(Statement(template, params, origin))
    assert not unexercised, (
        f"statements built at run time that the scenario never ran (exercise them in "
        f"run_scenario so their plans are checked): {unexercised}")
    assert len(statements) > 40

    problems = []
    for mode in ("none", "small", "scaled"):
        conn = with_stats(seeded, tmp_path / f"plan-{mode}.sqlite3", mode)
        for statement in statements:
            for scan in full_scans(conn, statement):
                problems.append(f"[{mode} stats] {scan} ({statement.origin}): "
                                f"{' '.join(statement.sql.split())}")
        conn.close()
    assert not problems, "\n".join(problems)


def test_the_checker_sees_a_full_scan(seeded, tmp_path):
    """The check itself: an unindexed filter on a growing table is caught in every mode."""
    bad = Statement("SELECT * FROM review_log WHERE duration_ms = ?", (1000,), "test")
    for mode in ("none", "small", "scaled"):
        conn = with_stats(seeded, tmp_path / f"bad-{mode}.sqlite3", mode)
        assert full_scans(conn, bad) == ["SCAN review_log"]
        conn.close()


def test_every_foreign_key_is_indexed(seeded):
    """A delete of a parent row looks up its children through each foreign key: the child
    columns must lead an index (or be the primary key), or every /forget scans the table."""
    conn = sqlite3.connect(seeded)
    missing = []
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'")]
    for table in tables:
        keys: dict[int, list[str]] = {}
        for row in conn.execute(f"PRAGMA foreign_key_list('{table}')"):
            keys.setdefault(row[0], []).append(row[3])
        indexed = []
        for index in conn.execute(f"PRAGMA index_list('{table}')"):
            indexed.append([c[2] for c in conn.execute(f"PRAGMA index_info('{index[1]}')")])
        primary = [r[1] for r in sorted(conn.execute(f"PRAGMA table_info('{table}')"),
                                        key=lambda r: r[5]) if r[5]]
        indexed.append(primary)
        for columns in keys.values():
            if not any(cols[:len(columns)] == columns for cols in indexed):
                missing.append(f"{table} ({', '.join(columns)})")
    conn.close()
    assert not missing, f"foreign keys without an index: {missing}"
