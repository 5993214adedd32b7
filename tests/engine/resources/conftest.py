"""Engine-path tests: real programs, the SDK's provider server over gRPC, the simulator over loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_testkit import provider_config

from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.testing import Engine, ProviderServer


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    """One simulator per module, serving the demo account."""
    with SimulatorServer() as server:
        yield server


@pytest.fixture(scope="module")
def provider_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    """The SDK's dynamic provider server, started as the engine starts it."""
    project_dir: Path = tmp_path_factory.mktemp("fleet")
    with ProviderServer(cwd=project_dir, project="fleet") as server:
        yield server


@pytest.fixture
def engine(provider_server: ProviderServer, sim: SimulatorServer) -> Engine:
    """A fresh stack on the module's provider server, configured for the simulator."""
    return Engine(provider_server, project="fleet", stack="dev", config=provider_config(sim.url))
