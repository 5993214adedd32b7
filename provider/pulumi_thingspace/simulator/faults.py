"""Fault injection: throttling, outages, latency, per-device failures and callback disorder."""

from __future__ import annotations

import random
import threading
from collections import deque
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

FAIL_STATUSES = (400, 429, 503)
"""What ``fail_next`` may answer: a rejected request (400), throttling (429) or an outage (503)."""


class FaultSettings(BaseModel):
    """Fault knobs; camelCase in the admin API, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")

    throttle_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    """Share of matching requests answered 429 with ``Retry-After``."""
    unavailable_rate: float = Field(default=0.0, ge=0.0, le=1.0)
    """Share of matching requests answered 503."""
    retry_after_seconds: int = Field(default=1, ge=0)
    """``Retry-After`` value of a 429."""
    unavailable_body: Literal["xml", "empty"] = "xml"
    """Body of a 503: a WSO2 ``<am:fault>`` document or nothing."""
    latency_seconds: float = Field(default=0.0, ge=0.0)
    """Added before every matching request is answered."""
    path_prefix: str = "/api/"
    """Only requests whose path starts with this are affected."""
    seed: int = 0
    """Seed of the random draws, so a fault pattern repeats run after run."""
    callback_delay_seconds: float = Field(default=0.0, ge=0.0)
    """Added before the first send of every callback."""
    duplicate_callbacks: bool = False
    """Send every acknowledged callback a second time."""
    hold_callbacks: bool = False
    """Keep callbacks until released (in order or reversed)."""


class FaultInjector:
    """Current fault settings plus the queued and per-device faults; decisions are deterministic."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self.settings = FaultSettings()
        self._rng = random.Random(0)
        self._next: deque[int | None] = deque()  # None: serve that request normally
        self._devices: dict[str, str] = {}

    def configure(self, **changes: Any) -> FaultSettings:
        """Change some knobs (snake_case or camelCase names), keeping the others."""
        with self._lock:
            merged = self.settings.model_dump()
            merged.update(FaultSettings.model_validate(changes).model_dump(include=_names(changes)))
            self.settings = FaultSettings.model_validate(merged)
            if "seed" in _names(changes):
                self._rng = random.Random(self.settings.seed)
            return self.settings

    def reset(self) -> None:
        """Remove every fault."""
        with self._lock:
            self.settings = FaultSettings()
            self._rng = random.Random(0)
            self._next.clear()
            self._devices.clear()

    def fail_next(self, count: int, status: int = 503, after: int = 0) -> None:
        """Answer ``count`` matching requests with ``status`` (400, 429 or 503), once ``after`` more were
        served normally (``after=2``: the third request fails, as a chunk rejected part-way)."""
        if status not in FAIL_STATUSES:
            raise ValueError("status must be 400, 429 or 503")
        with self._lock:
            self._next.extend([None] * after + [status] * count)

    def decide(self, path: str) -> int | None:
        """The fault status for a request to ``path``, or None to serve it normally."""
        with self._lock:
            if not path.startswith(self.settings.path_prefix):
                return None
            if self._next:
                return self._next.popleft()  # None: this one is served, a later one fails
            s = self.settings
            if s.throttle_rate <= 0 and s.unavailable_rate <= 0:
                return None
            draw = self._rng.random()
            if draw < s.throttle_rate:
                return 429
            if draw < s.throttle_rate + s.unavailable_rate:
                return 503
            return None

    def latency_for(self, path: str) -> float:
        """Seconds to wait before serving a request to ``path``."""
        with self._lock:
            s = self.settings
            return s.latency_seconds if path.startswith(s.path_prefix) else 0.0

    def fail_device(self, device_id: str, reason: str) -> None:
        """Make every label, license, deactivate and delete action on this device fail with ``reason``."""
        with self._lock:
            self._devices[device_id.strip().lower()] = reason

    def clear_device_failures(self) -> None:
        """Forget every forced per-device failure."""
        with self._lock:
            self._devices.clear()

    def device_failure(self, ids: Iterable[str]) -> str | None:
        """The forced failure reason of a device known by any of ``ids``."""
        with self._lock:
            if not self._devices:
                return None
            for value in ids:
                reason = self._devices.get(value.strip().lower())
                if reason is not None:
                    return reason
            return None

    def view(self) -> dict[str, Any]:
        """Current settings, queued failures and per-device failures (admin API shape)."""
        with self._lock:
            body = self.settings.model_dump(by_alias=True)
            body["failNext"] = list(self._next)
            body["deviceFailures"] = dict(self._devices)
            return body


def _names(changes: dict[str, Any]) -> set[str]:
    """Python field names of the given snake_case or camelCase keys."""
    by_alias = {to_camel(name): name for name in FaultSettings.model_fields}
    return {by_alias.get(key, key) for key in changes}
