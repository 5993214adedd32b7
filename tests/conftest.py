"""Fixtures shared by every tier, each defined here only.

* ``sim``: the ThingSpace simulator with the demo fleet, fresh for every test, built from the
  ``sim_seed`` and ``sim_config`` fixtures. ``module_sim`` is the same, one per module, for tests that
  share it (e.g. with a module-scoped provider server, which is configured once with its URL).
* ``sink``: a callback sink with its own SQLite store, fresh for every test, built from the
  ``sink_config`` fixture (``kits.stack.sink_settings``).
* ``services``: the simulator and a sink as ``make demo`` runs them, one pair per module (the real-CLI
  tests share them across a module's tests).
* ``pulumi_cli``: the real ``pulumi``; without one the test is skipped (failed under ``CI=true``).

These fixtures are never redefined. A module changes ``sim``, ``module_sim`` and ``sink`` with a marker,
e.g. ``pytestmark = pytest.mark.sim_config(callback_resend_seconds=0.1)`` (also ``sim_seed(seed)`` and
``sink_config(**SinkSettings fields)``); a folder overrides the ``sim_config`` (module scope) or
``sink_config`` fixture in its conftest.py. Stack config for them comes from ``kits.stack.stack_config``.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from kits.ci import require
from kits.stack import sink_settings
from pulumi_thingspace.demo.services import Services, running_services
from pulumi_thingspace.simulator import SimulatorConfig, SimulatorServer
from pulumi_thingspace.simulator.app import SeedSource
from pulumi_thingspace.sink import SinkServer, SinkSettings
from pulumi_thingspace.testing.cli import PulumiCli, PulumiNotFoundError, find_pulumi


@pytest.fixture(scope="session", autouse=True)
def hypothesis_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Hypothesis keeps its files (the constants cache) in a temporary directory, not in the checkout."""
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))


@pytest.fixture(scope="session")
def pulumi_cli() -> PulumiCli:
    """The real ``pulumi`` (``THINGSPACE_PULUMI_CLI``, on ``PATH`` or built by ``make pulumi``)."""
    return require(find_pulumi, PulumiNotFoundError, "no Pulumi CLI for the real-CLI test")


@pytest.fixture(scope="module")
def sim_seed(request: pytest.FixtureRequest) -> SeedSource:
    """What the simulator starts with: the demo fleet (account ``0000000000-00001``), or the seed of the
    module's ``sim_seed`` marker."""
    marker = request.node.get_closest_marker("sim_seed")
    return marker.args[0] if marker else None


@pytest.fixture(scope="module")
def sim_config(request: pytest.FixtureRequest) -> SimulatorConfig:
    """The simulator's timings and limits: its defaults (which follow ThingSpace), changed by the fields
    of the module's ``sim_config`` marker."""
    marker = request.node.get_closest_marker("sim_config")
    return SimulatorConfig(**(marker.kwargs if marker else {}))


@contextmanager
def running_sim(seed: SeedSource, config: SimulatorConfig) -> Iterator[SimulatorServer]:
    """A simulator on a free loopback port, on copies of ``seed`` and ``config``."""
    seed = copy.deepcopy(seed) if isinstance(seed, dict) else seed
    with SimulatorServer(seed, config=dataclasses.replace(config)) as server:
        yield server


@pytest.fixture
def sim(sim_seed: SeedSource, sim_config: SimulatorConfig) -> Iterator[SimulatorServer]:
    """A simulator, fresh for each test."""
    with running_sim(sim_seed, sim_config) as server:
        yield server


@pytest.fixture(scope="module")
def module_sim(sim_seed: SeedSource, sim_config: SimulatorConfig) -> Iterator[SimulatorServer]:
    """A simulator shared by the tests of a module (each must leave the others' devices alone)."""
    with running_sim(sim_seed, sim_config) as server:
        yield server


@pytest.fixture
def sink_config(request: pytest.FixtureRequest, tmp_path: Path) -> SinkSettings:
    """The sink's settings: the test credentials of ``kits.stack`` on a fresh SQLite file, changed by the
    fields of the module's ``sink_config`` marker."""
    marker = request.node.get_closest_marker("sink_config")
    return sink_settings(tmp_path / "callbacks.db", **(marker.kwargs if marker else {}))


@pytest.fixture
def sink(sink_config: SinkSettings) -> Iterator[SinkServer]:
    """A callback sink on a free loopback port, fresh for each test."""
    with SinkServer(sink_config) as server:
        yield server


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    """The simulator (demo fleet) and a callback sink as ``make demo`` runs them, one pair per module."""
    with running_services(tmp_path_factory.mktemp("services")) as running:
        yield running
