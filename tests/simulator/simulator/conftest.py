"""Fixtures: the simulator with fast timings, a logged-in API session and a callback receiver."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kits.simulator import ACCOUNT, Api, Receiver, fast_config
from pulumi_thingspace.simulator import SimulatorConfig, SimulatorServer


@pytest.fixture(scope="module")
def sim_config() -> SimulatorConfig:
    """The ``sim`` fixture of this folder resends callbacks and deactivates devices within 50 ms."""
    return fast_config()


@pytest.fixture
def api(sim: SimulatorServer) -> Api:
    client = Api(sim.url)
    assert client.login().status_code == 200
    return client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.close()


@pytest.fixture
def listening(api: Api, receiver: Receiver) -> Receiver:
    """The receiver registered as the demo account's CarrierService listener (user foo, password bar)."""
    body = {"name": "CarrierService", "url": receiver.url, "username": "foo", "password": "bar"}
    assert api.post(f"/api/m2m/v1/callbacks/{ACCOUNT}", body).status_code == 200
    return receiver
