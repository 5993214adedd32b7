"""The two stores the sink suite runs against: a SQLite file and a PostgreSQL database."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

from pulumi_thingspace.sink import CallbackStore, open_store


@dataclass(frozen=True)
class Backend:
    """One empty store location: ``target`` is what ``--db`` takes (a file path or a URL)."""

    name: str
    target: Path | str

    def open(self, clock: Callable[[], float] = time.time) -> CallbackStore:
        """A store on this location (the caller closes it)."""
        return open_store(self.target, clock=clock)

    def _query(self, sql: str) -> list[tuple[object, ...]]:
        if isinstance(self.target, Path):
            with sqlite3.connect(self.target) as db:
                return list(db.execute(sql).fetchall())
        with psycopg.connect(self.target) as conn:
            return list(conn.execute(sql).fetchall())  # type: ignore[arg-type]

    def rows(self) -> int:
        """How many callback records are stored."""
        return int(str(self._query("SELECT COUNT(*) FROM callbacks")[0][0]))

    def duplicated_keys(self) -> list[tuple[object, ...]]:
        """(request id, callbackCount, digest) stored more than once: always empty for a correct store."""
        return self._query(
            "SELECT request_id, callback_count, digest FROM callbacks "
            "GROUP BY request_id, callback_count, digest HAVING COUNT(*) > 1"
        )

    def stored_text(self) -> bytes:
        """Everything the store holds, as bytes (the file and its WAL, or every column of every row)."""
        if isinstance(self.target, Path):
            return b"".join(p.read_bytes() for p in self.target.parent.glob(self.target.name + "*"))
        rows = self._query("SELECT request_id, callback_count, digest, received_at, body FROM callbacks")
        return "\n".join(" ".join(str(v) for v in row) for row in rows).encode()
