"""The end-to-end tier's fixtures: the simulator, a callback sink and a stack on both, per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_testkit import sink_settings, stack

from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import Engine


@pytest.fixture
def sim() -> Iterator[SimulatorServer]:
    with SimulatorServer() as server:
        yield server


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SinkServer]:
    with SinkServer(sink_settings(tmp_path / "callbacks.db")) as server:
        yield server


@pytest.fixture
def engine(sim: SimulatorServer, sink: SinkServer, tmp_path: Path) -> Iterator[Engine]:
    with stack(sim, sink, tmp_path, timeout=20) as eng:
        yield eng
