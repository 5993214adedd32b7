"""JSON-lines logging for the sink: one object per line, never a callback body or a secret."""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import datetime, timezone
from typing import Any, TextIO

from .dsn import MASK

logger = logging.getLogger("pulumi_thingspace.sink")

SCRUBBED_LOGGERS = (
    "pulumi_thingspace.sink",
    "psycopg",
    "psycopg.pool",
    "psycopg.pq",
    "psycopg.debug",
    "psycopg.transaction",
    "psycopg.waiting",
    "psycopg_pool.sched",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
)
"""Loggers whose records are scrubbed wherever they go (a filter on a logger misses its children)."""


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object; ``extra={"fields": {...}}`` adds structured fields."""

    def format(self, record: logging.LogRecord) -> str:
        """Return the record as a single JSON line."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=timezone.utc).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        elif record.exc_text:  # a traceback SecretsFilter already formatted and scrubbed
            entry["error"] = record.exc_text
        return json.dumps(entry, default=str)


class SecretsFilter(logging.Filter):
    """Replace every registered secret with ``***`` in a record's message and arguments, its structured
    ``fields`` and its traceback, whichever logger made it. It never drops a record."""

    def __init__(self) -> None:
        """A filter with no secrets yet (``add`` registers them)."""
        super().__init__()
        self._lock = threading.Lock()
        self._secrets: tuple[str, ...] = ()

    def add(self, *secrets: str) -> None:
        """Mask ``secrets`` (empty strings are ignored) from now on; longest first."""
        with self._lock:
            merged = set(self._secrets) | {s for s in secrets if s}
            self._secrets = tuple(sorted(merged, key=len, reverse=True))

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text

    def _scrub_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._scrub(value)
        if value is None or isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, (list, tuple)):
            return [self._scrub_value(v) for v in value]
        if isinstance(value, dict):
            return {k: self._scrub_value(v) for k, v in value.items()}
        return self._scrub(str(value))

    def filter(self, record: logging.LogRecord) -> bool:
        """Scrub ``record`` in place; always True."""
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed format string: keep what there is, as text
            message = f"{record.msg} {record.args}"
        clean = self._scrub(message)
        if clean != message:
            record.msg, record.args = clean, None
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            record.fields = self._scrub_value(fields)
        if record.exc_info:
            text = logging.Formatter().formatException(record.exc_info)
            if self._scrub(text) != text:
                record.exc_info, record.exc_text = None, self._scrub(text)
        elif record.exc_text:
            record.exc_text = self._scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self._scrub(record.stack_info)
        return True


SECRETS = SecretsFilter()
"""The process-wide filter: on every logger in SCRUBBED_LOGGERS once a secret is registered, and on the
handler ``configure_logging`` installs (which sees every logger's records)."""


def hide_in_logs(*secrets: str) -> None:
    """Mask ``secrets`` (a database password in each spelling, say) in every later log record."""
    SECRETS.add(*secrets)
    for name in SCRUBBED_LOGGERS:
        scrubbed = logging.getLogger(name)
        if SECRETS not in scrubbed.filters:
            scrubbed.addFilter(SECRETS)


def event(level: int, message: str, **fields: Any) -> None:
    """Log ``message`` with structured ``fields`` on the sink's logger."""
    logger.log(level, message, extra={"fields": fields})


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send every log record (the sink's and uvicorn's) to ``stream`` (stderr) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(SECRETS)  # every record, whichever logger made it
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
