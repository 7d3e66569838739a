"""CSV exports of a report's officers (issue 12): progress per officer, answers per question.

Files are UTF-8 with a byte-order mark, so that spreadsheet programs open Cyrillic and
Arabic script correctly, and have **stable English column names** whatever the viewer's
language: exports from trainers in eight countries can be merged and read by scripts, and a
column never changes its name when a translation is corrected. Values are machine-readable
(ISO dates, ``.`` as the decimal sign, shares between 0 and 1).

Officers are named by pseudonyms (``bot.logs.pseudonym``: a keyed hash, stable for one
install, the same one the logs use) unless an admin explicitly asks for Telegram ids; every
export is recorded in ``export_audit`` (who, when, which filter, how many rows), those with
ids under the kind ``officers_ids``. ``/forget`` deletes an officer's rows, so the officer is
in no later export.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from fsrs import Scheduler

from bot.logs import pseudonyms
from bot.services.charts import Worker, stability_sql
from bot.services.content import ContentService
from bot.services.report_scope import Scope, horizon, recall_sql, scope_args
from bot.store import Store
from bot.store.media import QuestionRow
from bot.timeutil import Clock

KINDS = ("officers", "officers_ids", "answers")
OFFICER_COLUMNS = ("officer", "country", "language", "registered_on", "last_active_week",
                   "lessons_finished", "lessons_total", "answers_in_period", "answers_total",
                   "correct_total", "accuracy", "questions_reviewed", "predicted_recall_7d")
QUESTION_COLUMNS = ("item_id", "module", "lesson", "times_answered", "wrong_answers",
                    "wrong_rate", "most_chosen_wrong_option", "most_chosen_wrong_text",
                    "most_chosen_wrong_times")
BOM = "\ufeff"


@dataclass(frozen=True)
class Export:
    filename: str
    data: bytes
    rows: int


class ExportService:
    def __init__(self, store: Store, content: ContentService, clock: Clock,
                 scheduler: Scheduler, worker: Worker):
        self.store, self.content, self.clock, self.scheduler = store, content, clock, scheduler
        self.worker = worker

    async def officers(self, scope: Scope, actor_id: int, *, with_ids: bool = False) -> Export:
        """Progress per officer; Telegram ids only for an admin's explicit request."""
        if with_ids and scope.trainer_id is not None:
            raise PermissionError("only admins export Telegram ids")
        now = self.clock()
        since = scope.filter.since(now)
        recall = recall_sql(self.scheduler, stability_sql(), "qc.last_review", ":at")
        rows = await self.store.media.officer_rows(
            scope_args(scope), since.isoformat() if since else None, recall,
            horizon(now).isoformat(), len(self.content.course.lessons))
        data = await self.worker.run(_officers_csv, rows, with_ids)
        kind = "officers_ids" if with_ids else "officers"
        await self.store.media.audit_export(actor_id, kind, scope.filter.pack(), len(rows),
                                            now.isoformat())
        return Export(f"{kind}-{now.date().isoformat()}.csv", data, len(rows))

    async def answers(self, scope: Scope, actor_id: int) -> Export:
        now = self.clock()
        since = scope.filter.since(now)
        course = self.content.course
        rows = await self.store.media.question_rows(
            scope_args(scope), since.isoformat() if since else None, sorted(course.quiz_items))
        data = await self.worker.run(_questions_csv, rows, course)
        await self.store.media.audit_export(actor_id, "answers", scope.filter.pack(),
                                            len(rows), now.isoformat())
        return Export(f"answers-{now.date().isoformat()}.csv", data, len(rows))


def _write(header: tuple[str, ...], rows) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _share(part: float, whole: float) -> str:
    return f"{part / whole:.4f}" if whole else ""


def _officers_csv(rows: list[tuple[int, str]], with_ids: bool) -> bytes:
    """The lines SQLite wrote, each after the officer's pseudonym (or Telegram id)."""
    header = (("telegram_user_id", *OFFICER_COLUMNS[1:])) if with_ids else OFFICER_COLUMNS
    names = [r[0] for r in rows] if with_ids else pseudonyms(r[0] for r in rows)
    lines = "".join(f"{name},{rest}\r\n" for name, (_, rest) in zip(names, rows, strict=True))
    return (BOM + ",".join(header) + "\r\n" + lines).encode("utf-8")


def _questions_csv(rows: list[QuestionRow], course) -> bytes:
    def line(r: QuestionRow) -> tuple:
        item = course.quiz_item(r.item_id)
        option = None
        if item is not None and r.top_wrong is not None and 0 <= r.top_wrong < len(
                item.options):
            option = item.options[r.top_wrong]
        return (r.item_id, item.module_id if item else "", item.lesson_id if item else "",
                r.answered, r.wrong, _share(r.wrong, r.answered),
                r.top_wrong + 1 if option else "", option.text.source if option else "",
                r.top_wrong_times if option else "")
    return _write(QUESTION_COLUMNS, (line(r) for r in rows))
