"""The resources through the SDK's provider server over gRPC, against the simulator (and the sink)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kits.stack import engine_for, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import Engine, ProviderServer


@pytest.fixture(scope="module")
def provider_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    """The SDK's dynamic provider server, started as the engine starts it, one per module."""
    project_dir: Path = tmp_path_factory.mktemp("fleet")
    with ProviderServer(cwd=project_dir, project="fleet") as server:
        yield server


@pytest.fixture
def engine(provider_server: ProviderServer, module_sim: SimulatorServer) -> Engine:
    """A fresh stack on the module's provider server, configured (once per process) for ``module_sim``."""
    return Engine(provider_server, project="fleet", stack="dev", config=stack_config(module_sim))


@pytest.fixture
def engine_with_sink(sim: SimulatorServer, sink: SinkServer, tmp_path: Path) -> Iterator[Engine]:
    """A stack in its own provider process whose label changes wait for their results in the sink."""
    with engine_for(tmp_path, stack_config(sim, sink, timeout=20)) as engine:
        yield engine
