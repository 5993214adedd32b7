"""CallbackResults: the provider-side poller, against a real sink on loopback."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
import responses

from kits.client import FakeTime
from kits.sink import EID_A, EID_B, SEED_000_CALLBACK, SEED_001_CALLBACK, callback_body, make_settings, read
from kits.sink_backends import Backend
from kits.stack import READ_TOKEN
from pulumi_thingspace.results import (
    CallbackResults,
    LineOutcome,
    ResultsAuthError,
    ResultsError,
    ResultsTimeout,
)
from pulumi_thingspace.sink import CallbackStore, SinkServer
from pulumi_thingspace.sink.ledger import LedgerView

NOT_EXIST = "The device does not exist"


def post_later(url: str, body: dict[str, Any], delay: float) -> threading.Timer:
    timer = threading.Timer(delay, lambda: requests.post(url, json=body, timeout=10))
    timer.start()
    return timer


def fast(url: str, **kwargs: Any) -> CallbackResults:
    kwargs.setdefault("timeout", 10)
    return CallbackResults(url, READ_TOKEN, poll_interval=0.02, max_interval=0.1, **kwargs)


def test_waits_across_empty_polls_until_the_callback_arrives(sink: SinkServer) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        time.sleep(seconds)

    timer = post_later(sink.callback_url, callback_body("req-late"), 0.3)
    outcomes = fast(sink.url, sleep=sleep).wait(["req-late"])
    timer.join()
    assert len(slept) >= 2  # it polled and found nothing before the callback landed
    assert outcomes == {"req-late": [LineOutcome(EID_A, "VIN", "V1", "Set", True, "")]}


def test_poll_interval_doubles_up_to_the_maximum_and_stops_at_the_deadline(sink: SinkServer) -> None:
    fake = FakeTime()
    results = CallbackResults(
        sink.url,
        READ_TOKEN,
        timeout=20,
        poll_interval=0.5,
        max_interval=5,
        sleep=fake.sleep,
        clock=fake.clock,
    )
    with pytest.raises(ResultsTimeout):
        results.wait(["req-never"])
    assert fake.sleeps == [0.5, 1, 2, 4, 5, 5, 2.5]


def test_duplicates_and_resends_merge_to_one_outcome_per_device_label_and_action(
    sink: SinkServer,
) -> None:
    lines = [(EID_A, "VIN", "V1", "Set", "Success"), (EID_B, "VIN", "V2", "Set", "Failed")]
    repeated = [*lines, (EID_A, "VIN", "V1", "Set", "Success"), (EID_A, "VIN", "V1", "Remove", "Success")]
    for body in (callback_body("req-m", lines), callback_body("req-m", lines, count=2)):
        requests.post(sink.callback_url, json=body, timeout=10)
    requests.post(sink.callback_url, json=callback_body("req-m", repeated, count=3), timeout=10)
    outcomes = fast(sink.url).wait(["req-m"])["req-m"]
    assert outcomes == [
        LineOutcome(EID_A, "VIN", "V1", "Set", True, ""),
        LineOutcome(EID_B, "VIN", "V2", "Set", False, NOT_EXIST),
        LineOutcome(EID_A, "VIN", "V1", "Remove", True, ""),
    ]


def test_a_later_callback_for_the_same_line_replaces_the_earlier_outcome(sink: SinkServer) -> None:
    requests.post(
        sink.callback_url, json=callback_body("req-l", [(EID_B, "VIN", "V2", "Set", "Failed")]), timeout=10
    )
    later = callback_body("req-l", [(EID_B, "VIN", "V2", "set", "Success")], count=2)
    requests.post(sink.callback_url, json=later, timeout=10)
    assert fast(sink.url).wait(["req-l"]) == {"req-l": [LineOutcome(EID_B, "VIN", "V2", "set", True, "")]}


def test_several_request_ids_arriving_out_of_order(sink: SinkServer) -> None:
    ids = ["req-a", "req-b", "req-c"]
    eids = {"req-a": EID_A, "req-b": EID_B, "req-c": "8" * 32}
    timers = [
        post_later(
            sink.callback_url, callback_body(rid, [(eids[rid], "FLEET", rid, "Set", "Success")]), delay
        )
        for rid, delay in (("req-c", 0.05), ("req-a", 0.2), ("req-b", 0.35))
    ]
    outcomes = fast(sink.url).wait([*ids, "req-a"])
    for t in timers:
        t.join()
    assert list(outcomes) == ids
    assert {rid: [(o.device_id, o.label_value, o.ok) for o in v] for rid, v in outcomes.items()} == {
        rid: [(eids[rid], rid, True)] for rid in ids
    }


def test_timeout_names_every_pending_request_id_and_keeps_the_completed_ones(sink: SinkServer) -> None:
    requests.post(sink.callback_url, json=callback_body("req-done"), timeout=10)
    started = time.monotonic()
    with pytest.raises(ResultsTimeout) as caught:
        fast(sink.url, timeout=0.3).wait(["req-done", "req-p1", "req-p2"])
    assert time.monotonic() - started < 3
    message = str(caught.value)
    assert "req-p1" in message and "req-p2" in message and "0.3s" in message
    assert "req-done" not in message
    assert caught.value.pending == ("req-p1", "req-p2")
    assert list(caught.value.completed) == ["req-done"]


def test_wrong_read_token_is_a_clear_error_without_the_token(sink: SinkServer) -> None:
    with pytest.raises(ResultsAuthError) as caught:
        CallbackResults(sink.url, "not-the-token-123", timeout=5).wait(["req-any"])
    assert "read token" in str(caught.value)
    assert "not-the-token-123" not in str(caught.value)


class FlakyStore(CallbackStore):
    """Fails the first ``failures`` reads of ``inner``, like a database that is briefly unavailable."""

    def __init__(self, inner: CallbackStore, failures: int) -> None:
        self.inner = inner
        self.failures = failures
        self.reads = 0

    def add(self, request_id: str, callback_count: int, body: dict[str, Any], account: str = "") -> bool:
        return self.inner.add(request_id, callback_count, body, account)

    def ledger(self, account: str, keys: Sequence[str]) -> LedgerView:
        return self.inner.ledger(account, keys)

    def get(self, request_id: str) -> list[dict[str, Any]]:
        self.reads += 1
        if self.reads <= self.failures:
            raise RuntimeError("database is locked")
        return self.inner.get(request_id)

    def purge(self, older_than_seconds: float) -> int:
        return self.inner.purge(older_than_seconds)

    def close(self) -> None:
        self.inner.close()


def test_server_errors_are_retried(backend: Backend) -> None:
    store = FlakyStore(backend.open(), failures=3)
    with SinkServer(make_settings(backend.target), store) as sink:
        requests.post(sink.callback_url, json=callback_body("req-f"), timeout=10)
        assert requests.get(f"{sink.url}/requests/req-f", timeout=5).status_code == 401
        outcomes = fast(sink.url).wait(["req-f"])
    store.close()
    assert store.reads == 4
    assert outcomes["req-f"][0].ok


def test_recovers_when_the_sink_restarts_while_waiting(backend: Backend) -> None:
    first = SinkServer(make_settings(backend.target)).start()
    url, port = first.url, first.port
    with ThreadPoolExecutor(1) as pool:
        waiting = pool.submit(fast(url).wait, ["req-restart"])
        time.sleep(0.2)
        first.stop()
        time.sleep(0.3)  # the poller meets refused connections now
        assert not waiting.done()
        with SinkServer(make_settings(backend.target), port=port) as second:
            requests.post(second.callback_url, json=callback_body("req-restart"), timeout=10)
            outcomes = waiting.result(timeout=10)
    assert outcomes["req-restart"][0].device_id == EID_A


def test_seed_callbacks_for_set_and_remove(backend: Backend) -> None:
    settings = make_settings(backend.target, callback_username="foo", callback_password="bar")
    with SinkServer(settings) as sink:
        headers = {"Content-Type": "application/json"}
        requests.post(sink.callback_url, data=SEED_001_CALLBACK.encode(), headers=headers, timeout=10)
        requests.post(sink.callback_url, json=SEED_000_CALLBACK, timeout=10)
        set_id, remove_id = "595f5c44-c31c-4552-8670-020a1545a84d", "8835387e-cbf9-4df5-bb66-522c5072fb21"
        outcomes = fast(sink.url).wait([set_id, remove_id])
    assert outcomes[set_id] == [
        LineOutcome("3029423189477699229543109876975", "VIN", "XX1TFCFL5EA137745", "Set", True, ""),
        LineOutcome(
            "29183120783667588118432098765864",
            "VIN",
            "XXUZL54B5YN105457",
            "Set",
            False,
            "The device does not exist",
        ),
    ]
    assert outcomes[remove_id] == [
        LineOutcome("8991101200003204514", "vin", "meetapk12345678", "Remove", True, "")
    ]


def test_a_fault_callback_completes_the_request_as_failed(sink: SinkServer) -> None:
    body = {
        "username": sink.settings.callback_username,
        "password": sink.settings.callback_password,
        "requestId": "req-fault",
        "deviceIds": [{"id": EID_A, "kind": "EID"}],
        "faultResponse": {
            "faultcode": "UnifiedWebService.X",
            "faultstring": "REQUEST_FAILED. X",
        },
        "status": "Failed",
        "callbackCount": 1,
        "maxCallbackThreshold": 4,
    }
    requests.post(sink.callback_url, json=body, timeout=10)
    outcomes = fast(sink.url).wait(["req-fault"])["req-fault"]
    assert outcomes == [LineOutcome(EID_A, "", "", "", False, "UnifiedWebService.X: REQUEST_FAILED. X")]


def test_a_callback_without_label_lines_does_not_complete_a_request(sink: SinkServer) -> None:
    body = callback_body("req-empty", [])
    requests.post(sink.callback_url, json=body, timeout=10)
    with pytest.raises(ResultsTimeout):
        fast(sink.url, timeout=0.2).wait(["req-empty"])


def test_token_never_appears_in_repr_errors_or_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    results = CallbackResults(f"http://127.0.0.1:{closed_port}", READ_TOKEN, timeout=0.2, poll_interval=0.05)
    with pytest.raises(ResultsTimeout) as caught:
        results.wait(["req-1"])
    assert "ConnectionError" in str(caught.value)
    for text in (repr(results), str(caught.value), repr(caught.value), caplog.text):
        assert READ_TOKEN not in text


@responses.activate
def test_rate_limits_are_retried_and_odd_answers_are_errors() -> None:
    base = "http://sink.invalid"
    good = {"requestId": "r1", "callbacks": [callback_body("r1")]}
    responses.get(f"{base}/requests/r1", status=429)
    responses.get(f"{base}/requests/r1", status=502, body="<html>bad gateway</html>")
    responses.get(f"{base}/requests/r1", json=good)
    assert fast(base).wait(["r1"])["r1"][0].ok
    assert responses.calls[0].request.headers["Authorization"] == f"Bearer {READ_TOKEN}"

    responses.get(f"{base}/requests/r2", json={"unexpected": True})
    with pytest.raises(ResultsError, match="did not answer"):
        fast(base).wait(["r2"])
    responses.get(f"{base}/requests/r3", status=403)
    with pytest.raises(ResultsAuthError):
        fast(base).wait(["r3"])
    responses.get(f"{base}/requests/r4", status=400)
    with pytest.raises(ResultsError, match="HTTP 400"):
        fast(base).wait(["r4"])


def test_nothing_to_wait_for_and_invalid_arguments() -> None:
    assert CallbackResults("http://127.0.0.1:9", READ_TOKEN).wait([]) == {}
    with pytest.raises(ValueError, match="read token"):
        CallbackResults("http://127.0.0.1:9", "")
    with pytest.raises(ValueError, match="http"):
        CallbackResults("127.0.0.1:9", READ_TOKEN)


def test_a_timeout_says_the_sink_rejected_the_callbacks_for_a_wrong_listener_username(
    sink: SinkServer,
) -> None:
    # ThingSpace echoes the listener's username; a listener registered with another one is refused.
    for count in (1, 2):
        refused = requests.post(
            sink.callback_url, json=callback_body("req-rej", count=count, username="someone-else"), timeout=10
        )
        assert refused.status_code == 401
    pending = read(sink.url, "req-rej")
    assert pending.status_code == 404
    assert pending.json()["rejected"] == {
        "count": 2,
        "reason": "username or password does not match the sink's",
    }
    with pytest.raises(ResultsTimeout) as caught:
        fast(sink.url, timeout=0.3).wait(["req-rej", "req-quiet"])
    message = str(caught.value)
    assert "the sink REJECTED 2 callback(s) for req-rej" in message and "--callback-username" in message
    assert "req-quiet:" not in message  # only the id that saw rejections is said to be rejected
    assert caught.value.rejected == {"req-rej": pending.json()["rejected"]}
    assert "someone-else" not in message
