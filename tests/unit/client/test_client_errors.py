"""Every ThingSpace error body shape becomes one ThingSpaceError with status, code and endpoint."""

from __future__ import annotations

import json
import pickle

import pytest
import requests
import responses

from kits.client import ACCOUNT, BASE, LABELS_URL
from pulumi_thingspace.client import (
    ApiError,
    AuthenticationError,
    SessionExpiredError,
    ThingSpaceClient,
    ThingSpaceError,
    parse_error,
)
from pulumi_thingspace.models import DeviceLabel

EID = "89049032000001000000000000000042"


def make_response(status: int, text: str, reason: str = "") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = text.encode()
    response.reason = reason
    return response


@pytest.mark.parametrize(
    ("status", "text", "cls", "code", "message"),
    [
        (
            400,
            '{"errorCode":"UnifiedWebService.REQUEST_FAILED.AccountNotFound",'
            '"errorMessage":"Account not found"}',
            ApiError,
            "UnifiedWebService.REQUEST_FAILED.AccountNotFound",
            "Account not found",
        ),
        (
            400,
            json.dumps(
                {"errorCode": "UnifiedWebService.REQUEST_FAILED.SessionToken.Expired", "errorMessage": "x"}
            ),
            SessionExpiredError,
            "UnifiedWebService.REQUEST_FAILED.SessionToken.Expired",
            "x",
        ),
        (
            401,
            '{"fault":{"code":"900901","message":"Invalid Credentials",'
            '"description":"Invalid Credentials. Make sure you have given the correct access token"}}',
            AuthenticationError,
            "900901",
            "Invalid Credentials. Make sure you have given the correct access token",
        ),
        (
            401,
            '{"fault":{"code":900902,"message":"Missing Credentials",'
            '"description":"Required OAuth credentials"}}',
            AuthenticationError,
            "900902",
            "Missing Credentials: Required OAuth credentials",
        ),
        (
            400,
            '{"fault":{"code":900906,"message":"No matching resource found"}}',
            ApiError,
            "900906",
            "No matching resource found",
        ),
        (
            401,
            '{"error":"invalid_client","error_description":"Client authentication failed"}',
            AuthenticationError,
            "invalid_client",
            "Client authentication failed",
        ),
        (
            401,
            '<am:fault xmlns:am="http://wso2.org/apimanager"><am:code>900901</am:code>'
            "<am:message>Invalid Credentials</am:message>"
            "<am:description>Access failure for API: /api/m2m/v1</am:description></am:fault>",
            AuthenticationError,
            "900901",
            "Invalid Credentials: Access failure for API: /api/m2m/v1",
        ),
        (503, "", ThingSpaceError, None, "Service Unavailable"),
        (404, "<html><body><h1>Not   Found</h1></body></html>", ApiError, None, "Not Found"),
        (400, "[1, 2]", ApiError, None, "[1, 2]"),
    ],
    ids=[
        "errorCode",
        "session-expired",
        "fault-str",
        "fault-int",
        "fault-400",
        "oauth",
        "xml",
        "empty",
        "html",
        "list",
    ],
)
def test_parse_error_shapes(status: int, text: str, cls: type, code: str | None, message: str) -> None:
    error = parse_error(make_response(status, text, reason="Service Unavailable"), "labels.set")

    assert type(error) is cls
    assert (error.status, error.code, error.message, error.endpoint) == (status, code, message, "labels.set")
    assert str(error) == f"labels.set: HTTP {status}{' ' + code if code else ''}: {message}"


def test_codes_are_matched_by_suffix_not_message() -> None:
    body = {
        "errorCode": "DeviceService.INPUT_INVALID.CustomField.InvalidName",
        "errorMessage": "Account not found",
    }
    error = parse_error(make_response(400, json.dumps(body)), "devices.list")

    assert error.code_endswith("CustomField.InvalidName")
    assert not error.code_endswith("AccountNotFound")
    assert not parse_error(make_response(503, ""), "x").code_endswith("")


def test_parse_error_scrubs_echoed_secrets_and_truncates() -> None:
    text = json.dumps({"errorCode": "X.Y", "errorMessage": "bad token tok-SECRET-1 " + "z" * 1000})
    error = parse_error(make_response(400, text), "labels.set", secrets=["tok-SECRET-1"])

    assert "tok-SECRET-1" not in str(error) + repr(error)
    assert len(error.message) <= 300


def test_api_error_reaches_the_caller_with_endpoint_status_and_code(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(
        responses.POST,
        LABELS_URL,
        status=400,
        json={"errorCode": "UnifiedWebService.INPUT_INVALID.Label.Name", "errorMessage": "name too long"},
    )

    with pytest.raises(ApiError) as caught:
        client.set_labels(ACCOUNT, [DeviceLabel(device_id=EID, name="n", value="v")])

    assert (
        str(caught.value) == "labels.set: HTTP 400 UnifiedWebService.INPUT_INVALID.Label.Name: name too long"
    )
    assert client.calls["labels.set"] == 1  # a 4xx is not retried


def test_unknown_path_fault_is_an_api_error(authed: responses.RequestsMock, client: ThingSpaceClient) -> None:
    authed.add(
        responses.GET,
        BASE + f"/api/fota/v1/subscriptions/{ACCOUNT}",
        status=400,
        json={"fault": {"code": 900906, "message": "No matching resource found"}},
    )

    with pytest.raises(ApiError, match=r"^fota\.subscription: HTTP 400 900906: No matching resource found$"):
        client.subscription(ACCOUNT)


def test_non_json_success_body_is_an_api_error(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, LABELS_URL, body="<html>ok</html>")

    with pytest.raises(ApiError, match=r"^labels\.set: HTTP 200: answer is not JSON$"):
        client.set_labels(ACCOUNT, [DeviceLabel(device_id=EID, name="n", value="v")])


def test_errors_survive_pickling_with_their_fields() -> None:
    error = ApiError("Account not found", endpoint="devices.list", status=400, code="X.AccountNotFound")

    copy = pickle.loads(pickle.dumps(error))

    assert type(copy) is ApiError
    assert (copy.message, copy.endpoint, copy.status, copy.code) == (
        "Account not found",
        "devices.list",
        400,
        "X.AccountNotFound",
    )
    assert str(copy) == str(error)


def test_redirects_are_not_followed(authed: responses.RequestsMock, client: ThingSpaceClient) -> None:
    authed.add(
        responses.POST, LABELS_URL, status=302, headers={"Location": "https://elsewhere.invalid/steal"}
    )

    with pytest.raises(ThingSpaceError, match=r"^labels\.set: HTTP 302"):
        client.set_labels(ACCOUNT, [DeviceLabel(device_id=EID, name="n", value="v")])
    assert [c.request.url for c in authed.calls if "elsewhere" in (c.request.url or "")] == []
