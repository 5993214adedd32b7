"""Authenticated M2M/FOTA calls: bearer + session headers, one re-authentication and one retry."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from .auth import SessionManager, TokenManager
from .errors import ApiError, AuthenticationError, SessionExpiredError, is_bearer_rejected
from .transport import Transport

log = logging.getLogger("pulumi_thingspace.client")

M = TypeVar("M", bound=BaseModel)


class Reply(NamedTuple):
    """A successful answer: HTTP status and decoded JSON body (None when the body is empty)."""

    status: int
    body: Any
    endpoint: str


class Requestor:
    """Sends API calls with ``Authorization: Bearer``, ``VZ-M2M-Token`` and a JSON ``Content-Type``.

    When the session expired, or the gateway rejected the bearer token (then a new token is fetched
    too), it logs in again and retries the call exactly once; a second failure is raised.
    ``keep_going`` runs before every call, so each chunk or page of a long operation asks it first; it
    raises to stop the operation between two requests.
    """

    def __init__(
        self,
        transport: Transport,
        tokens: TokenManager,
        sessions: SessionManager,
        keep_going: Callable[[], None] | None = None,
    ) -> None:
        self.transport = transport
        self.tokens = tokens
        self.sessions = sessions
        self.keep_going = keep_going

    def call(self, method: str, path: str, endpoint: str, body: Any = None) -> Reply:
        """Send one API call and return its reply (unless ``keep_going`` raises first)."""
        if self.keep_going is not None:
            self.keep_going()
        token = self.tokens.get()
        session = self.sessions.get()
        try:
            return self._send(method, path, endpoint, body, token, session)
        except SessionExpiredError:
            log.info("%s %s: session expired; logging in again and retrying once", method, endpoint)
            session = self.sessions.renew(session)
        except AuthenticationError as exc:
            if not is_bearer_rejected(exc):
                raise
            log.info("%s %s: bearer token rejected; renewing it and retrying once", method, endpoint)
            token = self.tokens.renew(token)
            session = self.sessions.renew(session)
        return self._send(method, path, endpoint, body, token, session)

    def _send(self, method: str, path: str, endpoint: str, body: Any, token: str, session: str) -> Reply:
        headers = {
            "Authorization": f"Bearer {token}",
            "VZ-M2M-Token": session,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        response = self.transport.request(method, path, endpoint, headers=headers, json_body=body)
        if not response.content.strip():
            return Reply(response.status_code, None, endpoint)
        try:
            decoded = json.loads(response.content)
        except ValueError:
            raise ApiError("answer is not JSON", endpoint=endpoint, status=response.status_code) from None
        return Reply(response.status_code, decoded, endpoint)


def parse(model: type[M], reply: Reply) -> M:
    """Validate a reply body as ``model``; raise ApiError naming the bad fields (never their values)."""
    try:
        return model.model_validate(reply.body)
    except ValidationError as exc:
        raise unexpected(reply, exc) from None


def unexpected(reply: Reply, exc: ValidationError | None = None, what: str = "") -> ApiError:
    """ApiError for an answer of the wrong shape; field values are left out as they may hold secrets."""
    if exc is not None:
        fields = ", ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors()[:3]
        )
        what = what or f"unexpected answer ({fields})"
    return ApiError(what or "unexpected answer", endpoint=reply.endpoint, status=reply.status)
