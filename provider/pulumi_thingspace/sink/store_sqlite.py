"""The embedded store: one SQLite file, for a single sink replica."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import ledger_sqlite
from .ledger import ANY_ACCOUNT, LedgerView, ledger_lines
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
    connection guarded by a lock serves every thread; SQLite serialises writers anyway. Ledger queries
    use a second connection, so a large one never holds up acknowledging callbacks (WAL lets a reader
    and the writer run together).
    """

    def __init__(self, path: str | Path, *, clock: Callable[[], float] = time.time) -> None:
        """Open (creating if needed) the database file at ``path``."""
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA + ledger_sqlite.SCHEMA)
        self._read_lock = threading.Lock()
        self._reader: sqlite3.Connection | None = None
        self._closed = False

    def __repr__(self) -> str:
        return f"SQLiteStore({str(self.path)!r})"

    def add(
        self, request_id: str, callback_count: int, body: dict[str, Any], account: str = ANY_ACCOUNT
    ) -> bool:
        """Insert the body unless the same callback is stored already, and update the ledger with it,
        in one transaction (see CallbackStore.add)."""
        digest, text = callback_record(body)
        lines = ledger_lines(body)
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO callbacks (request_id, callback_count, digest, received_at, body) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (request_id, callback_count, digest, self._clock(), text),
                )
                added = cur.rowcount == 1
                if added and lines:
                    ledger_sqlite.record(self._db, account, request_id, lines)
                self._db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    self._db.execute("ROLLBACK")
                raise
            return added

    def ledger(self, account: str, keys: Sequence[str]) -> LedgerView:
        """The ledger's answer for ``keys`` (see CallbackStore.ledger)."""
        with self._read_lock:
            if self._closed:
                raise sqlite3.ProgrammingError("the store is closed")
            if self._reader is None:
                self._reader = sqlite3.connect(
                    str(self.path), check_same_thread=False, isolation_level=None, timeout=30
                )
            return ledger_sqlite.query(self._reader, account, keys)

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
        """Close the connections (idempotent)."""
        with self._read_lock:
            self._closed = True
            if self._reader is not None:
                self._reader.close()
        with self._lock:
            self._db.close()
