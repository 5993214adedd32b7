"""Open a callback store by name: the factory over the ``store.CallbackStore`` implementations.

It lives apart from ``store.py`` because it imports ``store_sqlite`` and ``store_postgres``, which
import ``store.py`` for the interface: keeping the factory there made an import circle.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from .dsn import describe, is_postgres_url
from .store import CallbackStore, StoreUnavailable
from .store_sqlite import SQLiteStore


def open_store(
    target: str | Path, *, timeout: float = 5.0, clock: Callable[[], float] = time.time
) -> CallbackStore:
    """Open the store named by ``target``: a ``postgresql://`` URL or a SQLite file path.

    ``timeout`` bounds how long PostgreSQL operations wait for a connection. Raises StoreUnavailable
    (with the password masked) when the store cannot be opened.
    """
    if isinstance(target, str) and is_postgres_url(target):
        try:  # psycopg is an optional extra: import it only when asked for PostgreSQL
            from .store_postgres import PostgresStore
        except ModuleNotFoundError as exc:
            raise StoreUnavailable(
                f"PostgreSQL storage needs {exc.name}: pip install 'pulumi-thingspace[postgres]'"
            ) from None
        return PostgresStore(target, timeout=timeout, clock=clock)
    try:
        return SQLiteStore(target, clock=clock)
    except sqlite3.Error as exc:
        raise StoreUnavailable(f"cannot open SQLite database {describe(target)}: {exc}") from None
