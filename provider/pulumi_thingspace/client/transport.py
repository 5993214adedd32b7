"""HTTP transport: one request with bounded, jittered retries of transient failures (429, 5xx, network)."""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests
import tenacity

from .endpoints import DEFAULT_BASE_URL
from .errors import ConnectionFailure, RetryExhaustedError, ThingSpaceError, parse_error, redact

log = logging.getLogger("pulumi_thingspace.client")

_NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


@dataclass(frozen=True)
class RetryPolicy:
    """Retry bound for transient failures: 429, 5xx and connection errors.

    Waits use full-jitter exponential backoff (``uniform(0, min(backoff_cap, backoff_base * 2**n))``);
    a server's ``Retry-After`` takes precedence, and no wait runs past ``max_elapsed``.
    """

    max_attempts: int = 6
    max_elapsed: float = 60.0
    backoff_base: float = 0.5
    backoff_cap: float = 10.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("RetryPolicy.max_attempts must be at least 1")
        if self.max_elapsed < 0 or self.backoff_base < 0 or self.backoff_cap < 0:
            raise ValueError("RetryPolicy durations must not be negative")


class _Transient(Exception):
    """A retryable outcome of one attempt (never leaves this module)."""

    def __init__(self, attempt: int, response: requests.Response | None, error: Exception | None) -> None:
        super().__init__(attempt)
        self.attempt = attempt
        self.response = response
        self.error = error
        self.retry_after = retry_after_seconds(response) if response is not None else None


def retry_after_seconds(response: requests.Response) -> float | None:
    """The ``Retry-After`` header in seconds (delta-seconds or HTTP-date), or None when absent/invalid."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def check_base_url(base_url: str) -> str:
    """Return ``base_url`` without a trailing slash; reject anything but ``scheme://host[:port]``."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"base_url must be scheme and host only (e.g. {DEFAULT_BASE_URL}), got {base_url!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"base_url must not have a query or fragment, got {base_url!r}")
    return f"{parts.scheme}://{parts.netloc}"


class Transport:
    """Sends one logical request, retrying transient failures under a RetryPolicy.

    ``sleep`` and ``clock`` are injectable so tests can record waits without sleeping. ``secrets``
    returns the strings that must be scrubbed from any error message.
    """

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float,
        retry: RetryPolicy,
        http: requests.Session | None,
        calls: Counter[str],
        secrets: Callable[[], Iterable[str]] = tuple,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = check_base_url(base_url)
        self.timeout = timeout
        self.retry = retry
        self.owns_http = http is None
        self.http = http if http is not None else requests.Session()
        self.calls = calls
        self._secrets = secrets
        self._sleep = sleep
        self._clock = clock
        self._calls_lock = threading.Lock()

    def request(
        self,
        method: str,
        path: str,
        endpoint: str,
        *,
        headers: Mapping[str, str],
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
    ) -> requests.Response:
        """Send ``method path`` and return the 2xx response; raise a ThingSpaceError otherwise."""
        if not path.startswith("/api/"):
            raise ValueError(f"ThingSpace paths start with /api/, got {path!r}")
        data: bytes | Mapping[str, str] | None = form
        if json_body is not None:
            # Serialised here (compact, key order kept) so the bytes on the wire are predictable.
            data = json.dumps(json_body, separators=(",", ":")).encode()
        counter = itertools.count(1)
        start = self._clock()

        def attempt() -> requests.Response:
            return self._once(next(counter), method, path, endpoint, headers, data, auth)

        retrying = tenacity.Retrying(
            retry=tenacity.retry_if_exception_type(_Transient),
            stop=self._stop(start),
            wait=self._wait(start),
            sleep=self._sleep,
            before_sleep=lambda state: self._log_wait(method, endpoint, state),
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _Transient as last:
            raise self._exhausted(last, endpoint) from None

    def close(self) -> None:
        """Close the HTTP session if this transport created it."""
        if self.owns_http:
            self.http.close()

    def _once(
        self,
        number: int,
        method: str,
        path: str,
        endpoint: str,
        headers: Mapping[str, str],
        data: bytes | Mapping[str, str] | None,
        auth: tuple[str, str] | None,
    ) -> requests.Response:
        with self._calls_lock:
            self.calls[endpoint] += 1
        try:
            response = self.http.request(
                method,
                self.base_url + path,
                headers=dict(headers),
                data=data,
                auth=auth,
                timeout=self.timeout,
                allow_redirects=False,  # a redirect would carry the VZ-M2M-Token header to another host
            )
        except _NETWORK_ERRORS as exc:
            log.debug("%s %s attempt %d: %s", method, endpoint, number, type(exc).__name__)
            raise _Transient(number, None, exc) from None
        except requests.RequestException as exc:  # a request that cannot be sent; retrying cannot help
            detail = redact(str(exc), list(self._secrets()))
            raise ConnectionFailure(f"{type(exc).__name__}: {detail}", endpoint=endpoint) from None
        status = response.status_code
        log.debug("%s %s attempt %d: HTTP %d", method, endpoint, number, status)
        if status == 429 or status >= 500:
            raise _Transient(number, response, None)
        if status >= 300:
            raise parse_error(response, endpoint, secrets=self._secrets())
        return response

    def _stop(self, start: float) -> Callable[[tenacity.RetryCallState], bool]:
        policy = self.retry

        def stop(state: tenacity.RetryCallState) -> bool:
            elapsed = self._clock() - start
            return state.attempt_number >= policy.max_attempts or elapsed >= policy.max_elapsed

        return stop

    def _wait(self, start: float) -> Callable[[tenacity.RetryCallState], float]:
        policy = self.retry
        backoff = tenacity.wait_random_exponential(multiplier=policy.backoff_base, max=policy.backoff_cap)

        def wait(state: tenacity.RetryCallState) -> float:
            failure = state.outcome.exception() if state.outcome is not None else None
            hint = failure.retry_after if isinstance(failure, _Transient) else None
            delay = hint if hint is not None else backoff(state)
            remaining = policy.max_elapsed - (self._clock() - start)
            return max(0.0, min(delay, remaining))

        return wait

    def _log_wait(self, method: str, endpoint: str, state: tenacity.RetryCallState) -> None:
        failure = state.outcome.exception() if state.outcome is not None else None
        what = _describe(failure) if isinstance(failure, _Transient) else "failure"
        log.warning(
            "%s %s attempt %d of %d failed (%s); retrying in %.2f s",
            method,
            endpoint,
            state.attempt_number,
            self.retry.max_attempts,
            what,
            state.upcoming_sleep,
        )

    def _exhausted(self, last: _Transient, endpoint: str) -> ThingSpaceError:
        tries = f"gave up after {last.attempt} attempt{'s' if last.attempt != 1 else ''}"
        log.error("%s %s (%s)", endpoint, tries, _describe(last))
        if last.response is None:
            detail = redact(str(last.error), list(self._secrets()))
            return ConnectionFailure(f"{tries}: {type(last.error).__name__}: {detail}", endpoint=endpoint)
        cause = parse_error(last.response, endpoint, secrets=self._secrets())
        return RetryExhaustedError(
            f"{tries}: {cause.message}", endpoint=endpoint, status=cause.status, code=cause.code
        )


def _describe(failure: _Transient) -> str:
    if failure.response is None:
        return type(failure.error).__name__
    return f"HTTP {failure.response.status_code}"
