"""Shared constants and helpers for the ThingSpace client tests (fixtures live in conftest.py)."""

from __future__ import annotations

import json
from typing import Any

import responses

from kits.paths import TESTS

BASE = "http://127.0.0.1:9"  # loopback only; `responses` answers before any socket is opened
ACCOUNT = "0000000000-00001"
CLIENT_SECRET = "cs-7Hq2-client-secret"
PASSWORD = "pw-Xk93-user-password"
ACCESS_TOKEN = "at-51f0-access-token"
ACCESS_TOKEN_2 = "at-77aa-renewed-token"
SESSION_TOKEN = "st-c0de-session-token"
SESSION_TOKEN_2 = "st-beef-second-session"
SECRETS = (CLIENT_SECRET, PASSWORD, ACCESS_TOKEN, ACCESS_TOKEN_2, SESSION_TOKEN, SESSION_TOKEN_2)

TOKEN_URL = BASE + "/api/ts/v1/oauth2/token"
LOGIN_URL = BASE + "/api/m2m/v1/session/login"
LABELS_URL = BASE + "/api/m2m/v1/devices/actions/usagesegmentationlabels"
SEEDS = TESTS / "unit" / "client" / "seeds"

EXPIRED = {
    "errorCode": "UnifiedWebService.REQUEST_FAILED.SessionToken.Expired",
    "errorMessage": "The Session has expired.",
}
BAD_BEARER = {
    "fault": {
        "code": "900901",
        "message": "Invalid Credentials",
        "description": "Invalid Credentials. Make sure you have given the correct access token",
    }
}


class FakeTime:
    """A monotonic clock that only moves when the client sleeps (or a test advances it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def add_auth(
    api: responses.RequestsMock,
    token: str = ACCESS_TOKEN,
    session: str = SESSION_TOKEN,
    expires_in: int = 3600,
) -> None:
    """Answer the OAuth token and the session login requests."""
    api.add(
        responses.POST,
        TOKEN_URL,
        json={"access_token": token, "token_type": "Bearer", "expires_in": expires_in, "scope": "default"},
    )
    api.add(responses.POST, LOGIN_URL, json={"sessionToken": session})


def sent(api: responses.RequestsMock, url_part: str) -> list[Any]:
    """The recorded requests whose URL contains ``url_part``, in order."""
    return [call.request for call in api.calls if url_part in (call.request.url or "")]


def body(request: Any) -> Any:
    """The JSON body of a recorded request."""
    return json.loads(request.body)


def seed_json(name: str) -> Any:
    """A JSON example body copied verbatim from the API documentation pages."""
    return json.loads((SEEDS / name).read_text())


def assert_api_headers(request: Any, token: str = ACCESS_TOKEN, session: str = SESSION_TOKEN) -> None:
    """Every M2M/FOTA call carries the bearer token, the session token and a JSON content type."""
    assert request.headers["Authorization"] == f"Bearer {token}"
    assert request.headers["VZ-M2M-Token"] == session
    assert request.headers["Content-Type"] == "application/json"
