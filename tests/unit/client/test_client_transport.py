"""Transient failures (429, 5xx, network) are retried with bounded, jittered backoff; Retry-After wins."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
import requests
import responses

from kits.client import ACCOUNT, BASE, LABELS_URL, FakeTime
from pulumi_thingspace.client import (
    DEFAULT_BASE_URL,
    ConnectionFailure,
    Credentials,
    RetryExhaustedError,
    RetryPolicy,
    ThingSpaceClient,
)
from pulumi_thingspace.client.transport import retry_after_seconds
from pulumi_thingspace.models import DeviceLabel

LABEL = DeviceLabel(device_id="89049032000001000000000000000042", name="fleet", value="north")
OK = {"requestId": "r-1"}
THROTTLED = {"errorCode": "UnifiedWebService.REQUEST_FAILED.TooManyRequests", "errorMessage": "Slow down"}


def test_429_waits_exactly_the_retry_after_seconds(
    authed: responses.RequestsMock, client: ThingSpaceClient, fake_time: FakeTime
) -> None:
    authed.add(responses.POST, LABELS_URL, status=429, json=THROTTLED, headers={"Retry-After": "7"})
    authed.add(responses.POST, LABELS_URL, json=OK)

    assert client.set_labels(ACCOUNT, [LABEL]) == ["r-1"]

    assert fake_time.sleeps == [7.0]
    assert client.calls["labels.set"] == 2


def test_5xx_then_success_backs_off_with_jitter_inside_the_exponential_window(
    authed: responses.RequestsMock, client: ThingSpaceClient, fake_time: FakeTime
) -> None:
    authed.add(responses.POST, LABELS_URL, status=502)
    authed.add(responses.POST, LABELS_URL, status=503, body="<html>busy</html>")
    authed.add(responses.POST, LABELS_URL, json=OK)

    assert client.set_labels(ACCOUNT, [LABEL]) == ["r-1"]

    assert len(fake_time.sleeps) == 2
    assert 0 <= fake_time.sleeps[0] <= 0.5 and 0 <= fake_time.sleeps[1] <= 1.0


def test_gives_up_after_max_attempts_naming_attempts_and_endpoint(
    authed: responses.RequestsMock, client: ThingSpaceClient, fake_time: FakeTime
) -> None:
    authed.add(responses.POST, LABELS_URL, status=503, body="")

    with pytest.raises(RetryExhaustedError) as caught:
        client.set_labels(ACCOUNT, [LABEL])

    assert str(caught.value).startswith("labels.set: HTTP 503: gave up after 4 attempts")
    assert caught.value.endpoint == "labels.set"
    assert client.calls["labels.set"] == 4
    assert len(fake_time.sleeps) == 3


def test_total_time_is_bounded_even_when_attempts_remain(
    authed: responses.RequestsMock, make_client: Callable[..., ThingSpaceClient], fake_time: FakeTime
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=100, max_elapsed=10.0))
    authed.add(responses.POST, LABELS_URL, status=429, json=THROTTLED, headers={"Retry-After": "4"})

    with pytest.raises(RetryExhaustedError, match="gave up after 4 attempts: Slow down") as caught:
        client.set_labels(ACCOUNT, [LABEL])

    assert fake_time.sleeps == [4.0, 4.0, 2.0]  # the last wait is cut to the remaining budget
    assert caught.value.code == THROTTLED["errorCode"]


def test_connection_error_is_retried(
    authed: responses.RequestsMock, client: ThingSpaceClient, fake_time: FakeTime
) -> None:
    authed.add(responses.POST, LABELS_URL, body=requests.ConnectionError("connection reset"))
    authed.add(responses.POST, LABELS_URL, json=OK)

    assert client.set_labels(ACCOUNT, [LABEL]) == ["r-1"]
    assert client.calls["labels.set"] == 2 and len(fake_time.sleeps) == 1


def test_persistent_connection_failure_is_raised_after_the_bound(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, LABELS_URL, body=requests.ConnectTimeout("timed out"))

    with pytest.raises(ConnectionFailure, match=r"^labels\.set: gave up after 4 attempts: ConnectTimeout"):
        client.set_labels(ACCOUNT, [LABEL])


def test_single_attempt_policy_does_not_retry(
    authed: responses.RequestsMock, make_client: Callable[..., ThingSpaceClient], fake_time: FakeTime
) -> None:
    client = make_client(retry=RetryPolicy(max_attempts=1))
    authed.add(responses.POST, LABELS_URL, status=500)

    with pytest.raises(RetryExhaustedError, match="gave up after 1 attempt:"):
        client.set_labels(ACCOUNT, [LABEL])
    assert fake_time.sleeps == []


def test_retries_are_logged_with_method_endpoint_status_and_attempt(
    authed: responses.RequestsMock, client: ThingSpaceClient, caplog: pytest.LogCaptureFixture
) -> None:
    authed.add(responses.POST, LABELS_URL, status=503)
    authed.add(responses.POST, LABELS_URL, json=OK)

    with caplog.at_level(logging.DEBUG, logger="pulumi_thingspace.client"):
        client.set_labels(ACCOUNT, [LABEL])

    messages = [r.getMessage() for r in caplog.records if r.name == "pulumi_thingspace.client"]
    assert "POST labels.set attempt 1: HTTP 503" in messages
    assert "POST labels.set attempt 2: HTTP 200" in messages
    assert any(
        m.startswith("POST labels.set attempt 1 of 4 failed (HTTP 503); retrying in") for m in messages
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [("3", 3.0), ("0.5", 0.5), ("-2", 0.0), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)],
)
def test_retry_after_parsing(header: str, expected: float | None) -> None:
    response = requests.Response()
    response.headers["Retry-After"] = header

    assert retry_after_seconds(response) == expected


def test_base_url_is_scheme_and_host_only(credentials: Credentials) -> None:
    assert DEFAULT_BASE_URL == "https://thingspace.verizon.com"
    assert ThingSpaceClient(credentials).base_url == DEFAULT_BASE_URL
    assert ThingSpaceClient(credentials, BASE + "/").base_url == BASE
    for bad in (DEFAULT_BASE_URL + "/api", "thingspace.verizon.com", "ftp://host", BASE + "?x=1"):
        with pytest.raises(ValueError, match="base_url"):
            ThingSpaceClient(credentials, bad)


def test_default_retry_policy_matches_the_documented_bound() -> None:
    assert RetryPolicy() == RetryPolicy(max_attempts=6, max_elapsed=60.0, backoff_base=0.5, backoff_cap=10.0)
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_a_request_that_cannot_be_sent_fails_at_once(
    authed: responses.RequestsMock, client: ThingSpaceClient, fake_time: FakeTime
) -> None:
    authed.add(responses.POST, LABELS_URL, body=requests.exceptions.InvalidHeader("bad header value"))

    with pytest.raises(ConnectionFailure, match=r"^labels\.set: InvalidHeader: bad header value$"):
        client.set_labels(ACCOUNT, [LABEL])
    assert client.calls["labels.set"] == 1 and fake_time.sleeps == []


def test_a_broken_response_stream_is_retried(
    authed: responses.RequestsMock, client: ThingSpaceClient, fake_time: FakeTime
) -> None:
    authed.add(responses.POST, LABELS_URL, body=requests.exceptions.ChunkedEncodingError("cut"))
    authed.add(responses.POST, LABELS_URL, json=OK)

    assert client.set_labels(ACCOUNT, [LABEL]) == ["r-1"]
    assert len(fake_time.sleeps) == 1
