"""JSON-lines logging for the sink: one object per line, never a callback body or a secret."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timezone
from typing import Any, TextIO

logger = logging.getLogger("pulumi_thingspace.sink")


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
        return json.dumps(entry, default=str)


def event(level: int, message: str, **fields: Any) -> None:
    """Log ``message`` with structured ``fields`` on the sink's logger."""
    logger.log(level, message, extra={"fields": fields})


def configure_logging(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Send every log record (the sink's and uvicorn's) to ``stream`` (stderr) as JSON lines."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
