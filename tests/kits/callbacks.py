"""Simulator -> sink -> provider (engine path): shared wiring for the end-to-end tests."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi

import pulumi_thingspace as thingspace
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import DEMO_ACCOUNT
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.sink.settings import SinkSettings
from pulumi_thingspace.testing import Engine, ProviderServer, secret

ACCOUNT = DEMO_ACCOUNT
HOOK_USER = "ts-hook"
HOOK_PASSWORD = "hook-password-e2e"
READ_TOKEN = "read-token-e2e"
MISSING_EID = "89049032000001009999999999999999"  # well-formed, not in the fleet


def sink_settings(db: Path) -> SinkSettings:
    """Sink credentials shared by the listener and the provider."""
    return SinkSettings(
        callback_username=HOOK_USER, callback_password=HOOK_PASSWORD, read_token=READ_TOKEN, db_path=db
    )


def provider_config(sim_url: str, sink_url: str, timeout: float) -> dict[str, Any]:
    """Demo credentials plus the sink, so label changes wait for their results."""
    return {
        "thingspace:baseUrl": sim_url,
        "thingspace:clientId": "demo-client",
        "thingspace:clientSecret": secret("demo-secret"),
        "thingspace:username": "demo-user",
        "thingspace:password": secret("demo-password"),
        "thingspace:callbackResultsUrl": sink_url,
        "thingspace:callbackResultsToken": secret(READ_TOKEN),
        "thingspace:callbackTimeoutSeconds": str(timeout),
    }


def eid(serial: int) -> str:
    """EID of a fleet device."""
    return synthetic_ids(serial)["eid"]


def labelled_fleet(
    sink: SinkServer, labels: dict[str, str], password: str = HOOK_PASSWORD
) -> Callable[[], None]:
    """A program: a CarrierService listener on the sink, then labels that depend on it."""

    def program() -> None:
        listener = thingspace.CallbackListener(
            "carrier", account_name=ACCOUNT, url=sink.callback_url, username=HOOK_USER, password=password
        )
        thingspace.UsageSegmentationLabels(
            "vins",
            account_name=ACCOUNT,
            labels=[{"device_id": d, "name": "VIN", "value": v} for d, v in labels.items()],
            opts=pulumi.ResourceOptions(depends_on=[listener]),
        )

    return program


@contextmanager
def stack(sim: SimulatorServer, sink: SinkServer, tmp: Path, timeout: float) -> Iterator[Engine]:
    """A provider server and engine configured for ``sim`` and ``sink``."""
    with ProviderServer(cwd=tmp, project="e2e") as server:
        yield Engine(server, project="e2e", config=provider_config(sim.url, sink.url, timeout))


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
