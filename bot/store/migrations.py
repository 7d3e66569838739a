"""Versioned schema migrations, applied in order at start-up (``PRAGMA user_version``).

Never edit a migration that has shipped: add a new one, ``(version, script)`` appended to
``MIGRATIONS``. Each runs in its own transaction with ``PRAGMA user_version`` set in it, so a
migration is applied whole or not at all (``Database.migrate`` in ``bot/store/db.py``).

**A migration that rebuilds a table** (any change ``ALTER TABLE`` cannot make: a constraint, a
column's type, dropping a column that a constraint uses) wraps its script in
``TableRebuild``, and follows SQLite's 12-step procedure
(https://www.sqlite.org/lang_altertable.html#otheralter)::

    (9, TableRebuild('''
    CREATE TABLE new_users (... the new definition ...);
    INSERT INTO new_users (user_id, ...) SELECT user_id, ... FROM users;
    DROP TABLE users;
    ALTER TABLE new_users RENAME TO users;
    CREATE INDEX ...;   -- the table's indexes, triggers and views, made again
    ''')),

The runner turns foreign keys off *before* the transaction (inside one the pragma is silently
ignored), runs the script, runs ``PRAGMA foreign_key_check`` and rolls everything back if any
row points nowhere, commits, and turns foreign keys back on. This is not a formality: with
foreign keys on, ``DROP TABLE users`` is an implicit ``DELETE FROM users``, and every
``ON DELETE CASCADE`` child (progress, quiz cards, reviews, reminders...) would be emptied.
Build the new table under a new name and rename it, never the other way round (renaming the
old table first would make the other tables' foreign keys follow it to the dropped table).
Do not put ``PRAGMA foreign_keys`` in a script: it would be ignored.

tests/test_migrations.py fills every table of each older schema with rows (generated from
``PRAGMA table_info``, so tables added later are covered without editing the test) and checks
that every row is still there after the upgrade to the latest version.
"""


class TableRebuild(str):
    """A migration script that rebuilds a table: applied with foreign keys off, checked with
    ``PRAGMA foreign_key_check`` before it commits (see the module's docstring)."""


MIGRATIONS: list[tuple[int, str]] = [
    (1, """
    CREATE TABLE users (
        user_id        INTEGER PRIMARY KEY,
        chat_id        INTEGER NOT NULL,
        locale         TEXT,
        country        TEXT,
        role           TEXT NOT NULL DEFAULT 'officer'
                       CHECK (role IN ('officer', 'trainer', 'admin')),
        start_payload  TEXT,
        active         INTEGER NOT NULL DEFAULT 1,
        privacy_seen_at TEXT,
        created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
        updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
    );
    """),
    (2, """
    CREATE TABLE lesson_progress (
        user_id      INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        lesson_id    TEXT NOT NULL,
        card         INTEGER NOT NULL DEFAULT 1,
        started_at   TEXT NOT NULL,
        updated_at   TEXT NOT NULL,
        completed_at TEXT,
        PRIMARY KEY (user_id, lesson_id)
    );
    CREATE INDEX lesson_progress_recent ON lesson_progress (user_id, updated_at);
    CREATE TABLE card_views (
        id         INTEGER PRIMARY KEY,
        user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        lesson_id  TEXT NOT NULL,
        card       INTEGER NOT NULL,
        viewed_at  TEXT NOT NULL
    );
    CREATE INDEX card_views_user ON card_views (user_id, viewed_at);
    """),
    (3, """
    CREATE TABLE quiz_cards (
        user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        item_id     TEXT NOT NULL,
        card_json   TEXT NOT NULL,
        due         TEXT NOT NULL,
        last_review TEXT,
        reviews     INTEGER NOT NULL DEFAULT 0,
        lapses      INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, item_id)
    );
    CREATE INDEX quiz_cards_due ON quiz_cards (user_id, due);
    CREATE TABLE review_log (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        item_id     TEXT NOT NULL,
        rating      INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL,
        reviewed_at TEXT NOT NULL,
        log_json    TEXT NOT NULL
    );
    CREATE INDEX review_log_user ON review_log (user_id, reviewed_at);
    CREATE TABLE quiz_sessions (
        id          INTEGER PRIMARY KEY,
        user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        kind        TEXT NOT NULL,
        items       TEXT NOT NULL,
        position    INTEGER NOT NULL DEFAULT 0,
        correct     INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE INDEX quiz_sessions_user ON quiz_sessions (user_id, id);
    CREATE TABLE quiz_presentations (
        id          INTEGER PRIMARY KEY,
        session_id  INTEGER NOT NULL REFERENCES quiz_sessions (id) ON DELETE CASCADE,
        user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        item_id     TEXT NOT NULL,
        option_order TEXT NOT NULL,
        nonce       TEXT NOT NULL,
        selected    TEXT NOT NULL DEFAULT '',
        shown_at    TEXT NOT NULL,
        answered_at TEXT,
        correct     INTEGER
    );
    CREATE TABLE reminders (
        user_id     INTEGER PRIMARY KEY REFERENCES users (user_id) ON DELETE CASCADE,
        enabled     INTEGER NOT NULL DEFAULT 1,
        local_time  TEXT NOT NULL,
        timezone    TEXT NOT NULL,
        next_at     TEXT NOT NULL,
        last_sent_at TEXT
    );
    CREATE INDEX reminders_next ON reminders (enabled, next_at);
    """),
    (4, """
    CREATE VIRTUAL TABLE search_index USING fts5 (
        title, keywords, body,
        kind UNINDEXED, item_id UNINDEXED, locale UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TABLE search_meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE emergency_overrides (
        country    TEXT NOT NULL,
        service    TEXT NOT NULL,
        number     TEXT NOT NULL,
        verified   INTEGER NOT NULL,
        updated_by INTEGER NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (country, service)
    );
    CREATE TABLE emergency_audit (
        id           INTEGER PRIMARY KEY,
        country      TEXT NOT NULL,
        service      TEXT NOT NULL,
        old_number   TEXT,
        old_verified INTEGER,
        new_number   TEXT NOT NULL,
        new_verified INTEGER NOT NULL,
        changed_by   INTEGER NOT NULL,
        changed_at   TEXT NOT NULL
    );
    CREATE INDEX emergency_audit_country ON emergency_audit (country, id);
    """),
    (5, """
    -- a question's showing in its round (asking, answering) and every foreign key a delete
    -- follows: deleting an officer or a round must not scan the table
    CREATE INDEX quiz_presentations_session ON quiz_presentations (session_id, item_id);
    CREATE INDEX quiz_presentations_user ON quiz_presentations (user_id);
    -- pruning old rounds (bot/store/housekeeping.py)
    CREATE INDEX quiz_sessions_created ON quiz_sessions (created_at);
    """),
    (6, """
    CREATE TABLE trainer_invites (
        code        TEXT PRIMARY KEY,
        created_by  INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        created_at  TEXT NOT NULL,
        expires_at  TEXT NOT NULL,
        used_by     INTEGER REFERENCES users (user_id) ON DELETE SET NULL,
        used_at     TEXT
    );
    CREATE INDEX trainer_invites_creator ON trainer_invites (created_by);
    CREATE INDEX trainer_invites_user ON trainer_invites (used_by);
    CREATE TABLE role_audit (
        id          INTEGER PRIMARY KEY,
        actor_id    INTEGER NOT NULL,
        subject_id  INTEGER NOT NULL,
        action      TEXT NOT NULL CHECK (action IN ('grant', 'revoke')),
        role        TEXT NOT NULL,
        via         TEXT NOT NULL CHECK (via IN ('invite', 'id')),
        at          TEXT NOT NULL
    );
    CREATE INDEX role_audit_subject ON role_audit (subject_id, id);
    CREATE TABLE cohorts (
        id          INTEGER PRIMARY KEY,
        trainer_id  INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        country     TEXT NOT NULL,
        starts_on   TEXT,
        invite_code TEXT NOT NULL UNIQUE,
        created_at  TEXT NOT NULL,
        closed_at   TEXT
    );
    CREATE INDEX cohorts_trainer ON cohorts (trainer_id, id);
    CREATE TABLE cohort_members (
        cohort_id   INTEGER NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
        user_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        joined_at   TEXT NOT NULL,
        PRIMARY KEY (cohort_id, user_id)
    );
    CREATE INDEX cohort_members_user ON cohort_members (user_id);
    CREATE INDEX users_country ON users (country);
    CREATE INDEX users_role ON users (role);
    CREATE INDEX users_locale ON users (locale);
    CREATE TABLE broadcasts (
        id            INTEGER PRIMARY KEY,
        sender_id     INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        status        TEXT NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'scheduled', 'queuing', 'sending', 'done',
                                         'cancelled')),
        audience      TEXT NOT NULL DEFAULT '{}',
        template      TEXT,
        params        TEXT NOT NULL DEFAULT '{}',
        body          TEXT,
        scheduled_at  TEXT,
        created_at    TEXT NOT NULL,
        started_at    TEXT,
        finished_at   TEXT,
        report_chat_id    INTEGER,
        report_message_id INTEGER,
        totals        TEXT
    );
    CREATE INDEX broadcasts_sender ON broadcasts (sender_id, id);
    CREATE INDEX broadcasts_status ON broadcasts (status, scheduled_at);
    CREATE TABLE outbox (
        id              INTEGER PRIMARY KEY,
        kind            TEXT NOT NULL,
        broadcast_id    INTEGER REFERENCES broadcasts (id) ON DELETE CASCADE,
        user_id         INTEGER REFERENCES users (user_id) ON DELETE CASCADE,
        chat_id         INTEGER NOT NULL,
        payload         TEXT NOT NULL DEFAULT '{}',
        state           TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'sending', 'sent', 'blocked', 'failed',
                                         'skipped', 'expired', 'cancelled')),
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        expires_at      TEXT,
        created_at      TEXT NOT NULL,
        done_at         TEXT,
        message_id      INTEGER,
        error           TEXT
    );
    CREATE INDEX outbox_ready ON outbox (next_attempt_at, id) WHERE state = 'pending';
    CREATE INDEX outbox_in_flight ON outbox (id) WHERE state = 'sending';
    CREATE UNIQUE INDEX outbox_broadcast ON outbox (broadcast_id, user_id);
    CREATE INDEX outbox_user ON outbox (user_id);
    CREATE INDEX outbox_done ON outbox (done_at) WHERE done_at IS NOT NULL;
    """),
    (7, """
    -- reports (issue 12): recall and answer counts per officer and question computed in SQL
    -- over 100,000 officers. The quiz store writes both columns with every answer.
    ALTER TABLE quiz_cards ADD COLUMN stability REAL;
    ALTER TABLE quiz_cards ADD COLUMN correct INTEGER NOT NULL DEFAULT 0;
    UPDATE quiz_cards SET stability = json_extract(card_json, '$.stability');
    UPDATE quiz_cards SET correct = t.ok FROM (
        SELECT user_id, item_id, SUM(correct) AS ok FROM review_log GROUP BY user_id, item_id
    ) AS t WHERE t.user_id = quiz_cards.user_id AND t.item_id = quiz_cards.item_id;
    -- a report reads each officer's cards and answers from an index alone, officer by
    -- officer for a cohort, a country or a language, question by question for everyone
    CREATE INDEX quiz_cards_report ON quiz_cards
        (user_id, item_id, last_review, stability, reviews, correct);
    CREATE INDEX quiz_cards_item ON quiz_cards (item_id, last_review, stability, reviews, correct);
    DROP INDEX review_log_user;
    CREATE INDEX review_log_user ON review_log (user_id, reviewed_at, item_id, correct);
    -- answers per UTC day and question, kept by triggers whatever writes the answer log (an
    -- answer, a class quiz, /forget's cascade): an admin's report over everyone reads a
    -- period's answers from here instead of a million rows of the log
    CREATE TABLE answer_days (
        day      TEXT NOT NULL,
        item_id  TEXT NOT NULL,
        answers  INTEGER NOT NULL DEFAULT 0,
        correct  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, item_id)
    ) WITHOUT ROWID;
    INSERT INTO answer_days (day, item_id, answers, correct)
        SELECT substr(reviewed_at, 1, 10), item_id, COUNT(*), SUM(correct) FROM review_log
        GROUP BY 1, 2;
    CREATE TRIGGER answer_days_add AFTER INSERT ON review_log BEGIN
        INSERT INTO answer_days (day, item_id, answers, correct)
        VALUES (substr(NEW.reviewed_at, 1, 10), NEW.item_id, 1, NEW.correct)
        ON CONFLICT (day, item_id) DO UPDATE SET answers = answers + 1,
            correct = correct + excluded.correct;
    END;
    CREATE TRIGGER answer_days_remove AFTER DELETE ON review_log BEGIN
        UPDATE answer_days SET answers = answers - 1, correct = correct - OLD.correct
        WHERE day = substr(OLD.reviewed_at, 1, 10) AND item_id = OLD.item_id;
    END;
    """),
    (8, """
    -- charts and exports (issue 12): who was active in which week (Monday, UTC), kept by
    -- triggers on the two activity tables so a weekly chart never scans millions of answers
    CREATE TABLE activity_weeks (
        week     TEXT NOT NULL,
        user_id  INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        PRIMARY KEY (week, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX activity_weeks_user ON activity_weeks (user_id);
    INSERT OR IGNORE INTO activity_weeks (week, user_id)
        SELECT DISTINCT date(reviewed_at, 'weekday 0', '-6 days'), user_id FROM review_log;
    INSERT OR IGNORE INTO activity_weeks (week, user_id)
        SELECT DISTINCT date(viewed_at, 'weekday 0', '-6 days'), user_id FROM card_views;
    CREATE TRIGGER activity_weeks_review AFTER INSERT ON review_log BEGIN
        INSERT OR IGNORE INTO activity_weeks (week, user_id)
        VALUES (date(NEW.reviewed_at, 'weekday 0', '-6 days'), NEW.user_id);
    END;
    CREATE TRIGGER activity_weeks_view AFTER INSERT ON card_views BEGIN
        INSERT OR IGNORE INTO activity_weeks (week, user_id)
        VALUES (date(NEW.viewed_at, 'weekday 0', '-6 days'), NEW.user_id);
    END;
    -- predicted recall per module, summed per (cohort, country, language) once a week;
    -- cohort_id 0 counts every officer once. Aggregates only: no officer's id
    CREATE TABLE recall_snapshots (
        taken_on   TEXT NOT NULL,
        cohort_id  INTEGER NOT NULL,
        country    TEXT NOT NULL,
        locale     TEXT NOT NULL,
        module_id  TEXT NOT NULL,
        recall_sum REAL NOT NULL,
        cards      INTEGER NOT NULL,
        PRIMARY KEY (taken_on, cohort_id, country, locale, module_id)
    );
    CREATE INDEX recall_snapshots_cohort ON recall_snapshots (cohort_id, taken_on);
    -- answers and wrong answers per officer and question, all time, kept by a trigger: an
    -- all-time export reads 1 row per card instead of every answer
    CREATE TABLE answer_totals (
        user_id   INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
        item_id   TEXT NOT NULL,
        answered  INTEGER NOT NULL,
        wrong     INTEGER NOT NULL,
        PRIMARY KEY (user_id, item_id)
    ) WITHOUT ROWID;
    INSERT INTO answer_totals (user_id, item_id, answered, wrong)
        SELECT user_id, item_id, COUNT(*), SUM(1 - correct) FROM review_log
        GROUP BY user_id, item_id;
    CREATE TRIGGER answer_totals_review AFTER INSERT ON review_log BEGIN
        INSERT INTO answer_totals (user_id, item_id, answered, wrong)
        VALUES (NEW.user_id, NEW.item_id, 1, 1 - NEW.correct)
        ON CONFLICT (user_id, item_id) DO UPDATE SET answered = answered + 1,
            wrong = wrong + excluded.wrong;
    END;
    -- a period's answers per question without reading the answers' rows; the wrong options
    -- chosen (wrong answers only). (Predicted recall reads migration 7's stability column.)
    CREATE INDEX review_log_items ON review_log (item_id, reviewed_at, user_id, correct);
    CREATE INDEX quiz_presentations_wrong
        ON quiz_presentations (item_id, answered_at, user_id, selected, option_order)
        WHERE correct = 0;
    -- every export (kind officers_ids: with Telegram ids): who asked, when, for what
    CREATE TABLE export_audit (
        id        INTEGER PRIMARY KEY,
        actor_id  INTEGER NOT NULL,
        kind      TEXT NOT NULL,
        filter    TEXT NOT NULL,
        rows      INTEGER NOT NULL,
        at        TEXT NOT NULL
    );
    CREATE INDEX export_audit_actor ON export_audit (actor_id, id);
    """),
    (9, """
    -- issue 14: a cohort's class group, class quizzes (native quiz polls) and their answers
    CREATE TABLE class_groups (
        chat_id       INTEGER PRIMARY KEY,
        cohort_id     INTEGER REFERENCES cohorts (id) ON DELETE SET NULL,
        locale        TEXT NOT NULL,
        requested_by  INTEGER REFERENCES users (user_id) ON DELETE CASCADE,
        requested_at  TEXT NOT NULL,
        linked_at     TEXT
    );
    CREATE UNIQUE INDEX class_groups_cohort ON class_groups (cohort_id);
    CREATE INDEX class_groups_requested_by ON class_groups (requested_by);
    CREATE TABLE class_quizzes (
        id            INTEGER PRIMARY KEY,
        chat_id       INTEGER NOT NULL,
        cohort_id     INTEGER REFERENCES cohorts (id) ON DELETE SET NULL,
        trainer_id    INTEGER REFERENCES users (user_id) ON DELETE CASCADE,
        module_id     TEXT NOT NULL,
        locale        TEXT NOT NULL,
        items         TEXT NOT NULL,
        open_period   INTEGER NOT NULL,
        started_at    TEXT NOT NULL,
        finished_at   TEXT,
        outcome       TEXT,
        refresher_at  TEXT
    );
    CREATE INDEX class_quizzes_running ON class_quizzes (id) WHERE finished_at IS NULL;
    CREATE INDEX class_quizzes_chat ON class_quizzes (chat_id, id);
    CREATE INDEX class_quizzes_cohort ON class_quizzes (cohort_id);
    CREATE INDEX class_quizzes_trainer ON class_quizzes (trainer_id, finished_at);
    CREATE TABLE class_polls (
        id            INTEGER PRIMARY KEY,
        quiz_id       INTEGER NOT NULL REFERENCES class_quizzes (id) ON DELETE CASCADE,
        position      INTEGER NOT NULL,
        item_id       TEXT NOT NULL,
        option_order  TEXT NOT NULL,
        correct       INTEGER NOT NULL,
        outbox_id     INTEGER,
        queued_at     TEXT,
        poll_id       TEXT,
        message_id    INTEGER,
        sent_at       TEXT,
        closes_at     TEXT,
        UNIQUE (quiz_id, position)
    );
    CREATE UNIQUE INDEX class_polls_poll ON class_polls (poll_id) WHERE poll_id IS NOT NULL;
    CREATE TABLE class_answers (
        poll_ref      INTEGER NOT NULL REFERENCES class_polls (id) ON DELETE CASCADE,
        voter         INTEGER NOT NULL,
        user_id       INTEGER REFERENCES users (user_id) ON DELETE CASCADE,
        option        INTEGER NOT NULL,
        correct       INTEGER NOT NULL,
        counted       INTEGER NOT NULL DEFAULT 0,
        answered_at   TEXT NOT NULL,
        PRIMARY KEY (poll_ref, voter)
    );
    CREATE INDEX class_answers_user ON class_answers (user_id);
    """),
]
