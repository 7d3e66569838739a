"""Versioned schema migrations, applied in order at start-up (``PRAGMA user_version``).

Never edit a migration that has shipped: add a new one.
"""

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
]
