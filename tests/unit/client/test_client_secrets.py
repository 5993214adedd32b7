"""No secret (client secret, password, access or session token) in any log record, exception or repr."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
import requests
import responses

from kits.client import (
    ACCESS_TOKEN_2,
    ACCOUNT,
    BAD_BEARER,
    BASE,
    EXPIRED,
    LABELS_URL,
    LOGIN_URL,
    SECRETS,
    SESSION_TOKEN_2,
    TOKEN_URL,
    add_auth,
)
from pulumi_thingspace.client import Credentials, RetryPolicy, ThingSpaceClient, ThingSpaceError
from pulumi_thingspace.models import DeviceId, DeviceLabel

CALLBACK_PASSWORD = "cbpw-5e5e-callback-password"
LABEL = DeviceLabel(device_id="89049032000001000000000000000042", name="fleet", value="north")
CALLBACKS_URL = BASE + f"/api/m2m/v1/callbacks/{ACCOUNT}"


def _expect_failure(seen: list[Any], action: Callable[[], object]) -> None:
    with pytest.raises(ThingSpaceError) as caught:
        action()
    seen.extend([str(caught.value), repr(caught.value), caught.value.args, caught.value.message])


def test_no_secret_leaks_through_logs_errors_or_reprs(
    api: responses.RequestsMock,
    make_client: Callable[..., ThingSpaceClient],
    credentials: Credentials,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_client(retry=RetryPolicy(max_attempts=2))
    seen: list[Any] = [repr(client), str(client), repr(credentials), str(credentials)]
    add_auth(api)
    api.add(responses.POST, TOKEN_URL, json={"access_token": ACCESS_TOKEN_2, "expires_in": 3600})
    api.add(responses.POST, LOGIN_URL, json={"sessionToken": SESSION_TOKEN_2})
    # Success after a throttle, then a bearer rejection (renewal), then a session expiry (re-login).
    api.add(responses.POST, LABELS_URL, status=429, headers={"Retry-After": "1"})
    api.add(responses.POST, LABELS_URL, json={"requestId": "r-1"})
    api.add(responses.DELETE, LABELS_URL, status=401, json=BAD_BEARER)
    api.add(responses.DELETE, LABELS_URL, json={"requestId": "r-2"})
    api.add(responses.POST, CALLBACKS_URL, status=400, json=EXPIRED)
    api.add(responses.POST, CALLBACKS_URL, json={"accountName": ACCOUNT, "serviceName": "CarrierService"})
    api.add(
        responses.GET,
        CALLBACKS_URL,
        json=[
            {
                "serviceName": "CarrierService",
                "url": "https://s",
                "username": "u",
                "password": CALLBACK_PASSWORD,
            }
        ],
    )
    # A server that echoes the token it rejected, a dead endpoint and a dropped connection.
    api.add(
        responses.POST,
        BASE + "/api/m2m/v1/devices/actions/list",
        status=400,
        json={"errorCode": "X.INPUT_INVALID.Token", "errorMessage": f"bad token {ACCESS_TOKEN_2}"},
    )
    api.add(responses.POST, BASE + "/api/m2m/v1/devices/actions/delete", status=503, body="")
    api.add(
        responses.POST,
        BASE + "/api/m2m/v1/devices/actions/deactivate",
        body=requests.ConnectionError("reset"),
    )

    seen.append(client.set_labels(ACCOUNT, [LABEL]))
    seen.append(client.remove_labels(ACCOUNT, [LABEL]))
    seen.append(client.register_callback(ACCOUNT, "CarrierService", "https://s", "u", CALLBACK_PASSWORD))
    seen.append(repr(client.list_callbacks(ACCOUNT)))
    device = DeviceId(kind="iccid", id="89148000000000000012")
    _expect_failure(seen, lambda: client.get_device(ACCOUNT, device))
    _expect_failure(seen, lambda: client.delete_devices(ACCOUNT, [device]))
    _expect_failure(seen, lambda: client.deactivate_devices(ACCOUNT, [device], etf_waiver=False))
    assert client.calls["oauth.token"] == 2 and client.calls["session.login"] == 3

    # Rejected logins and a rejected OAuth client, each on a fresh client.
    api.replace(
        responses.POST,
        LOGIN_URL,
        status=401,
        json={"errorCode": "A.AUTHENTICATION_FAILED.X", "errorMessage": "no"},
    )
    _expect_failure(seen, make_client().session_token)
    api.replace(
        responses.POST, TOKEN_URL, status=401, json={"error": "invalid_client", "error_description": "bad"}
    )
    _expect_failure(seen, make_client().access_token)

    logged = [(r.getMessage(), r.args, r.exc_text) for r in caplog.records]
    assert any(r.name == "pulumi_thingspace.client" for r in caplog.records)
    haystack = repr(seen) + repr(logged) + caplog.text
    for secret in (*SECRETS, CALLBACK_PASSWORD):
        assert secret not in haystack, f"a secret leaked: {secret[:5]}..."
