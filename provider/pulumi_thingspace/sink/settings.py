"""Sink settings: each from a command-line option or a ``THINGSPACE_SINK_*`` environment variable."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .dsn import describe, is_postgres_url

ENV_PREFIX = "THINGSPACE_SINK_"

RESERVED_PATHS = ("/requests", "/healthz", "/ledger")

# settings field -> (command-line option, environment variable suffix)
SOURCES: dict[str, tuple[str, str]] = {
    "host": ("--host", "HOST"),
    "port": ("--port", "PORT"),
    "db_path": ("--db", "DB"),
    "db_timeout": ("--db-timeout", "DB_TIMEOUT"),
    "callback_username": ("--callback-username", "CALLBACK_USERNAME"),
    "callback_password": ("--callback-password", "CALLBACK_PASSWORD"),
    "read_token": ("--read-token", "READ_TOKEN"),
    "retention_days": ("--retention-days", "RETENTION_DAYS"),
    "callback_path": ("--callback-path", "CALLBACK_PATH"),
}


def env_name(name: str) -> str:
    """The environment variable that sets the settings field ``name``."""
    return ENV_PREFIX + SOURCES[name][1]


@dataclass(frozen=True)
class SinkSettings:
    """Everything the sink needs; the two secrets and the read token are hidden from ``repr``.

    ``callback_username``/``callback_password`` are the credentials registered with the CarrierService
    listener (ThingSpace echoes them inside each callback body); ``read_token`` is the bearer token the
    provider presents to read results. ``database_url`` (a ``postgresql://`` URL, which may carry a
    password) replaces the SQLite file ``db_path`` when set; ``db_timeout`` bounds the wait for a
    PostgreSQL connection before a request fails with 503.
    """

    callback_username: str
    callback_password: str = field(repr=False)
    read_token: str = field(repr=False)
    db_path: Path = Path("thingspace-callbacks.db")
    database_url: str | None = field(default=None, repr=False)
    db_timeout: float = 5.0
    host: str = "127.0.0.1"
    port: int = 8651
    retention_days: float = 30.0
    callback_path: str = "/callbacks"
    purge_interval_seconds: float = 3600.0

    def __post_init__(self) -> None:
        for name in ("callback_username", "callback_password", "read_token"):
            if not getattr(self, name):
                option, _ = SOURCES[name]
                raise ValueError(f"{option} (or {env_name(name)}) must be set and non-empty")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port {self.port} is outside 0-65535")
        if self.database_url is not None and not is_postgres_url(self.database_url):
            raise ValueError("the database URL must start with postgresql:// or postgres://")
        if not self.db_timeout > 0:
            raise ValueError("the database timeout must be greater than 0")
        if not self.retention_days > 0:
            raise ValueError("retention days must be greater than 0")
        path = self.callback_path
        if not path.startswith("/") or path.rstrip("/") in ("", *RESERVED_PATHS):
            raise ValueError(f"callback path {path!r} must start with '/' and not be one of {RESERVED_PATHS}")

    @property
    def database(self) -> str | Path:
        """Where callbacks are stored: the PostgreSQL URL when set, otherwise the SQLite file."""
        return self.database_url or self.db_path

    @property
    def database_label(self) -> str:
        """``database`` fit for logs: the URL with its password masked, or the file path."""
        return describe(self.database)

    @property
    def retention_seconds(self) -> float:
        """The retention period in seconds."""
        return self.retention_days * 86400.0

    @classmethod
    def from_sources(
        cls, options: Mapping[str, Any], environ: Mapping[str, str] | None = None
    ) -> SinkSettings:
        """Build settings from ``options`` (None = not given), then the environment, then defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in SOURCES:
            value = options.get(name)
            if value is None:
                value = env.get(env_name(name)) or None
            if value is None:
                continue
            if name == "db_path" and is_postgres_url(str(value)):
                values["database_url"] = str(value)
            else:
                values[name] = _convert(name, value)
        for name in ("callback_username", "callback_password", "read_token"):
            values.setdefault(name, "")
        return cls(**values)


def _convert(name: str, value: Any) -> Any:
    option, _ = SOURCES[name]
    try:
        if name == "port":
            return int(value)
        if name in ("retention_days", "db_timeout"):
            return float(value)
    except ValueError:
        raise ValueError(f"{option} (or {env_name(name)}) must be a number") from None
    if name == "db_path":
        return Path(value)
    return str(value)
