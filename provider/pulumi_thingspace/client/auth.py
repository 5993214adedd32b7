"""Credentials, the cached OAuth bearer token and the cached M2M session token.

Both managers are thread-safe: renewal happens under a lock, and ``renew(stale)`` only contacts the
API when the caller's token is still the cached one, so several threads that see the same expiry
cause one renewal, not one each.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from pydantic import ValidationError

from ..models import LoginRequest, LoginResponse, TokenResponse
from .errors import ApiError, AuthenticationError, RetryExhaustedError, ThingSpaceError
from .transport import Transport

TOKEN_PATH = "/api/ts/v1/oauth2/token"
LOGIN_PATH = "/api/m2m/v1/session/login"
RENEW_MARGIN = 60.0
"""Seconds before expiry at which the bearer token is renewed."""

log = logging.getLogger("pulumi_thingspace.client")


@dataclass(frozen=True)
class Credentials:
    """ThingSpace OAuth client (app key/secret) and M2M (UWS) user; the repr hides both secrets."""

    client_id: str
    client_secret: str = field(repr=False)
    username: str
    password: str = field(repr=False)


class _Recent:
    """The last few values a manager handed out, so they can be scrubbed from error messages."""

    def __init__(self) -> None:
        self._values: deque[str] = deque(maxlen=4)

    def add(self, value: str) -> None:
        self._values.append(value)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(self._values))


class TokenManager:
    """OAuth client-credentials bearer token, cached until less than RENEW_MARGIN seconds remain."""

    def __init__(
        self, transport: Transport, credentials: Credentials, clock: Callable[[], float] = time.monotonic
    ):
        self._transport = transport
        self._credentials = credentials
        self._clock = clock
        self._lock = threading.Lock()
        self._token: str | None = None
        self._renew_at = 0.0
        self._failure: AuthenticationError | None = None
        self.recent = _Recent()

    def get(self) -> str:
        """The cached token, fetching a new one when none is cached or it is about to expire."""
        with self._lock:
            if self._token is None or self._clock() >= self._renew_at:
                self._fetch()
            assert self._token is not None
            return self._token

    def renew(self, stale: str) -> str:
        """Fetch a new token if ``stale`` is still the cached one (the gateway rejected it)."""
        with self._lock:
            if self._token is None or self._token == stale:
                self._fetch()
            assert self._token is not None
            return self._token

    def _fetch(self) -> None:
        if self._failure is not None:
            raise _again(self._failure)  # the credentials are frozen, so asking again cannot succeed
        creds = self._credentials
        log.info("requesting an OAuth access token")
        try:
            response = self._transport.request(
                "POST",
                TOKEN_PATH,
                "oauth.token",
                headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
                form={"grant_type": "client_credentials"},
                auth=(creds.client_id, creds.client_secret),
            )
        except ApiError as exc:  # 400 invalid_request/invalid_grant are credential problems too
            self._failure = _as_auth_error(exc)
            raise self._failure from None
        except AuthenticationError as exc:
            self._failure = exc
            raise
        try:
            token = TokenResponse.model_validate_json(response.content)
        except ValidationError:
            raise ApiError("token response has no access_token", endpoint="oauth.token", status=200) from None
        now = self._clock()
        value = token.access_token.get_secret_value()
        # The API hands back the same token with a shrinking expires_in; a near-expiry token is still
        # used for half of its remaining life instead of being re-requested on every call.
        self._renew_at = now + max(token.expires_in - RENEW_MARGIN, token.expires_in / 2)
        self._token = value
        self.recent.add(value)


class SessionManager:
    """M2M session token: logged in once, renewed only when the API reports it expired.

    A login rejected with any 4xx is never retried and is remembered: five failed logins lock the
    user's account, so every later request re-raises the same AuthenticationError without a request.
    """

    def __init__(self, transport: Transport, credentials: Credentials, tokens: TokenManager) -> None:
        self._transport = transport
        self._credentials = credentials
        self._tokens = tokens
        self._lock = threading.Lock()
        self._session: str | None = None
        self._failure: AuthenticationError | None = None
        self.recent = _Recent()

    def get(self) -> str:
        """The cached session token, logging in when there is none."""
        with self._lock:
            if self._session is None:
                self._login()
            assert self._session is not None
            return self._session

    def renew(self, stale: str) -> str:
        """Log in again if ``stale`` is still the cached session (the API said it expired)."""
        with self._lock:
            if self._session is None or self._session == stale:
                self._session = None
                self._login()
            assert self._session is not None
            return self._session

    def _login(self) -> None:
        if self._failure is not None:
            raise _again(self._failure)
        bearer = self._tokens.get()
        log.info("logging in to the M2M session API")
        body = LoginRequest(username=self._credentials.username, password=self._credentials.password)
        headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
        try:
            response = self._transport.request(
                "POST", LOGIN_PATH, "session.login", headers=headers, json_body=body.wire()
            )
        except ThingSpaceError as exc:
            # 429s were already retried by the transport; they never reached the credential check.
            if (
                exc.status is not None
                and 400 <= exc.status < 500
                and not isinstance(exc, RetryExhaustedError)
            ):
                self._failure = _as_auth_error(exc)
                log.error("M2M login rejected (%s); not retrying", exc.code or f"HTTP {exc.status}")
                raise self._failure from None
            raise
        try:
            session = LoginResponse.model_validate_json(response.content)
        except ValidationError:
            raise ApiError(
                "login response has no sessionToken", endpoint="session.login", status=200
            ) from None
        value = session.session_token.get_secret_value()
        self._session = value
        self.recent.add(value)


LOCKOUT_AFTER = 5
"""Consecutive failed logins after which ThingSpace locks the user (Verizon support must unlock it)."""


def _lockout_hint(exc: ThingSpaceError) -> str:
    # The API reports no count of failed attempts, so say what every retry costs.
    if exc.code_endswith("UserLocked"):
        return " (the user is locked; only Verizon support can unlock it: do not retry)"
    return (
        f" (ThingSpace locks the user after {LOCKOUT_AFTER} consecutive failed logins, and every "
        "`pulumi up` with this password counts as one: fix thingspace:username / thingspace:password "
        "before retrying)"
    )


def _as_auth_error(exc: ThingSpaceError) -> AuthenticationError:
    message = exc.message + _lockout_hint(exc)
    return AuthenticationError(message, endpoint=exc.endpoint, status=exc.status, code=exc.code)


def _again(failure: AuthenticationError) -> AuthenticationError:
    # A fresh exception per raise: one shared instance would pile up tracebacks across threads.
    message = f"{failure.message} (rejected earlier; not sent again)"
    return AuthenticationError(message, endpoint=failure.endpoint, status=failure.status, code=failure.code)
