"""OAuth clients and tokens, M2M users, sessions and the failed-login lockout."""

from __future__ import annotations

import enum
import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .config import SimulatorConfig


class LoginOutcome(enum.Enum):
    """Result of a login attempt."""

    OK = "ok"
    INVALID = "invalid"
    LOCKED = "locked"


@dataclass
class UserRecord:
    """An M2M (UWS) user; the password never appears in a repr."""

    username: str
    password: str = field(repr=False)
    failed_logins: int = 0
    locked: bool = False


@dataclass
class _Token:
    value: str = field(repr=False)
    client_id: str
    expires_at: float


@dataclass
class _Session:
    username: str
    last_used: float


class Identity:
    """Credentials and the tokens issued for them; thread-safe through the shared state lock."""

    def __init__(
        self, lock: threading.RLock, config: SimulatorConfig, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._lock = lock
        self._config = config
        self._clock = clock
        self._clients: dict[str, str] = {}
        self._users: dict[str, UserRecord] = {}
        self._tokens: dict[str, _Token] = {}
        self._client_token: dict[str, _Token] = {}
        self._sessions: dict[str, _Session] = {}

    def add_client(self, client_id: str, client_secret: str) -> None:
        """Register (or replace) an OAuth client."""
        with self._lock:
            self._clients[client_id] = client_secret

    def add_user(self, username: str, password: str) -> None:
        """Register (or replace) an M2M user."""
        with self._lock:
            self._users[username] = UserRecord(username, password)

    # -- OAuth -----------------------------------------------------------------------------------

    def issue_token(self, client_id: str, client_secret: str) -> tuple[str, int] | None:
        """``(token, expires_in)`` for valid client credentials; the live token is reused within its hour."""
        with self._lock:
            if client_id not in self._clients or self._clients[client_id] != client_secret:
                return None
            now = self._clock()
            current = self._client_token.get(client_id)
            if current is None or current.expires_at <= now:
                current = _Token(str(uuid.uuid4()), client_id, now + self._config.token_lifetime_seconds)
                self._client_token[client_id] = current
                self._tokens[current.value] = current
            # Rounded first: (now + 3600.0) - now is often 3600.0000000005, which would ceil to 3601.
            return current.value, max(math.ceil(round(current.expires_at - now, 6)), 0)

    def revoke_token(self, client_id: str, client_secret: str, token: str) -> bool:
        """Revoke ``token`` of this client; the next token request then returns a new token."""
        with self._lock:
            if self._clients.get(client_id) != client_secret:
                return False
            record = self._tokens.pop(token, None)
            if record is not None and self._client_token.get(record.client_id) is record:
                del self._client_token[record.client_id]
            return True

    def token_valid(self, token: str) -> bool:
        """True when ``token`` was issued and has not expired."""
        with self._lock:
            record = self._tokens.get(token)
            if record is None:
                return False
            if record.expires_at <= self._clock():
                self._tokens.pop(token, None)
                return False
            return True

    def expire_tokens(self) -> int:
        """Expire every access token now; returns how many were live."""
        with self._lock:
            count = len(self._tokens)
            self._tokens.clear()
            self._client_token.clear()
            return count

    # -- sessions --------------------------------------------------------------------------------

    def login(self, username: str, password: str) -> tuple[LoginOutcome, str | None]:
        """Log in; the ``lockout_threshold``-th consecutive failure locks the user."""
        with self._lock:
            user = self._users.get(username)
            if user is None:
                return LoginOutcome.INVALID, None
            if user.locked:
                user.failed_logins += 1
                return LoginOutcome.LOCKED, None
            if user.password != password:
                user.failed_logins += 1
                user.locked = user.failed_logins >= self._config.lockout_threshold
                return LoginOutcome.INVALID, None
            user.failed_logins = 0
            token = str(uuid.uuid4())
            self._sessions[token] = _Session(username, self._clock())
            return LoginOutcome.OK, token

    def touch_session(self, token: str) -> bool:
        """True (and the idle timer restarted) when the session is live; expired sessions are dropped."""
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return False
            now = self._clock()
            if now - session.last_used > self._config.session_idle_seconds:
                del self._sessions[token]
                return False
            session.last_used = now
            return True

    def logout(self, token: str) -> bool:
        """End a session; False when it was not live."""
        with self._lock:
            return self._sessions.pop(token, None) is not None

    def expire_sessions(self) -> int:
        """Expire every session now; returns how many were live."""
        with self._lock:
            count = len(self._sessions)
            self._sessions.clear()
            return count

    def unlock(self, username: str) -> bool:
        """Unlock a user and reset the failed-login counter; False for an unknown user."""
        with self._lock:
            user = self._users.get(username)
            if user is None:
                return False
            user.locked = False
            user.failed_logins = 0
            return True

    def users_view(self) -> list[dict[str, Any]]:
        """Users with their failed-login counters (passwords left out)."""
        with self._lock:
            return [
                {"username": u.username, "failedLogins": u.failed_logins, "locked": u.locked}
                for u in self._users.values()
            ]

    def session_count(self) -> int:
        """Sessions currently held (idle-expired ones included until next used)."""
        with self._lock:
            return len(self._sessions)
