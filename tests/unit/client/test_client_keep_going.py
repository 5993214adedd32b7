"""``keep_going``: asked before every request of a chunked call, it stops the call between two requests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses

from kits.client import ACCOUNT, BASE, LABELS_URL, FakeTime, sent
from pulumi_thingspace.client import ThingSpaceClient
from pulumi_thingspace.models import DeviceId, DeviceLabel
from pulumi_thingspace.results import CallbackResults

ASSIGN_URL = f"{BASE}/api/fota/v3/licenses/{ACCOUNT}/assign"
DELETE_URL = BASE + "/api/m2m/v1/devices/actions/delete"
SINK = "http://127.0.0.1:8"


class Stop(Exception):
    """What the test's ``keep_going`` raises."""


class Lifeline:
    """A ``keep_going`` that lets ``allowed`` calls through, then raises on every call."""

    def __init__(self, allowed: int) -> None:
        self.allowed = allowed
        self.asked = 0

    def __call__(self) -> None:
        self.asked += 1
        if self.asked > self.allowed:
            raise Stop(f"stopped at call {self.asked}")


def labels(count: int) -> list[DeviceLabel]:
    return [DeviceLabel(device_id=f"8904{n:028d}", name="VIN", value="v") for n in range(count)]


def test_labels_stop_after_the_request_in_flight(
    authed: responses.RequestsMock, make_client: Callable[..., ThingSpaceClient]
) -> None:
    authed.add(responses.POST, LABELS_URL, json={"requestId": "req-1"})
    lifeline = Lifeline(allowed=1)
    client = make_client(keep_going=lifeline)
    with pytest.raises(Stop, match="call 2"):
        client.set_labels(ACCOUNT, labels(4500))  # three chunks of at most 2,000
    assert len(sent(authed, "usagesegmentationlabels")) == 1


def test_license_and_delete_chunks_ask_before_each_request(
    authed: responses.RequestsMock, make_client: Callable[..., ThingSpaceClient]
) -> None:
    authed.add(responses.POST, ASSIGN_URL, json={"accountName": ACCOUNT, "deviceList": []})
    authed.add(responses.POST, DELETE_URL, json=[])
    lifeline = Lifeline(allowed=2)
    client = make_client(keep_going=lifeline, license_chunk_size=2)
    with pytest.raises(Stop):
        client.assign_licenses(ACCOUNT, [f"99000000000{n:04d}" for n in range(6)])
    assert len(sent(authed, "/assign")) == 2

    lifeline.allowed = lifeline.asked + 1
    devices = [DeviceId(kind="imei", id=f"99000000000{n:04d}") for n in range(250)]
    with pytest.raises(Stop):
        client.delete_devices(ACCOUNT, devices)
    assert len(sent(authed, "actions/delete")) == 1


def test_without_keep_going_every_chunk_is_sent(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, LABELS_URL, json={"requestId": "req-1"})
    assert client.set_labels(ACCOUNT, labels(4500)) == ["req-1"] * 3


def test_callback_results_stop_waiting_when_told(fake_time: FakeTime) -> None:
    lifeline = Lifeline(allowed=2)
    results = CallbackResults(
        SINK, "read-token", timeout=60, sleep=fake_time.sleep, clock=fake_time.clock, keep_going=lifeline
    )
    with responses.RequestsMock() as sink:
        sink.add(responses.GET, f"{SINK}/requests/req-1", status=404)
        with pytest.raises(Stop, match="call 3"):
            results.wait(["req-1"])
        assert len(sink.calls) == 2  # two rounds of polls, then it stopped instead of waiting on
    assert fake_time.now - 1000.0 < 60
