"""A `pulumi` killed with SIGKILL mid-update: its provider finishes the request in flight, then stops.

The engine starts the provider through the ``pulumi-resource-pulumi-python`` shell shim, in a process
group of its own, so killing ``pulumi`` leaves the shim and the provider running. Before the provider
watched for its engine, it sent the rest of the change (and waited for its callbacks) for nobody.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from cli_testkit import (
    FLEET_START,
    LABELS_REMOVE,
    LABELS_SET,
    FleetStack,
    label_list,
    label_map,
    listener,
    resource,
)

from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.testing.cli import PulumiCli

COUNT = 3000  # two requests to remove the old values and two to set the new ones
START = FLEET_START + 20_000  # clear of the other modules' synthetic devices


def declare(stack: FleetStack, value: str) -> None:
    labels = label_map(range(START, START + COUNT), name="KILLED", value=value)
    args = {"account_name": stack.account, "labels": label_list(labels)}
    stack.declare(
        [
            listener(stack.services),
            resource("UsageSegmentationLabels", "segments", args, depends_on=["carrier"]),
        ]
    )


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (``ps``), deepest first."""
    found: list[int] = []
    listed = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    for child in map(int, listed.stdout.split()):
        found = [*descendants(child), child, *found]
    return found


def test_a_provider_whose_pulumi_was_killed_sends_nothing_after_the_request_in_flight(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    services.sim.state.add_synthetic_devices(services.account, COUNT, start=START)
    stack = FleetStack(pulumi_cli, services, tmp_path)
    declare(stack, "before")
    stack.up()
    declare(stack, "after")

    def label_requests() -> int:
        counts = services.sim.state.request_counts()
        return counts.get(LABELS_SET, 0) + counts.get(LABELS_REMOVE, 0)

    services.sim.state.configure_faults(latency_seconds=1.0, path_prefix="/api/m2m/v1/devices/actions/")
    services.sim.state.reset_request_counts()
    running = stack.ws.start("up", "--yes", "--skip-preview")
    started: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while label_requests() < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = descendants(running.pid)
        assert any("pulumi.dynamic" in Path(f"/proc/{pid}/cmdline").read_text() for pid in started)
        at_kill = label_requests()
        os.kill(running.pid, signal.SIGKILL)  # the engine alone, as an OOM kill or a CI timeout does
        running.wait(timeout=30)
        time.sleep(6)  # before the fix, the three other requests arrived within these seconds
        assert (at_kill, label_requests()) == (1, 1)
    finally:
        services.sim.state.reset_faults()
        for pid in started:  # the orphaned provider (and shim) idle on: stop the ones this test started
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
