"""Label drift under the real CLI: the callback sink's ledger lets `pulumi refresh` see what the devices
hold after a change outside Pulumi, a partly failed update and a killed `pulumi up`, and
`pulumi up --refresh` brings the devices back to exactly the declared labels.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

from kits.cli import (
    FLEET_START,
    LABELS_REMOVE,
    FleetStack,
    changed_lines,
    label_list,
    label_map,
    listener,
    resource,
)
from pulumi_thingspace.client import Credentials, ThingSpaceClient
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.models.labels import WireLabel
from pulumi_thingspace.simulator.seed import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USERNAME
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing.cli import PulumiCli

REFUSED = "The device does not exist"


def declare(stack: FleetStack, per_device: dict[str, str], bundle: dict[str, str] | None = None) -> None:
    """A listener on the sink, one per-device label set and, when given, one label bundle."""
    entries = [
        listener(stack.services),
        resource(
            "UsageSegmentationLabels",
            "segments",
            {"account_name": stack.account, "labels": label_list(per_device)},
            depends_on=["carrier"],
        ),
    ]
    if bundle is not None:
        entries.append(
            resource(
                "UsageSegmentationLabelBundle",
                "bulk",
                {"account_name": stack.account, "labels": label_list(bundle)},
                depends_on=["carrier"],
            )
        )
    stack.declare(entries)


def outside_client(services: Services) -> ThingSpaceClient:
    """Another tool on the same account: a client of its own, sending straight to the API."""
    creds = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USERNAME, DEMO_PASSWORD)
    return ThingSpaceClient(creds, services.sim.url)


def held(stack: FleetStack, name: str) -> dict[str, str]:
    """The labels called ``name`` on the simulator's devices."""
    return {k: v for k, v in stack.labels_on_devices().items() if k.endswith(f"/{name}")}


def label_requests(services: Services) -> int:
    """Label set and remove requests the simulator received since its counts were reset."""
    return sum(n for k, n in services.sim.state.request_counts().items() if "usagesegmentationlabels" in k)


def provider_processes(project: Path) -> list[int]:
    """Pids of dynamic provider processes still running in ``project`` (Linux ``/proc``)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if "pulumi.dynamic" in (proc / "cmdline").read_text() and (proc / "cwd").resolve() == project:
                found.append(int(proc.name))
        except (OSError, ValueError):
            continue
    return found


def recorded(stack: FleetStack, resource_name: str) -> dict[str, str]:
    """The label map a label resource's state records (bundle text parsed back)."""
    outs = stack.resource_outputs(resource_name)
    labels = outs["labels"]
    if isinstance(labels, dict):
        return dict(labels)
    return {f"{d}/{n}": v for d, n, v in (json.loads(line) for line in labels.splitlines() if line)}


def test_a_label_changed_outside_pulumi_shows_in_refresh_for_both_forms_and_up_repairs_it(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    start = FLEET_START + 6000
    services.sim.state.add_synthetic_devices(services.account, 20, start=start)
    per_device = label_map(range(start, start + 10), name="DRIFT")
    bundle = label_map(range(start + 10, start + 20), name="DRIFT")
    stack = FleetStack(pulumi_cli, services, tmp_path)
    declare(stack, per_device, bundle)
    stack.up()

    changed_key, removed_key = sorted(per_device)[0], sorted(per_device)[1]
    bundle_key = sorted(bundle)[0]
    with outside_client(services) as other:
        eid, _, name = changed_key.partition("/")
        other.set_labels(services.account, [WireLabel(eid, name, "elsewhere")])
        eid, _, name = removed_key.partition("/")
        other.remove_labels(services.account, [WireLabel(eid, name, per_device[removed_key])])
        eid, _, name = bundle_key.partition("/")
        other.set_labels(services.account, [WireLabel(eid, name, "elsewhere")])
    services.sim.wait_idle()

    # The plain up sees nothing: the stack still records the declared labels.
    preview = stack.run("preview", "--diff")
    assert "segments" not in preview.stdout.split("Resources:")[0].replace("carrier", "")
    preview = stack.run("preview", "--refresh", "--diff")  # drift, then the update that repairs it
    marked = changed_lines(preview.stdout)
    assert f'~ {changed_key}: "v" => "elsewhere"' in marked and f'- {removed_key}: "v"' in marked
    assert f'~ {changed_key}: "elsewhere" => "v"' in marked and f'+ {removed_key}: "v"' in marked
    assert "UsageSegmentationLabelBundle: (update)" in preview.stdout
    refresh = stack.run("refresh", "--yes", "--diff")
    text = refresh.stdout
    assert "Traceback" not in text
    assert "segments" in text and "bulk" in text
    assert recorded(stack, "segments") == {
        **{k: v for k, v in per_device.items() if k != removed_key},
        changed_key: "elsewhere",
    }
    assert recorded(stack, "bulk") == {**bundle, bundle_key: "elsewhere"}

    stack.up()
    assert held(stack, "DRIFT") == {**per_device, **bundle}
    assert "unchanged" in stack.up().stdout and services.sim.state.request_counts() == {}
    stack.run("destroy", "--yes")
    assert held(stack, "DRIFT") == {}


def test_a_partly_failed_update_then_a_reverted_program_converges_with_up_refresh(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    start = FLEET_START + 7000
    services.sim.state.add_synthetic_devices(services.account, 300, start=start)
    serials = range(start, start + 300)
    before = label_map(serials, name="STAGE", value="v1")
    stack = FleetStack(pulumi_cli, services, tmp_path)
    declare(stack, before)
    stack.up()

    refused = synthetic_ids(start + 150)["eid"]
    services.sim.state.fail_device(refused, REFUSED)
    declare(stack, label_map(serials, name="STAGE", value="v2"))
    failed = stack.up(check=False)
    out = failed.stdout + failed.stderr
    assert failed.returncode != 0 and "Traceback" not in out
    assert refused in out and "pulumi up --refresh" in out
    services.sim.state.clear_device_failures()

    declare(stack, before)  # the author reverts the program
    assert held(stack, "STAGE") != before
    stack.run("refresh", "--yes")
    assert recorded(stack, "segments") == held(stack, "STAGE")  # refresh alone shows the drift
    stack.up("--refresh")
    assert held(stack, "STAGE") == before
    assert "unchanged" in stack.up("--refresh").stdout
    stack.run("destroy", "--yes")


def test_a_killed_up_then_cancel_and_a_reverted_program_converges_with_up_refresh(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    count = 5000
    start = FLEET_START + 8000
    services.sim.state.add_synthetic_devices(services.account, count, start=start)
    before = label_map(range(start, start + count), name="ROUTE", value="v1")
    stack = FleetStack(pulumi_cli, services, tmp_path)
    declare(stack, before)
    stack.up()

    declare(stack, {key: "v2" for key in before})
    running = stack.start_slowed_up(LABELS_REMOVE, 2)
    os.kill(running.pid, signal.SIGKILL)  # the CI runner is lost: the engine dies, the provider does not
    running.communicate()
    at_kill = label_requests(services)
    time.sleep(4)  # what the orphaned provider still sends, it sends now
    services.sim.state.reset_faults()
    services.sim.wait_idle()
    assert label_requests(services) <= at_kill + 1  # it finished the request in flight and stopped
    assert provider_processes(stack.dir) == []  # and exited: no orphan outlives its engine
    assert held(stack, "ROUTE") != before

    cancel = stack.run("cancel", "--yes", check=False)
    assert "Traceback" not in cancel.stdout
    declare(stack, before)  # the author reverts the program
    stack.run("refresh", "--yes", "--clear-pending-creates")
    assert recorded(stack, "segments") == held(stack, "ROUTE")
    stack.up("--refresh")
    assert held(stack, "ROUTE") == before
    stack.run("destroy", "--yes")
