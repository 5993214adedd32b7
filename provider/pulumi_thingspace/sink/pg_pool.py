"""The PostgreSQL store's connection pool: it fails fast while the database is known to be down.

A plain pool makes every caller wait its whole timeout (``--db-timeout``, 5 s) during an outage, so a
load balancer whose health check gives up sooner sees timeouts instead of 503s. This pool keeps a
``Breaker``: a failed connection attempt, a failed connection check or a connection broken mid-query
opens it; any connection that works closes it. While it is open, callers get ``PoolTimeout`` at once
for ``FAIL_FAST_SECONDS``, then one wait of at most ``PROBE_SECONDS`` (which also asks the pool for a
new connection), and so on; the pool keeps reconnecting in the background meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

FAIL_FAST_SECONDS = 1.0
"""After a connection failure, callers fail at once for this long (unless a connection works)."""

PROBE_SECONDS = 0.25
"""The longest wait for a pooled connection while the database is known to be down."""

Connection = psycopg.Connection[Any]


class Breaker:
    """Whether the database is known to be down: opened by a connection failure, closed by a success."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        """A closed breaker; ``clock`` is a monotonic clock in seconds."""
        self._clock = clock
        self._lock = threading.Lock()
        self._failed_at: float | None = None

    @property
    def down(self) -> bool:
        """True from a connection failure until a connection works again."""
        return self._failed_at is not None

    def failing_fast(self) -> bool:
        """True within ``FAIL_FAST_SECONDS`` of the last failure seen while down: callers need not wait."""
        failed_at = self._failed_at
        return failed_at is not None and self._clock() - failed_at < FAIL_FAST_SECONDS

    def failed(self) -> None:
        """Record a connection failure (opens the breaker, or keeps it open for another period)."""
        with self._lock:
            self._failed_at = self._clock()

    def recovered(self) -> None:
        """Record a working connection (closes the breaker)."""
        with self._lock:
            self._failed_at = None


def watched_connection_class(breaker: Breaker) -> type[Connection]:
    """A connection class whose ``connect`` tells ``breaker`` whether the database answered."""

    class WatchedConnection(psycopg.Connection[Any]):
        @classmethod
        def connect(cls, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            try:
                conn = super().connect(*args, **kwargs)
            except psycopg.OperationalError:
                breaker.failed()
                raise
            breaker.recovered()
            return conn

    return WatchedConnection


class FailFastPool(ConnectionPool[Connection]):
    """A ``ConnectionPool`` that answers ``PoolTimeout`` at once while its ``breaker`` says the database
    is down, instead of letting every caller wait the full timeout.

    Every ``ConnectionPool`` argument is accepted; ``check`` defaults to ``check_connection`` and
    ``connection_class`` is replaced by one that reports to the breaker.
    """

    def __init__(self, conninfo: str, *, breaker: Breaker | None = None, **kwargs: Any) -> None:
        """Create the pool (``open=False`` to open it later, as ``ConnectionPool`` does)."""
        self.breaker = breaker or Breaker()
        check: Callable[[Connection], None] = kwargs.pop("check", None) or ConnectionPool.check_connection

        def watched_check(conn: Connection) -> None:
            try:
                check(conn)
            except Exception:
                self.breaker.failed()
                raise

        kwargs.pop("connection_class", None)
        super().__init__(
            conninfo, connection_class=watched_connection_class(self.breaker), check=watched_check, **kwargs
        )

    def getconn(self, timeout: float | None = None) -> Connection:
        """A checked connection within ``timeout`` (default: the pool's), or at once PoolTimeout while
        the database is known to be down."""
        if self.breaker.failing_fast():
            raise PoolTimeout("the database is unreachable; not waiting for a connection")
        start = time.monotonic()
        deadline = start + (self.timeout if timeout is None else timeout)
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PoolTimeout(f"couldn't get a connection after {time.monotonic() - start:.2f} sec")
            try:
                # Waiting in short steps notices within one step that the database went away.
                conn = super().getconn(timeout=min(remaining, PROBE_SECONDS))
            except PoolTimeout:
                if self.breaker.down:
                    self.breaker.failed()  # still down: callers fail at once for another period
                    raise PoolTimeout(
                        f"the database is unreachable; gave up after {time.monotonic() - start:.2f} sec"
                    ) from None
                continue
            self.breaker.recovered()
            return conn

    def putconn(self, conn: Connection) -> None:
        """Return ``conn``; one broken mid-query tells the breaker the database went away."""
        if conn.broken:
            self.breaker.failed()
        super().putconn(conn)
