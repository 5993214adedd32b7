"""The shared store: one PostgreSQL database behind any number of sink replicas (psycopg 3 + pool).

The sink creates and migrates its schema on start, under a transaction-scoped advisory lock so replicas
starting together take turns; every migration step runs once, recorded in ``sink_schema_version``.
Connections come from a pool that checks each one before use and reconnects in the background after
the database went away, so the sink recovers without a restart.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from .dsn import mask_password, scrub
from .store import CallbackStore, StoreUnavailable, callback_record

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE callbacks (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            request_id TEXT NOT NULL,
            callback_count BIGINT NOT NULL,
            digest TEXT NOT NULL,
            received_at DOUBLE PRECISION NOT NULL,
            body TEXT NOT NULL,
            CONSTRAINT callbacks_natural_key UNIQUE (request_id, callback_count, digest)
        )""",
        "CREATE INDEX callbacks_received_at ON callbacks (received_at)",
    ),
)
"""Schema steps in order; step N (1-based) is applied when the recorded version is below N."""

SCHEMA_VERSION = len(MIGRATIONS)

MIGRATION_LOCK = 0x7473_5F73_696E_6B  # any constant shared by every replica ("ts_sink")

RECONNECT_SECONDS = 10.0
"""A background reconnection gives up after this long; the next request starts a fresh one."""


class PostgresStore(CallbackStore):
    """Callbacks in PostgreSQL; ``add`` returns only after its transaction committed.

    Body text is stored as sent (``TEXT``, not ``jsonb``, to keep key order). ``timeout`` bounds how long
    a call waits for a connection: while the database is unreachable calls fail after that long, which
    the sink turns into 503 so ThingSpace sends the callback again.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 5.0,
        clock: Callable[[], float] = time.time,
        max_connections: int = 10,
    ) -> None:
        """Connect, create or migrate the schema, and open the pool; StoreUnavailable when that fails."""
        self.label = mask_password(url)
        self._url = url
        self._clock = clock
        extra: dict[str, Any] = {}
        if "connect_timeout" not in conninfo_to_dict(url):
            extra["connect_timeout"] = max(2, math.ceil(timeout))  # libpq's minimum is 2 s
        try:
            self.schema_version = self._migrate(extra)
        except psycopg.Error as exc:
            raise StoreUnavailable(f"cannot use PostgreSQL at {self.label}: {scrub(str(exc), url)}") from None
        # Autocommit: each statement is its own transaction, committed before execute() returns.
        self._pool = ConnectionPool(
            url,
            kwargs={**extra, "autocommit": True},
            min_size=1,
            max_size=max_connections,
            timeout=timeout,
            reconnect_timeout=RECONNECT_SECONDS,
            check=ConnectionPool.check_connection,
            name="thingspace-sink",
            open=False,
        )
        self._pool.open()

    def __repr__(self) -> str:
        return f"PostgresStore({self.label!r})"

    def _migrate(self, extra: dict[str, Any]) -> int:
        with psycopg.connect(self._url, **extra) as conn:  # one transaction, committed on exit
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS sink_schema_version (version INTEGER PRIMARY KEY)")
            row = conn.execute("SELECT coalesce(max(version), 0) FROM sink_schema_version").fetchone()
            current = int(row[0]) if row else 0
            if current > SCHEMA_VERSION:
                raise StoreUnavailable(
                    f"the database at {self.label} has schema version {current}; "
                    f"this sink knows versions up to {SCHEMA_VERSION}: upgrade the sink"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version - 1]:
                    conn.execute(statement)  # type: ignore[arg-type]  # constant SQL
                conn.execute("INSERT INTO sink_schema_version (version) VALUES (%s)", (version,))
        return SCHEMA_VERSION

    def add(self, request_id: str, callback_count: int, body: dict[str, Any]) -> bool:
        """Insert the body unless the same callback is stored already, by any replica."""
        digest, text = callback_record(body)
        with self._pool.connection() as conn:
            cur = conn.execute(  # committed when it returns: autocommit
                "INSERT INTO callbacks (request_id, callback_count, digest, received_at, body) "
                "VALUES (%s, %s, %s, %s, %s) "
                "ON CONFLICT ON CONSTRAINT callbacks_natural_key DO NOTHING",
                (request_id, callback_count, digest, self._clock(), text),
            )
            return cur.rowcount == 1

    def get(self, request_id: str) -> list[dict[str, Any]]:
        """Every stored body for ``request_id`` in arrival order, whichever replica received it."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT body FROM callbacks WHERE request_id = %s ORDER BY id", (request_id,)
            ).fetchall()
        return [json.loads(row[0]) for row in rows]

    def purge(self, older_than_seconds: float) -> int:
        """Delete records older than ``older_than_seconds``."""
        cutoff = self._clock() - older_than_seconds
        with self._pool.connection() as conn:
            return conn.execute("DELETE FROM callbacks WHERE received_at < %s", (cutoff,)).rowcount

    def ping(self) -> None:
        """Run a trivial query through the pool so an unreachable database shows in health checks."""
        with self._pool.connection() as conn:
            conn.execute("SELECT 1")

    def close(self) -> None:
        """Close the pool and its connections (idempotent)."""
        self._pool.close()
