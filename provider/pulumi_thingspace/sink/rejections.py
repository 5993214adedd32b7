"""What this replica refused, per request id, so a reader waiting for results can be told why."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

MAX_TRACKED = 10_000
"""Request ids remembered (the oldest are forgotten first); rejections are kept in memory only."""

REASONS = {
    "bad_credentials": "username or password does not match the sink's",
    "invalid_body": "the body is not a CarrierService callback",
    "unstorable_text": "the body holds a NUL character or a lone surrogate, which no store can keep",
}


class RejectionLog:
    """Counts of rejected callbacks per request id and the last reason; never the bodies themselves."""

    def __init__(self, limit: int = MAX_TRACKED) -> None:
        self._limit = limit
        self._lock = threading.Lock()
        self._seen: OrderedDict[str, tuple[int, str]] = OrderedDict()

    def note(self, body: dict[str, Any], reason: str) -> None:
        """Record one rejected callback, when its body names a usable request id."""
        request_id = body.get("requestId")
        if not isinstance(request_id, str) or not request_id.strip() or len(request_id) > 200:
            return
        with self._lock:
            count, _ = self._seen.pop(request_id, (0, reason))
            self._seen[request_id] = (count + 1, reason)
            while len(self._seen) > self._limit:
                self._seen.popitem(last=False)

    def get(self, request_id: str) -> dict[str, Any] | None:
        """``{"count": n, "reason": "..."}`` for a request id with rejected callbacks, else None."""
        with self._lock:
            seen = self._seen.get(request_id)
        if seen is None:
            return None
        return {"count": seen[0], "reason": REASONS.get(seen[1], seen[1])}
