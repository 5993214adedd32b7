"""Local simulator of the Verizon ThingSpace API: same paths and bodies, stateful, with faults.

Start it in-process with :class:`SimulatorServer` (``with SimulatorServer() as sim: sim.url``) or from
the shell with ``thingspace-simulator --port 8650``. The admin API lives under ``/_admin``. Behaviour,
admin endpoints, the seed format and every simulator assumption are described in ``docs.md`` next to
this file.
"""

from __future__ import annotations

from ..serving import require_server_extra

require_server_extra("ThingSpace simulator")

from .app import create_app
from .config import SimulatorConfig
from .faults import FaultSettings
from .records import DeviceSpec
from .seed import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    Seed,
    build_state,
    demo_seed,
    load_seed,
)
from .server import SimulatorServer
from .state import SimulatorState
from .synthetic import synthetic_ids

__all__ = [
    "DEMO_ACCOUNT",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_PASSWORD",
    "DEMO_USERNAME",
    "DeviceSpec",
    "FaultSettings",
    "Seed",
    "SimulatorConfig",
    "SimulatorServer",
    "SimulatorState",
    "build_state",
    "create_app",
    "demo_seed",
    "load_seed",
    "synthetic_ids",
]
