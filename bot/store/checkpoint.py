"""WAL checkpoints off the database thread.

SQLite's automatic checkpoint runs inside whichever COMMIT grows the write-ahead log past
1,000 pages, on the one connection every officer's reads and writes queue on, and it ends
with an fsync of the database file: on a large database and a slow disk that held every
officer up for up to a second (bench/bench_scale.py). Here the bot's connection checkpoints
only as a backstop (``BACKSTOP_PAGES``), and a separate connection in a worker thread runs
PASSIVE checkpoints, which never wait for readers or writers, whenever the log has grown past
``CHECKPOINT_BYTES``. The log is checked every ``INTERVAL_S`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

INTERVAL_S = 1.0
CHECKPOINT_BYTES = 16 * 1024 * 1024  # 4x SQLite's own threshold: fewer, larger checkpoints
#: The bot connection's own automatic checkpoint, should this one ever stop (80 MiB).
BACKSTOP_PAGES = 20_000


class Checkpointer:
    def __init__(self, path: Path, *, interval_s: float = INTERVAL_S,
                 threshold: int = CHECKPOINT_BYTES):
        self.path = Path(path)
        self.wal = Path(f"{self.path}-wal")
        self.interval_s, self.threshold = interval_s, threshold
        self.runs = 0
        self._task: asyncio.Task | None = None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()  # one checkpoint at a time on this connection

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(),
                                                                name="wal-checkpoint")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval_s)
            try:
                if self.wal.exists() and self.wal.stat().st_size >= self.threshold:
                    await asyncio.to_thread(self.checkpoint)
            except (OSError, sqlite3.Error) as exc:  # try again at the next interval
                log.warning("WAL checkpoint failed: %s", exc)

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint (blocking: call it in a worker thread). Returns SQLite's
        (busy, frames in the log, frames checkpointed)."""
        with self._lock:
            if self._conn is None:
                self._conn = sqlite3.connect(self.path, check_same_thread=False,
                                             isolation_level=None)
            row = self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            self.runs += 1
            return tuple(row)  # type: ignore[return-value]
