"""One error hierarchy for every ThingSpace failure, parsed from every error body shape the API uses."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ..errors import UserError

if TYPE_CHECKING:
    import requests

SESSION_EXPIRED_SUFFIX = "SessionToken.Expired"
"""Error-code suffix ThingSpace uses when the VZ-M2M session token is idle-expired or unknown."""

BEARER_REJECTED_CODES = frozenset({"900901", "900902"})
"""API gateway fault codes meaning the bearer token is invalid/expired (900901) or missing (900902)."""

_MAX_MESSAGE = 300  # keeps an HTML error page from flooding a log line or a Pulumi diagnostic
_XML_FIELD = r"<(?:\w+:)?{0}>\s*([^<]*?)\s*</(?:\w+:)?{0}>"


class ThingSpaceError(UserError):
    """Base of every client error; ``str(e)`` is ``"<endpoint>: HTTP <status> <code>: <message>"``."""

    sent_before: tuple[object, ...] = ()
    """For a call sent in chunks: what each chunk ThingSpace accepted before this error returned, in order
    (a requestId for labels, a LicenseResponse for licenses); set by ``batching.send_chunks``."""
    sent_count: int = 0
    """How many items those accepted chunks carried: the call's first ``sent_count`` items."""

    def __init__(self, message: str, *, endpoint: str, status: int | None = None, code: str | None = None):
        self.message = message
        self.endpoint = endpoint
        self.status = status
        self.code = code
        super().__init__(self._render())

    def _render(self) -> str:
        head = self.endpoint
        if self.status is not None:
            head += f": HTTP {self.status}"
        if self.code:
            head += f" {self.code}"
        return f"{head}: {self.message}"

    def __str__(self) -> str:
        return self._render()

    def __reduce__(self) -> tuple[Any, ...]:
        # The keyword-only constructor needs an explicit recipe to survive pickling.
        return (_rebuild, (type(self), self.message, self.endpoint, self.status, self.code))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._render()!r})"

    def code_endswith(self, suffix: str) -> bool:
        """True when the error code ends with ``suffix`` (ThingSpace advises matching codes by suffix)."""
        return self.code is not None and self.code.endswith(suffix)


class AuthenticationError(ThingSpaceError):
    """The OAuth client, the login or the bearer token was rejected. Never retried automatically."""


class SessionExpiredError(ThingSpaceError):
    """The VZ-M2M session expired; the client logs in again once and retries the call once."""


class ApiError(ThingSpaceError):
    """Any other 4xx answer (unknown account, invalid body, unknown path, ...) or an unreadable answer."""


class RetryExhaustedError(ThingSpaceError):
    """A 429 or 5xx answer persisted after the retry policy's bound; the message says how many attempts."""


class ConnectionFailure(ThingSpaceError):
    """The network failed (refused, reset, timed out) on every attempt the retry policy allowed."""


def _rebuild(
    cls: type[ThingSpaceError], message: str, endpoint: str, status: int | None, code: str | None
) -> ThingSpaceError:
    return cls(message, endpoint=endpoint, status=status, code=code)


def is_bearer_rejected(error: ThingSpaceError) -> bool:
    """True when the API gateway rejected the bearer token (401 fault 900901/900902)."""
    return error.status == 401 and error.code in BEARER_REJECTED_CODES


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every occurrence of each non-empty secret in ``text`` with ``***``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def parse_error(
    response: requests.Response, endpoint: str, *, secrets: Iterable[str] = ()
) -> ThingSpaceError:
    """Turn a non-2xx response into the matching ThingSpaceError.

    Understands ``{errorCode, errorMessage}``, gateway ``{"fault": {code, message, description}}`` (code
    a string or a number), OAuth ``{error, error_description}``, XML ``<am:fault>`` and empty or other
    bodies. ``secrets`` are removed from the message in case a server echoes one back.
    """
    code, message = _code_and_message(response)
    message = redact(_squash(message) or response.reason or "empty response body", list(secrets))
    status = response.status_code
    return error_class(status, code)(message, endpoint=endpoint, status=status, code=code)


def error_class(status: int, code: str | None) -> type[ThingSpaceError]:
    """The hierarchy class for an HTTP status and error code."""
    if code is not None and code.endswith(SESSION_EXPIRED_SUFFIX):
        return SessionExpiredError
    if status == 401:
        return AuthenticationError
    if 400 <= status < 500 and status != 429:
        return ApiError
    return ThingSpaceError


def _code_and_message(response: requests.Response) -> tuple[str | None, str]:
    text = response.text or ""
    try:
        data: Any = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        if "errorCode" in data or "errorMessage" in data:
            return _str(data.get("errorCode")), str(data.get("errorMessage") or "")
        fault = data.get("fault")
        if isinstance(fault, dict):
            return _str(fault.get("code")), _join(fault.get("message"), fault.get("description"))
        if "error" in data:
            return _str(data.get("error")), str(data.get("error_description") or data.get("error") or "")
    if "fault" in text and "<" in text:
        return _xml_fault(text)
    return None, text


def _xml_fault(text: str) -> tuple[str | None, str]:
    # A regular expression instead of an XML parser: the body is untrusted and only three fields matter.
    found = {f: re.search(_XML_FIELD.format(f), text, re.DOTALL) for f in ("code", "message", "description")}
    values = {f: (m.group(1) if m else None) for f, m in found.items()}
    return values["code"] or None, _join(values["message"], values["description"]) or text


def _join(message: Any, description: Any) -> str:
    parts = [str(p) for p in (message, description) if p not in (None, "")]
    if len(parts) == 2 and parts[1].startswith(parts[0]):
        return parts[1]
    return ": ".join(parts)


def _str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def _squash(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text) if text.lstrip().startswith("<") else text
    text = " ".join(text.split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."
