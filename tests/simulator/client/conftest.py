"""The client's whole endpoint suite against a running simulator: in-process and via the console script."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kits.simulator import Sim
from pulumi_thingspace.client import Credentials, ThingSpaceClient
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.config import SimulatorConfig
from pulumi_thingspace.simulator.seed import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)

SCRIPT = Path(sys.executable).with_name("thingspace-simulator")
PAGE = 5  # small device pages, so the demo fleet's 12 devices take three pages


@pytest.fixture(scope="module", params=["in-process", "console-script"])
def sim_http(request: pytest.FixtureRequest) -> Iterator[Sim]:
    """The demo simulator reached over HTTP only, one per module, started in this process or (unlike
    ``sim``) by the ``thingspace-simulator`` script, so the client suite runs against both."""
    if request.param == "in-process":
        with SimulatorServer(config=SimulatorConfig(device_page_size=PAGE)) as server:
            yield Sim(server.url)
        return
    command = [str(SCRIPT)] if SCRIPT.exists() else [sys.executable, "-m", "pulumi_thingspace.simulator"]
    proc = subprocess.Popen(
        [*command, "--port", "0", "--device-page-size", str(PAGE), "--log-level", "warning"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        assert first.startswith("thingspace-simulator listening on "), first
        yield Sim(first.rsplit(" ", 1)[1])
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def client(sim_http: Sim) -> Iterator[ThingSpaceClient]:
    """A client with the demo credentials; closed after the test."""
    with ThingSpaceClient(
        Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USERNAME, DEMO_PASSWORD), sim_http.url
    ) as c:
        yield c
