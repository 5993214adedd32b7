"""Compact (bundle) resources: unit tests, the SDK's provider server, and the real CLI."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from compact_kit import HOOK_PASSWORD, HOOK_USER, READ_TOKEN
from hypothesis.configuration import set_hypothesis_home_dir

from pulumi_thingspace.simulator import SimulatorConfig, SimulatorServer
from pulumi_thingspace.sink import SinkServer, SinkSettings


@pytest.fixture(scope="session", autouse=True)
def hypothesis_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Hypothesis keeps its files in a temporary directory, not in the checkout."""
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))


@pytest.fixture
def sim() -> Iterator[SimulatorServer]:
    """A simulator with the demo fleet; unacknowledged callbacks are resent quickly."""
    with SimulatorServer(config=SimulatorConfig(callback_resend_seconds=0.1)) as server:
        yield server


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SinkServer]:
    """A callback sink on a free loopback port with its own database."""
    settings = SinkSettings(
        callback_username=HOOK_USER,
        callback_password=HOOK_PASSWORD,
        read_token=READ_TOKEN,
        db_path=tmp_path / "callbacks.db",
    )
    with SinkServer(settings) as server:
        yield server
