"""Wait for label outcomes that ThingSpace reported to a CarrierService callback sink.

Setting or removing labels only returns a ``requestId``; ThingSpace later POSTs each device's outcome to
the registered CarrierService listener. A sink (``thingspace-callback-sink`` or any service with the same
read contract) stores those callbacks and answers ``GET {url}/requests/{requestId}`` with
``Authorization: Bearer <token>``: 200 ``{"requestId": ..., "callbacks": [body, ...]}`` once a callback
arrived, 404 while none did. This module needs only ``requests`` and the wire models.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from pydantic import ValidationError

from .config import DEFAULT_CALLBACK_TIMEOUT
from .errors import UserError
from .models.labels import CarrierCallback

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LineOutcome:
    """The reported outcome of one label line: one device, one label, one action."""

    device_id: str
    """The device identifier ThingSpace reported (the EID for labels)."""
    label_name: str
    """The label name ("" for a request-level fault, which names no label)."""
    label_value: str
    """The label value ("" for a request-level fault)."""
    action: str
    """``Set`` or ``Remove`` as ThingSpace spelled it ("" for a request-level fault)."""
    ok: bool
    """True when ``lineStatus`` was ``Success``."""
    description: str
    """ThingSpace's description, e.g. "The device does not exist"; "" when none was given."""


class ResultsError(UserError):
    """The callback sink could not be read or answered something unusable."""


class ResultsAuthError(ResultsError):
    """The callback sink rejected the read token."""


class ResultsTimeout(ResultsError):
    """No callback arrived for some request ids before the deadline."""

    def __init__(
        self,
        pending: Sequence[str],
        timeout: float,
        completed: dict[str, list[LineOutcome]],
        last_error: str | None = None,
        rejected: dict[str, dict[str, Any]] | None = None,
    ) -> None:
        """Record what is still pending; ``completed`` holds the outcomes that did arrive.

        ``rejected`` maps pending request ids to what the sink said it refused for them.
        """
        self.pending = tuple(pending)
        self.timeout = timeout
        self.completed = completed
        self.last_error = last_error
        self.rejected = dict(rejected or {})
        message = (
            f"no CarrierService callback arrived within {timeout:g}s for request id(s) "
            f"{', '.join(self.pending)}"
        )
        if last_error:
            message += f" (last error reading the sink: {last_error})"
        for rid, seen in self.rejected.items():
            message += (
                f"; the sink REJECTED {seen.get('count')} callback(s) for {rid}: {seen.get('reason')} "
                "(the CallbackListener's username and password must be the sink's --callback-username and "
                "THINGSPACE_SINK_CALLBACK_PASSWORD)"
            )
        super().__init__(message)


def merge_callbacks(bodies: Sequence[dict[str, Any]]) -> list[LineOutcome] | None:
    """Merge callback bodies into one outcome per (device, label name, action); None if none reports lines.

    Resends repeat lines, so a line seen again replaces the earlier one in place (the latest callback
    wins). A request-level fault (``faultResponse``, no label lines) counts as a result: every device it
    names gets a failed outcome with empty label fields and ``faultcode: faultstring`` as description.
    """
    outcomes: dict[tuple[str, str, str], LineOutcome] = {}
    complete = False
    for body in bodies:
        try:
            callback = CarrierCallback.model_validate(body)
        except ValidationError as exc:
            # Name the fields only: a listener of the user's own may have kept the echoed password.
            fields = sorted({".".join(str(p) for p in err["loc"]) for err in exc.errors()})
            raise ResultsError(
                f"the sink returned a body that is not a CarrierService callback: {fields}"
            ) from None
        for line in callback.label_lines:
            complete = True
            name = line.label.name if line.label else ""
            value = line.label.value if line.label else ""
            outcome = LineOutcome(line.device_id, name, value, line.action, line.ok, line.description or "")
            outcomes[(line.device_id, name, line.action.lower())] = outcome
        fault = callback.fault_response
        if fault is not None and not callback.label_lines:
            complete = True
            description = ": ".join(p for p in (fault.faultcode, fault.faultstring) if p)
            for device in callback.device_ids or []:
                outcomes[(device.id, "", "")] = LineOutcome(device.id, "", "", "", False, description)
            if not callback.device_ids:
                outcomes[("", "", "")] = LineOutcome("", "", "", "", False, description)
    return list(outcomes.values()) if complete else None


class CallbackResults:
    """Poll a callback sink until every request id has a reported outcome, or a deadline passes."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = DEFAULT_CALLBACK_TIMEOUT,
        poll_interval: float = 0.5,
        max_interval: float = 5.0,
        http: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        keep_going: Callable[[], None] | None = None,
    ) -> None:
        """``url`` is the sink's base URL; ``token`` its read token (never logged or shown).

        ``keep_going``, when given, is called before every round of polls and raises to stop waiting.
        """
        if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
            raise ValueError(f"callback results URL {url!r} must be an http(s) URL")
        if not token:
            raise ValueError("a read token is required to read callback results")
        if timeout < 0 or poll_interval <= 0 or max_interval < poll_interval:
            raise ValueError("need timeout >= 0 and 0 < poll_interval <= max_interval")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.poll_interval = poll_interval
        self.max_interval = max_interval
        self.__token = token
        self._own_http = http is None
        self._http = http or requests.Session()
        self._sleep = sleep
        self._clock = clock
        self._keep_going = keep_going

    def __repr__(self) -> str:
        return f"CallbackResults(url={self.url!r}, timeout={self.timeout:g})"

    def wait(self, request_ids: Sequence[str]) -> dict[str, list[LineOutcome]]:
        """Outcomes per request id, once a callback with label lines arrived for every one of them.

        404 means "not yet"; connection errors, 429 and 5xx are retried until the deadline; the interval
        doubles from ``poll_interval`` up to ``max_interval``. Raises ResultsTimeout naming the ids still
        pending, ResultsAuthError when the token is refused, ResultsError for any other unusable answer.
        """
        ids = list(dict.fromkeys(request_ids))
        if any(not rid for rid in ids):
            raise ValueError("request ids must be non-empty")
        deadline = self._clock() + self.timeout
        interval = self.poll_interval
        done: dict[str, list[LineOutcome]] = {}
        rejected: dict[str, dict[str, Any]] = {}
        last_error: str | None = None
        while True:
            if self._keep_going is not None:
                self._keep_going()
            for rid in ids:
                if rid in done:
                    continue
                bodies, error = self._fetch(rid, deadline, rejected)
                last_error = error or last_error
                outcomes = merge_callbacks(bodies) if bodies else None
                if outcomes is not None:
                    done[rid] = outcomes
            pending = [rid for rid in ids if rid not in done]
            if not pending:
                return {rid: done[rid] for rid in ids}
            remaining = deadline - self._clock()
            if remaining <= 0:
                seen = {rid: rejected[rid] for rid in pending if rid in rejected}
                raise ResultsTimeout(pending, self.timeout, done, last_error, seen)
            logger.debug(
                "waiting %.2fs for callbacks of %d request id(s)", min(interval, remaining), len(pending)
            )
            self._sleep(min(interval, remaining))
            interval = min(interval * 2, self.max_interval)

    def _fetch(
        self, request_id: str, deadline: float, rejected: dict[str, dict[str, Any]]
    ) -> tuple[list[dict[str, Any]] | None, str | None]:
        """(callback bodies or None if none yet, description of a transient error or None).

        A 404 that reports rejected callbacks records them in ``rejected``.
        """
        url = f"{self.url}/requests/{quote(request_id, safe='')}"
        limit = max(1.0, min(30.0, deadline - self._clock()))
        headers = {"Authorization": f"Bearer {self.__token}", "Accept": "application/json"}
        try:
            response = self._http.get(url, headers=headers, timeout=(min(5.0, limit), limit))
        except requests.RequestException as exc:
            logger.debug("callback sink unreachable: %s", type(exc).__name__)
            return None, f"{type(exc).__name__} for {self.url}"
        status = response.status_code
        if status == 404:
            with contextlib.suppress(ValueError, AttributeError):
                seen = response.json().get("rejected")
                if isinstance(seen, dict):
                    rejected[request_id] = seen
            return None, None
        if status in (401, 403):
            raise ResultsAuthError(
                f"the callback sink at {self.url} refused the read token (HTTP {status}); use the token the "
                "sink was started with (--read-token / THINGSPACE_SINK_READ_TOKEN)"
            )
        if status == 429 or status >= 500:
            return None, f"HTTP {status} from {self.url}"
        if status != 200:
            raise ResultsError(f"unexpected HTTP {status} from the callback sink at {url}")
        try:
            callbacks = response.json()["callbacks"]
        except (ValueError, KeyError, TypeError):
            callbacks = None
        if not isinstance(callbacks, list) or not all(isinstance(c, dict) for c in callbacks):
            raise ResultsError(f"the callback sink at {url} did not answer {{requestId, callbacks: [...]}}")
        return callbacks, None

    def close(self) -> None:
        """Close the HTTP session if this object created it."""
        if self._own_http:
            self._http.close()
