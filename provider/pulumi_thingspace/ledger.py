"""Ask a callback sink's label ledger what ThingSpace last reported for labels (refresh reads this).

Labels cannot be read back from ThingSpace, but every label request on an account reports each line's
outcome to the account's CarrierService listener. A ``thingspace-callback-sink`` keeps the last reported
state of every label and answers ``POST {url}/ledger`` with ``Authorization: Bearer <token>`` and body
``{"accountName": ..., "keys": ["<eid>/<name>", ...]}``:
200 ``{"accountName": ..., "set": {key: value}, "removed": [key, ...], "unseen": n}``.
This module needs only ``requests``.
"""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests

from .results import ResultsAuthError, ResultsError

MAX_KEYS_PER_QUERY = 200_000
"""Keys sent in one query (a 100,000-label bundle is one query; the sink takes up to 500,000)."""

ATTEMPTS = 3
"""Tries per query when the sink is unreachable or answers 429/5xx."""


class LedgerUnsupported(ResultsError):
    """The sink has no ledger (it answered 404/405 to ``POST /ledger``): an older sink or another listener."""


@dataclass(frozen=True)
class LedgerAnswer:
    """What the ledger said about the keys asked: set (with values), removed, and how many it never saw."""

    set: dict[str, str] = field(default_factory=dict)
    """Keys whose last reported outcome was a successful Set, with the value set."""
    removed: builtins.set[str] = field(default_factory=builtins.set)
    """Keys whose last reported outcome was a successful Remove."""
    unseen: int = 0
    """Keys asked about that no stored callback ever reported."""


class LabelLedger:
    """Client of a callback sink's ``POST /ledger``; the token is never logged, shown or put in an error."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        timeout: float = 120.0,
        http: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """``url`` is the sink's base URL (as ``thingspace:callbackResultsUrl``), ``token`` its read token."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ResultsError(f"callback results URL {url!r} must be an http(s) URL")
        if not token:
            raise ResultsError(
                "a read token is required to read the label ledger: set thingspace:callbackResultsToken"
            )
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.__token = token
        self._own_http = http is None
        self._http = http or requests.Session()
        self._sleep = sleep

    def __repr__(self) -> str:
        return f"LabelLedger(url={self.url!r})"

    def lookup(self, account: str, keys: Sequence[str]) -> LedgerAnswer:
        """What the ledger holds for ``keys`` (``"<eid>/<name>"``) in ``account``.

        Raises LedgerUnsupported when the sink has no ledger, ResultsAuthError when it refuses the token,
        ResultsError when it stays unreachable or answers something unusable.
        """
        found: dict[str, str] = {}
        removed: set[str] = set()
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), MAX_KEYS_PER_QUERY):
            chunk = unique[start : start + MAX_KEYS_PER_QUERY]
            got_set, got_removed = self._query(account, chunk)
            found.update(got_set)
            removed.update(got_removed)
        asked = set(unique)
        found = {k: v for k, v in found.items() if k in asked}
        removed = {k for k in removed if k in asked and k not in found}
        return LedgerAnswer(found, removed, len(asked) - len(found) - len(removed))

    def _query(self, account: str, keys: list[str]) -> tuple[dict[str, str], list[str]]:
        url = f"{self.url}/ledger"
        headers = {"Authorization": f"Bearer {self.__token}", "Accept": "application/json"}
        body = {"accountName": account, "keys": keys}
        problem = ""
        for attempt in range(ATTEMPTS):
            if attempt:
                self._sleep(0.5 * 2**attempt)
            try:
                response = self._http.post(url, json=body, headers=headers, timeout=(10.0, self.timeout))
            except requests.RequestException as exc:
                problem = f"{type(exc).__name__} for {self.url}"
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                problem = f"HTTP {status} from {self.url}"
                continue
            return self._answer(response, url)
        raise ResultsError(f"the label ledger at {url} could not be read after {ATTEMPTS} tries: {problem}")

    def _answer(self, response: requests.Response, url: str) -> tuple[dict[str, str], list[str]]:
        status = response.status_code
        if status in (404, 405):
            raise LedgerUnsupported(f"the callback sink at {self.url} has no label ledger (HTTP {status})")
        if status in (401, 403):
            raise ResultsAuthError(
                f"the callback sink at {self.url} refused the read token (HTTP {status}); use the token the "
                "sink was started with (--read-token / THINGSPACE_SINK_READ_TOKEN)"
            )
        if status != 200:
            raise ResultsError(f"unexpected HTTP {status} from the label ledger at {url}: {_said(response)}")
        try:
            data = response.json()
            found, removed = data["set"], data["removed"]
        except (ValueError, KeyError, TypeError):
            found = removed = None
        if not (
            isinstance(found, dict)
            and isinstance(removed, list)
            and all(type(v) is str for v in found.values())
            and all(type(k) is str for k in removed)
        ):
            raise ResultsError(f"the label ledger at {url} did not answer {{set: {{...}}, removed: [...]}}")
        return found, removed

    def close(self) -> None:
        """Close the HTTP session if this object created it."""
        if self._own_http:
            self._http.close()


def _said(response: requests.Response) -> str:
    """The sink's ``error`` message, shortened (it never holds the token: the sink does not echo it)."""
    try:
        message = response.json().get("error")
    except (ValueError, AttributeError):
        message = None
    return str(message)[:300] if message else "no error message"
