"""Reliability and security suite: the real provider, simulator and sink over loopback, bounded in time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir
from reliability_kit import sink_settings

from pulumi_thingspace.simulator import SimulatorConfig, SimulatorServer
from pulumi_thingspace.sink import SinkServer


@pytest.fixture(scope="session", autouse=True)
def hypothesis_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Hypothesis keeps its files (the constants cache) in a temporary directory, not in the checkout."""
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))


@pytest.fixture
def sim() -> Iterator[SimulatorServer]:
    """A simulator with the demo fleet; unacknowledged callbacks are resent quickly."""
    with SimulatorServer(config=SimulatorConfig(callback_resend_seconds=0.1)) as server:
        yield server


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SinkServer]:
    """A callback sink on a free loopback port with its own database."""
    with SinkServer(sink_settings(tmp_path / "callbacks.db")) as server:
        yield server
