"""Writing the offline demo's sample officers (``bot/demo_sample.py``) in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

#: table: the INSERT of one row of it, in the order rows are written (parents first)
INSERTS = {
    "users": "INSERT INTO users (user_id, chat_id, locale, country, role, privacy_seen_at, "
             "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "cohorts": "INSERT INTO cohorts (trainer_id, name, country, starts_on, invite_code, "
               "created_at) VALUES (?, ?, ?, ?, ?, ?)",
    "lesson_progress": "INSERT INTO lesson_progress (user_id, lesson_id, card, started_at, "
                       "updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?)",
    "card_views": "INSERT INTO card_views (user_id, lesson_id, card, viewed_at) "
                  "VALUES (?, ?, ?, ?)",
    "quiz_cards": "INSERT INTO quiz_cards (user_id, item_id, card_json, due, last_review, "
                  "reviews, lapses, stability, correct) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "review_log": "INSERT INTO review_log (user_id, item_id, rating, correct, duration_ms, "
                  "reviewed_at, log_json) VALUES (?, ?, ?, ?, ?, ?, ?)",
    "reminders": "INSERT INTO reminders (user_id, enabled, local_time, timezone, next_at) "
                 "VALUES (?, ?, ?, ?, ?)",
}


def has_user(conn: sqlite3.Connection, user_id: int) -> bool:
    return conn.execute("SELECT 1 FROM users WHERE user_id = ?", (user_id,)).fetchone() \
        is not None


def write_sample(conn: sqlite3.Connection, rows: dict[str, Sequence[tuple]],
                 members: Sequence[tuple[str, int, str]]) -> int:
    """Insert the rows (inside ``Database.write``); ``members`` are (invite code, officer,
    joined at): the cohorts' ids are SQLite's. Returns how many users were written."""
    for table, sql in INSERTS.items():
        conn.executemany(sql, rows.get(table, ()))
    conn.executemany("INSERT INTO cohort_members (cohort_id, user_id, joined_at) SELECT id, ?, ? "
                     "FROM cohorts WHERE invite_code = ?",
                     [(user, joined, code) for code, user, joined in members])
    return len(rows.get("users", ()))
