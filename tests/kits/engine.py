"""The engine tier's kit: the programs its tests run, the fleets they add, the failures they name."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping

import pulumi

import pulumi_thingspace as thingspace
from kits.stack import ACCOUNT, HOOK_PASSWORD, HOOK_USER
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import DEMO_USERNAME
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import Engine

MISSING_EID = "89049032000001009999999999999999"  # well-formed, not in the fleet
FORCED = "Simulated failure for this device"
AUTH_ENDPOINTS = ("POST /api/ts/v1/oauth2/token", "POST /api/m2m/v1/session/login")
LABELS_SET = "POST /api/m2m/v1/devices/actions/usagesegmentationlabels"


def behind_listener(sink: SinkServer, password: str = HOOK_PASSWORD) -> pulumi.ResourceOptions:
    """Declare a CarrierService listener posting to ``sink``; options that make a resource wait for it."""
    listener = thingspace.CallbackListener(
        "carrier", account_name=ACCOUNT, url=sink.callback_url, username=HOOK_USER, password=password
    )
    return pulumi.ResourceOptions(depends_on=[listener])


def label_set(
    labels: Mapping[str, str],
    *,
    sink: SinkServer | None = None,
    name: str = "VIN",
    password: str = HOOK_PASSWORD,
    resource: str = "labels",
) -> Callable[[], None]:
    """A program: labels ``{eid: value}`` (resource ``resource``); with a sink, behind a CarrierService
    listener posting to it."""

    def program() -> None:
        opts = None if sink is None else behind_listener(sink, password)
        thingspace.UsageSegmentationLabels(
            resource,
            account_name=ACCOUNT,
            labels=[{"device_id": d, "name": name, "value": v} for d, v in labels.items()],
            opts=opts,
        )

    return program


def licenses(imeis: list[str]) -> Callable[[], None]:
    """A program assigning FOTA licenses to ``imeis``."""
    return lambda: thingspace.FotaLicenseAssignment("fota", account_name=ACCOUNT, device_imeis=list(imeis))


def add_fleet(sim: SimulatorServer, count: int, state: str = "active") -> list[dict[str, str]]:
    """Add ``count`` synthetic devices to the demo account; their identifiers by kind."""
    return [dict(d.ids) for d in sim.state.add_synthetic_devices(ACCOUNT, count, state)]


def auth_counts(sim: SimulatorServer) -> tuple[int, int]:
    """(token requests, login requests) since the last reset."""
    counts = sim.state.request_counts()
    token, login = (counts.get(e, 0) for e in AUTH_ENDPOINTS)
    return token, login


def failed_logins(sim: SimulatorServer, username: str = DEMO_USERNAME) -> int:
    """The simulator's consecutive failed-login counter of ``username``."""
    (user,) = [u for u in sim.state.users() if u["username"] == username]
    return int(user["failedLogins"])


def named_devices(message: str) -> set[str]:
    """The devices a DeviceFailuresError lists, one ``  - <device>: <reason>`` line each."""
    return set(re.findall(r"^\s+- (\S+)(?: \(\w+\))?: ", message, re.MULTILINE))


def eid(serial: int) -> str:
    """EID of a fleet device."""
    return synthetic_ids(serial)["eid"]


def labelled_fleet(
    sink: SinkServer, labels: dict[str, str], password: str = HOOK_PASSWORD
) -> Callable[[], None]:
    """A program: a CarrierService listener on the sink, then labels ``vins`` that depend on it."""
    return label_set(labels, sink=sink, password=password, resource="vins")


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``condition`` until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.02)


class Background:
    """Run ``engine.up(program)`` in a thread and keep its outcome."""

    def __init__(self, engine: Engine, program: Callable[[], None]) -> None:
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(engine, program), daemon=True)
        self._thread.start()

    def _run(self, engine: Engine, program: Callable[[], None]) -> None:
        try:
            engine.up(program)
        except BaseException as exc:
            self.error = exc

    def join(self, timeout: float = 60.0) -> None:
        """Wait for the run; re-raise its error."""
        self._thread.join(timeout)
        assert not self._thread.is_alive(), "the up did not finish"
        if self.error is not None:
            raise self.error
