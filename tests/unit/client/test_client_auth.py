"""OAuth token and M2M session: caching, renewal, one re-login + one retry, never a retried failed login."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest
import responses

from kits.client import (
    ACCESS_TOKEN,
    ACCESS_TOKEN_2,
    ACCOUNT,
    BAD_BEARER,
    CLIENT_SECRET,
    EXPIRED,
    LABELS_URL,
    LOGIN_URL,
    PASSWORD,
    SESSION_TOKEN,
    SESSION_TOKEN_2,
    TOKEN_URL,
    FakeTime,
    add_auth,
    assert_api_headers,
    body,
    sent,
)
from pulumi_thingspace.client import (
    AuthenticationError,
    Credentials,
    SessionExpiredError,
    ThingSpaceClient,
)
from pulumi_thingspace.models import DeviceLabel

LABEL = DeviceLabel(device_id="89049032000001000000000000000042", name="fleet", value="north")
OK = {"requestId": "595f5c44-c31c-4552-8670-020a1545a84d"}
LOCKED = {"errorCode": "UnifiedWebService.AUTHENTICATION_FAILED.UserLocked", "errorMessage": "User is locked"}
BAD_LOGIN = {
    "errorCode": "UnifiedWebService.AUTHENTICATION_FAILED.InvalidCredentials",
    "errorMessage": "Invalid username or password",
}


def test_token_request_uses_basic_auth_and_the_client_credentials_form(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    assert client.access_token() == ACCESS_TOKEN

    (request,) = sent(authed, "/oauth2/token")
    expected = base64.b64encode(f"demo-client:{CLIENT_SECRET}".encode()).decode()
    assert request.method == "POST"
    assert request.headers["Authorization"] == f"Basic {expected}"
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.body) == {"grant_type": ["client_credentials"]}


def test_login_sends_bearer_and_json_credentials(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    assert client.session_token() == SESSION_TOKEN

    (request,) = sent(authed, "/session/login")
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert body(request) == {"username": "demo-user", "password": PASSWORD}


def test_two_calls_need_one_token_and_one_login(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, LABELS_URL, json=OK)

    client.set_labels(ACCOUNT, [LABEL])
    client.set_labels(ACCOUNT, [LABEL])

    assert (client.calls["oauth.token"], client.calls["session.login"], client.calls["labels.set"]) == (
        1,
        1,
        2,
    )


def test_token_is_renewed_when_less_than_60_seconds_remain(
    api: responses.RequestsMock, client: ThingSpaceClient, fake_time: FakeTime
) -> None:
    add_auth(api)
    api.add(responses.POST, TOKEN_URL, json={"access_token": ACCESS_TOKEN_2, "expires_in": 3600})
    api.add(responses.POST, LABELS_URL, json=OK)

    client.set_labels(ACCOUNT, [LABEL])
    fake_time.now += 3600 - 61
    client.set_labels(ACCOUNT, [LABEL])
    assert client.calls["oauth.token"] == 1
    fake_time.now += 2
    client.set_labels(ACCOUNT, [LABEL])

    assert client.calls["oauth.token"] == 2
    assert client.calls["session.login"] == 1  # a new bearer token does not need a new session
    assert_api_headers(sent(api, "usagesegmentationlabels")[-1], token=ACCESS_TOKEN_2)


def test_a_nearly_expired_token_is_not_requested_again_on_every_call(
    api: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    add_auth(api, expires_in=50)  # the API repeats the same token with a shrinking expires_in
    api.add(responses.POST, LABELS_URL, json=OK)

    for _ in range(3):
        client.set_labels(ACCOUNT, [LABEL])

    assert client.calls["oauth.token"] == 1


def test_expired_session_logs_in_again_and_retries_once(
    api: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    add_auth(api)
    api.add(responses.POST, LOGIN_URL, json={"sessionToken": SESSION_TOKEN_2})
    api.add(responses.POST, LABELS_URL, status=400, json=EXPIRED)
    api.add(responses.POST, LABELS_URL, json=OK)

    assert client.set_labels(ACCOUNT, [LABEL]) == [OK["requestId"]]

    first, second = sent(api, "usagesegmentationlabels")
    assert_api_headers(first, session=SESSION_TOKEN)
    assert_api_headers(second, session=SESSION_TOKEN_2)
    assert body(first) == body(second)
    assert (client.calls["session.login"], client.calls["oauth.token"]) == (2, 1)


def test_a_second_consecutive_expiry_is_raised_not_looped(
    api: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    add_auth(api)
    api.add(responses.POST, LABELS_URL, status=400, json=EXPIRED)

    with pytest.raises(SessionExpiredError) as caught:
        client.set_labels(ACCOUNT, [LABEL])

    assert caught.value.code_endswith("SessionToken.Expired")
    assert (client.calls["labels.set"], client.calls["session.login"]) == (2, 2)


def test_gateway_401_fetches_a_new_token_logs_in_and_retries_once(
    api: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    add_auth(api)
    api.add(responses.POST, TOKEN_URL, json={"access_token": ACCESS_TOKEN_2, "expires_in": 3600})
    api.add(responses.POST, LOGIN_URL, json={"sessionToken": SESSION_TOKEN_2})
    api.add(responses.POST, LABELS_URL, status=401, json=BAD_BEARER)
    api.add(responses.POST, LABELS_URL, json=OK)

    assert client.set_labels(ACCOUNT, [LABEL]) == [OK["requestId"]]

    assert (client.calls["oauth.token"], client.calls["session.login"], client.calls["labels.set"]) == (
        2,
        2,
        2,
    )
    assert_api_headers(sent(api, "usagesegmentationlabels")[1], token=ACCESS_TOKEN_2, session=SESSION_TOKEN_2)
    assert sent(api, "session/login")[1].headers["Authorization"] == f"Bearer {ACCESS_TOKEN_2}"


def test_gateway_401_twice_is_raised(api: responses.RequestsMock, client: ThingSpaceClient) -> None:
    add_auth(api)
    api.add(responses.POST, LABELS_URL, status=401, json=BAD_BEARER)

    with pytest.raises(AuthenticationError, match=r"labels\.set: HTTP 401 900901"):
        client.set_labels(ACCOUNT, [LABEL])

    assert (client.calls["oauth.token"], client.calls["labels.set"]) == (2, 2)


@pytest.mark.parametrize("answer", [BAD_LOGIN, LOCKED], ids=["invalid-credentials", "user-locked"])
def test_a_rejected_login_is_never_retried(
    api: responses.RequestsMock, client: ThingSpaceClient, answer: dict[str, str]
) -> None:
    api.add(responses.POST, TOKEN_URL, json={"access_token": ACCESS_TOKEN, "expires_in": 3600})
    api.add(responses.POST, LOGIN_URL, status=401, json=answer)

    for _ in range(3):  # later calls re-raise instead of spending another of the five attempts
        with pytest.raises(AuthenticationError) as caught:
            client.set_labels(ACCOUNT, [LABEL])

    assert client.calls["session.login"] == 1
    assert client.calls["labels.set"] == 0
    assert caught.value.code == answer["errorCode"]
    assert str(caught.value).startswith("session.login: HTTP 401 ")
    assert PASSWORD not in str(caught.value) + repr(caught.value)


def test_a_login_rejected_with_400_is_an_authentication_error_too(
    api: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    api.add(responses.POST, TOKEN_URL, json={"access_token": ACCESS_TOKEN, "expires_in": 3600})
    api.add(
        responses.POST,
        LOGIN_URL,
        status=400,
        json={"errorCode": "X.INPUT_INVALID.Password", "errorMessage": "?"},
    )

    with pytest.raises(AuthenticationError):
        client.session_token()
    assert client.calls["session.login"] == 1


def test_a_login_answered_503_is_retried_as_a_transient_failure(
    api: responses.RequestsMock, client: ThingSpaceClient, fake_time: FakeTime
) -> None:
    api.add(responses.POST, TOKEN_URL, json={"access_token": ACCESS_TOKEN, "expires_in": 3600})
    api.add(responses.POST, LOGIN_URL, status=503)
    api.add(responses.POST, LOGIN_URL, json={"sessionToken": SESSION_TOKEN})

    assert client.session_token() == SESSION_TOKEN
    assert client.calls["session.login"] == 2
    assert len(fake_time.sleeps) == 1


def test_invalid_oauth_client_is_an_authentication_error_without_retry_or_login(
    api: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    api.add(
        responses.POST,
        TOKEN_URL,
        status=401,
        json={"error": "invalid_client", "error_description": "Client authentication failed"},
    )

    with pytest.raises(AuthenticationError) as first:
        client.set_labels(ACCOUNT, [LABEL])
    with pytest.raises(AuthenticationError, match=r"\(rejected earlier; not sent again\)$") as second:
        client.set_labels(ACCOUNT, [LABEL])

    assert str(first.value) == "oauth.token: HTTP 401 invalid_client: Client authentication failed"
    assert second.value.code == "invalid_client"
    assert (client.calls["oauth.token"], client.calls["session.login"]) == (1, 0)


def test_credentials_and_client_reprs_hide_secrets(
    credentials: Credentials, client: ThingSpaceClient
) -> None:
    shown = repr(credentials) + str(credentials) + repr(client)

    assert "demo-client" in shown and "demo-user" in shown
    assert CLIENT_SECRET not in shown and PASSWORD not in shown
