"""The embedded store: one SQLite file, for a single sink replica."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .store import CallbackStore, callback_record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS callbacks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    request_id TEXT NOT NULL,
    callback_count INTEGER NOT NULL,
    digest TEXT NOT NULL,
    received_at REAL NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (request_id, callback_count, digest)
);
CREATE INDEX IF NOT EXISTS callbacks_received_at ON callbacks (received_at);
"""


class SQLiteStore(CallbackStore):
    """A single-file SQLite store in WAL mode with ``synchronous=FULL``.

    A write that ``add`` acknowledged is on disk, so it survives the process being killed. One
    connection guarded by a lock serves every thread; SQLite serialises writers anyway.
    """

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        """Open (creating if needed) the database file at ``path``."""
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def add(self, request_id: str, callback_count: int, body: dict[str, Any]) -> bool:
        """Insert the body unless the same callback is stored already (see CallbackStore.add)."""
        digest, text = callback_record(body)
        with self._lock:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO callbacks (request_id, callback_count, digest, received_at, body) "
                "VALUES (?, ?, ?, ?, ?)",
                (request_id, callback_count, digest, self._clock(), text),
            )
            return cur.rowcount == 1

    def get(self, request_id: str) -> list[dict[str, Any]]:
        """Every stored body for ``request_id`` in arrival order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT body FROM callbacks WHERE request_id = ? ORDER BY id", (request_id,)
            ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def purge(self, older_than_seconds: float) -> int:
        """Delete records older than ``older_than_seconds``."""
        cutoff = self._clock() - older_than_seconds
        with self._lock:
            cur = self._db.execute("DELETE FROM callbacks WHERE received_at < ?", (cutoff,))
            return cur.rowcount

    def ping(self) -> None:
        """Run a trivial query so a broken database shows up in health checks."""
        with self._lock:
            self._db.execute("SELECT 1").fetchone()

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            self._db.close()
