"""Failures as a pipeline meets them under the real CLI: refused devices, bad credentials, a sink that
rejects the listener, missing credentials in a preview, `pulumi import`, and an interrupted `up`.
"""

from __future__ import annotations

import re
from pathlib import Path

from kits.cli import (
    FLEET_START,
    LABELS_PATH,
    LABELS_REMOVE,
    LABELS_SET,
    FleetStack,
    label_list,
    label_map,
    listener,
    resource,
)
from kits.paths import EXCERPTS
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing import secret
from pulumi_thingspace.testing.cli import PulumiCli, interrupt

REFUSED = "The device does not exist"


def labels_program(stack: FleetStack, labels: dict[str, str], with_listener: bool = True) -> None:
    """A listener on the sink and one label set."""
    entries = [listener(stack.services)] if with_listener else []
    entries.append(
        resource(
            "UsageSegmentationLabels",
            "segments",
            {"account_name": stack.account, "labels": label_list(labels)},
            depends_on=["carrier"] if with_listener else [],
        )
    )
    stack.declare(entries)


def new_stack(cli: PulumiCli, services: Services, tmp_path: Path, **config: object) -> FleetStack:
    """A fresh stack of the fleet program (``config`` overrides the provider settings)."""
    return FleetStack(cli, services, tmp_path, config=config)


def test_refused_devices_fail_the_create_with_one_message_naming_each_undo_it_and_the_next_up_converges(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    services.sim.state.add_synthetic_devices(services.account, 20, start=FLEET_START)
    serials = range(FLEET_START, FLEET_START + 20)
    refused = [synthetic_ids(FLEET_START + n)["eid"] for n in (3, 11)]
    for eid in refused:
        services.sim.state.fail_device(eid, REFUSED)
    stack = new_stack(pulumi_cli, services, tmp_path)
    labels_program(stack, label_map(serials))

    failed = stack.up(check=False)
    assert failed.returncode != 0
    out = failed.stdout + failed.stderr
    EXCERPTS.mkdir(parents=True, exist_ok=True)
    (EXCERPTS / "refused-devices.txt").write_text(out)
    assert "Traceback" not in out
    assert "label change failed for 2 of 20 devices" in out
    for eid in refused:
        assert f"{eid}/SEGMENT (set): {REFUSED}" in out
    # A failed create records no resource, so it removes the 18 labels it did set before it reports.
    assert "the create was undone: the 18 labels it had applied were removed again" in out
    assert stack.labels_on_devices() == {}

    services.sim.state.clear_device_failures()
    stack.up()
    assert stack.labels_on_devices() == label_map(serials)
    assert "unchanged" in stack.up().stdout and stack.services.sim.state.request_counts() == {}
    stack.run("destroy", "--yes")


def test_a_create_stopped_part_way_is_undone_and_dropping_it_leaves_no_label_on_the_devices(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    count = 5000  # three requests of at most 2,000 labels; ThingSpace rejects the third
    start = FLEET_START + 6000
    services.sim.state.add_synthetic_devices(services.account, count, start=start)
    wanted = label_map(range(start, start + count), name="PART")
    stack = new_stack(pulumi_cli, services, tmp_path)
    labels_program(stack, wanted)
    services.sim.state.configure_faults(path_prefix=LABELS_PATH)
    services.sim.state.fail_next(1, 400, after=2)
    try:
        failed = stack.up(check=False)
    finally:
        services.sim.state.reset_faults()
    out = failed.stdout + failed.stderr
    EXCERPTS.mkdir(parents=True, exist_ok=True)
    (EXCERPTS / "undone-create.txt").write_text(out)
    assert failed.returncode != 0 and "Traceback" not in out
    assert "labels.set: HTTP 400" in out
    assert "The create was undone: the 4,000 labels it had applied were removed again" in out
    assert stack.api_writes().get(LABELS_REMOVE) == 2  # the undo, in chunks of 2,000
    assert part_labels(stack) == {}

    stack.declare([listener(services)])  # the author drops the label set from the program
    dropped = stack.up()
    assert "segments" not in dropped.stdout  # no resource was recorded, so there is nothing to delete
    assert part_labels(stack) == {}
    assert not any(r["urn"].endswith("::segments") for r in stack.export()["deployment"]["resources"])
    stack.run("destroy", "--yes")


def part_labels(stack: FleetStack) -> dict[str, str]:
    """The ``PART`` labels on the simulator's devices."""
    return {k: v for k, v in stack.labels_on_devices().items() if k.endswith("/PART")}


def test_a_wrong_password_fails_once_per_up_and_says_that_retrying_locks_the_user(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    stack = new_stack(pulumi_cli, services, tmp_path, **{"thingspace:password": secret("not-the-password")})
    labels_program(stack, label_map([1]), with_listener=False)
    failed = stack.up(check=False)
    assert failed.returncode != 0
    assert "Traceback" not in failed.stdout
    assert "Invalid username or password" in failed.stdout
    assert "locks the user after 5 consecutive failed logins" in failed.stdout
    assert services.sim.state.request_counts()["POST /api/m2m/v1/session/login"] == 1
    services.sim.state.unlock_user("demo-user")


def test_a_sink_that_rejects_the_listener_is_named_in_the_timeout(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    stack = new_stack(pulumi_cli, services, tmp_path, **{"thingspace:callbackTimeoutSeconds": "4"})
    wrong = listener(services)
    wrong["args"]["username"] = "not-the-sink-user"
    stack.declare(
        [
            wrong,
            resource(
                "UsageSegmentationLabels",
                "segments",
                {"account_name": stack.account, "labels": label_list(label_map([2]))},
                depends_on=["carrier"],
            ),
        ]
    )
    failed = stack.up(check=False)
    assert failed.returncode != 0 and "Traceback" not in failed.stdout
    assert "no CarrierService callback arrived within 4s" in failed.stdout
    assert re.search(
        r"the sink REJECTED \d+ callback\(s\) for [0-9a-f-]{36}: username or password", failed.stdout
    )
    stack.run("destroy", "--yes")


def test_a_preview_without_credentials_warns_that_the_up_will_fail(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    stack = new_stack(pulumi_cli, services, tmp_path)
    for key in ("thingspace:clientId", "thingspace:clientSecret"):
        stack.ws.run("config", "rm", key)
    labels_program(stack, label_map([1]), with_listener=False)
    preview = stack.run("preview")
    text = preview.stdout + preview.stderr
    assert preview.returncode == 0  # a preview checks inputs only ...
    assert "missing ThingSpace credentials (thingspace:clientId, thingspace:clientSecret)" in text
    assert "`pulumi up` will fail until they are set" in text  # ... and says so
    assert stack.services.sim.state.request_counts() == {}


def test_pulumi_import_of_a_dynamic_resource_fails_as_the_engine_has_no_provider(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    stack = new_stack(pulumi_cli, services, tmp_path)
    labels_program(stack, label_map([1]), with_listener=False)
    token = "pulumi-python:dynamic/thingspace:FotaLicenseAssignment"
    proc = stack.run("import", token, "fota", f"{stack.account}/fota", "--yes", check=False)
    assert proc.returncode != 0
    # The engine calls Read without the pickled provider: the SDK's server fails looking it up.
    assert "KeyError: '__provider'" in proc.stdout
    assert stack.export()["deployment"].get("resources") is None


def test_an_up_interrupted_while_labels_are_sent_converges_on_the_next_up(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    count = 5000  # three chunks of at most 2,000 labels
    start = FLEET_START + 100
    services.sim.state.add_synthetic_devices(services.account, count, start=start)
    wanted = label_map(range(start, start + count), name="ZONE")
    stack = new_stack(pulumi_cli, services, tmp_path)
    labels_program(stack, wanted)
    stack.up()  # the listener and the labels
    changed = {key: "interrupted" for key in wanted}
    labels_program(stack, changed)

    running = stack.start_slowed_up(LABELS_SET, 1)
    output = interrupt(running)
    EXCERPTS.mkdir(parents=True, exist_ok=True)
    (EXCERPTS / "interrupted-up.txt").write_text(output)
    services.sim.state.reset_faults()
    services.sim.wait_idle()
    assert running.returncode != 0, output
    # The CLI lets the provider operation in flight finish and records it, then cancels the rest.
    assert "^C received; cancelling." in output and "update canceled" in output
    assert "segments updated" in output
    assert zone_labels(stack) == changed

    final = stack.up()
    assert "unchanged" in final.stdout
    assert stack.services.sim.state.request_counts() == {}  # nothing is sent twice
    stack.run("destroy", "--yes")
    assert zone_labels(stack) == {}


def zone_labels(stack: FleetStack) -> dict[str, str]:
    """The ``ZONE`` labels on the simulator's devices (other tests of the module set ``SEGMENT``)."""
    return {k: v for k, v in stack.labels_on_devices().items() if k.endswith("/ZONE")}
