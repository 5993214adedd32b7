"""The shared store: one PostgreSQL database behind any number of sink replicas (psycopg 3 + pool).

The sink creates and migrates its schema on start, under a transaction-scoped advisory lock so replicas
starting together take turns; every migration step runs once, recorded in ``sink_schema_version``.
Connections come from a pool that checks each one before use and reconnects in the background after
the database went away, so the sink recovers without a restart; while the database is known to be
down, callers fail at once instead of waiting (``pg_pool.FailFastPool``).
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from . import ledger_postgres
from .dsn import mask_password, passwords, scrub
from .ledger import ANY_ACCOUNT, LedgerView, ledger_lines
from .logs import hide_in_logs
from .pg_pool import FailFastPool
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
    ledger_postgres.MIGRATION,
)
"""Schema steps in order; step N (1-based) is applied when the recorded version is below N."""

SCHEMA_VERSION = len(MIGRATIONS)

MIGRATION_LOCK = 0x7473_5F73_696E_6B  # any constant shared by every replica ("ts_sink")

MIGRATION_LOCK_SECONDS = 60.0
"""How long a starting replica waits for another one's migration (the advisory lock) before giving up."""

LOCK_POLL_SECONDS = 0.1

RECONNECT_SECONDS = 10.0
"""A background reconnection gives up after this long; the next request starts a fresh one."""

HEALTH_CHECK_SECONDS = 0.5
"""``ping`` (``/healthz``) waits at most this long for a connection, so health checks answer quickly."""


def take_migration_lock(conn: psycopg.Connection[Any], seconds: float, label: str) -> None:
    """Take the migration advisory lock for ``conn``'s transaction, waiting at most ``seconds``.

    Raises StoreUnavailable naming the lock when another session holds it longer. The migration
    statements that follow wait no longer than ``seconds`` for table locks either (``lock_timeout``).
    """
    deadline = time.monotonic() + seconds
    while True:
        row = conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (MIGRATION_LOCK,)).fetchone()
        if row and row[0]:
            break
        if time.monotonic() >= deadline:
            raise StoreUnavailable(
                f"cannot migrate the schema at {label}: the sink's migration lock "
                f"(advisory lock {MIGRATION_LOCK}) has been held by another session for over {seconds:g} s; "
                "another sink may be migrating, or a session holding the lock is stuck (see pg_locks)"
            )
        time.sleep(min(LOCK_POLL_SECONDS, max(0.0, deadline - time.monotonic())))
    conn.execute("SELECT set_config('lock_timeout', %s, true)", (f"{max(1, round(seconds * 1000))}ms",))


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
        migration_lock_timeout: float = MIGRATION_LOCK_SECONDS,
    ) -> None:
        """Connect, create or migrate the schema, and open the pool; StoreUnavailable when that fails.

        ``migration_lock_timeout`` bounds the wait for another replica's migration. The URL's password is
        masked in every log record from then on (``logs.hide_in_logs``), the pool's and psycopg's too.
        """
        hide_in_logs(*passwords(url))
        self.label = mask_password(url)
        self._migration_lock_timeout = migration_lock_timeout
        self._timeout = timeout
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
        self._pool = FailFastPool(
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
            take_migration_lock(conn, self._migration_lock_timeout, self.label)
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

    def add(
        self, request_id: str, callback_count: int, body: dict[str, Any], account: str = ANY_ACCOUNT
    ) -> bool:
        """Insert the body unless the same callback is stored already, by any replica.

        A callback with label lines is inserted and applied to the ledger by one statement (one round
        trip, one transaction); see ``ledger_postgres.ADD_WITH_LEDGER``.
        """
        digest, text = callback_record(body)
        lines = ledger_lines(body)
        if lines:
            params = ledger_postgres.add_params(
                request_id, callback_count, digest, self._clock(), text, account, lines
            )
            with self._pool.connection() as conn:
                row = conn.execute(ledger_postgres.ADD_WITH_LEDGER, params).fetchone()  # autocommit
            return bool(row and row[0])
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

    def ledger(self, account: str, keys: Sequence[str]) -> LedgerView:
        """The ledger's answer for ``keys``, whichever replica stored the callbacks (one round trip)."""
        with self._pool.connection() as conn:
            return ledger_postgres.query(conn, account, keys)

    def purge(self, older_than_seconds: float) -> int:
        """Delete records older than ``older_than_seconds``."""
        cutoff = self._clock() - older_than_seconds
        with self._pool.connection() as conn:
            return conn.execute("DELETE FROM callbacks WHERE received_at < %s", (cutoff,)).rowcount

    def ping(self) -> None:
        """Run a trivial query through the pool so an unreachable database shows in health checks.

        It waits at most ``HEALTH_CHECK_SECONDS`` for a connection, and not at all while the pool knows
        the database is down.
        """
        with self._pool.connection(timeout=min(self._timeout, HEALTH_CHECK_SECONDS)) as conn:
            conn.execute("SELECT 1")

    def close(self) -> None:
        """Close the pool and its connections (idempotent)."""
        self._pool.close()
