"""Resource unit tests: providers called directly, ThingSpace answered by ``responses``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import responses

from kits.resources import BASE, SINK
from pulumi_thingspace.resources import base, claims


@pytest.fixture(autouse=True)
def fresh_claims() -> Iterator[None]:
    """Each test is its own deployment: no label or license held by an earlier test's resource."""
    claims.LABELS.clear()
    claims.LICENSES.clear()
    yield


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[responses.RequestsMock]:
    """Mocked ThingSpace with token and login answered; credentials from the environment."""
    for key, value in {
        "THINGSPACE_CLIENT_ID": "cid",
        "THINGSPACE_CLIENT_SECRET": "csecret-value",
        "THINGSPACE_USERNAME": "user",
        "THINGSPACE_PASSWORD": "upassword-value",
        "THINGSPACE_BASE_URL": BASE,
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("THINGSPACE_CALLBACK_RESULTS_URL", raising=False)
    monkeypatch.setattr(base, "_CLIENTS", {})
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.post(f"{BASE}/api/ts/v1/oauth2/token", json={"access_token": "atoken", "expires_in": 3600})
        rsps.post(f"{BASE}/api/m2m/v1/session/login", json={"sessionToken": "stoken"})
        yield rsps


@pytest.fixture
def mocked_sink(monkeypatch: pytest.MonkeyPatch, api: responses.RequestsMock) -> responses.RequestsMock:
    """Configure a callback sink for label results (answered by the same mock)."""
    monkeypatch.setenv("THINGSPACE_CALLBACK_RESULTS_URL", SINK)
    monkeypatch.setenv("THINGSPACE_CALLBACK_RESULTS_TOKEN", "read-token")
    monkeypatch.setenv("THINGSPACE_CALLBACK_TIMEOUT_SECONDS", "5")
    return api
