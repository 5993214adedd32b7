"""Resource options as the real engine applies them: protect, ignoreChanges, replaceOnChanges,
deleteBeforeReplace and retainOnDelete. One stack for the module, in order.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kits.cli import LABELS_REMOVE, LABELS_SET, FleetStack, changed_lines, label_list, listener, resource
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing.cli import PulumiCli

IGNORED_EID, REPLACED_EID = synthetic_ids(6)["eid"], synthetic_ids(7)["eid"]
MOVED_FROM, MOVED_TO = synthetic_ids(8)["eid"], synthetic_ids(9)["eid"]
RETAINED_IMEI = synthetic_ids(6)["imei"]
PROTECTED_ICCID = synthetic_ids(10)["iccid"]  # deactivated in the demo fleet


def declare(
    stack: FleetStack, ignored: str, replaced: str, moved: str = MOVED_FROM, with_license: bool = True
) -> None:
    """A protected retirement, three single labels with options, and a retained license assignment."""
    account = stack.account

    def label(name: str, eid: str, value: str, depends_on: list[str], **opts: Any) -> dict[str, Any]:
        args = {"account_name": account, "device_id": eid, "name": "TIER", "value": value}
        return resource("UsageSegmentationLabel", name, args, depends_on=depends_on, **opts)

    resources = [
        listener(stack.services),
        resource(
            "DeviceRetirement",
            "retired",
            {"account_name": account, "devices": [{"kind": "iccid", "id": PROTECTED_ICCID}]},
            protect=True,
        ),
        label("ignored", IGNORED_EID, ignored, ignore_changes=["value"], depends_on=["carrier"]),
        label(
            "replaced",
            REPLACED_EID,
            replaced,
            replace_on_changes=["value"],
            depends_on=["carrier"],
        ),
        label("moved", moved, "gold", delete_before_replace=True, depends_on=["carrier"]),
    ]
    if with_license:
        resources.append(
            resource(
                "FotaLicenseAssignment",
                "retained",
                {"account_name": account, "device_imeis": [RETAINED_IMEI]},
                retain_on_delete=True,
            )
        )
    stack.declare(resources)


@pytest.fixture(scope="module")
def stack(
    pulumi_cli: PulumiCli, services: Services, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FleetStack]:
    """The options stack, applied once."""
    options = FleetStack(pulumi_cli, services, Path(tmp_path_factory.mktemp("options")))
    declare(options, ignored="gold", replaced="gold")
    options.up()
    yield options


def labels_of(stack: FleetStack, eid: str) -> dict[str, str]:
    """The labels the simulator holds on one device."""
    return stack.services.sim.state.labels(stack.account).get(eid, {})


def test_ignore_changes_keeps_the_old_value_and_replace_on_changes_is_not_applied(stack: FleetStack) -> None:
    declare(stack, ignored="silver", replaced="silver", moved=MOVED_TO, with_license=False)
    preview = stack.run("preview", "--diff").stdout
    lines = changed_lines(preview)
    # The engine needs the provider's changed keys for replaceOnChanges; the SDK's dynamic provider
    # server sends none, so a value change under replaceOnChanges is an in-place update.
    assert lines.count("~ pulumi-python:dynamic/thingspace:UsageSegmentationLabel: (update)") == 1
    assert '~ value : "gold" => "silver"' in lines
    # A device_id change is the provider's own replacement; deleteBeforeReplace orders it.
    assert "+-pulumi-python:dynamic/thingspace:UsageSegmentationLabel: (replace)" in lines
    assert "- pulumi-python:dynamic/thingspace:FotaLicenseAssignment: (delete[retain])" in lines
    assert len([line for line in lines if line.endswith(("(update)", "(replace)", "(delete[retain])"))]) == 3

    stack.services.sim.state.clear_deliveries()
    out = stack.up().stdout
    assert "~ 1 updated" in out and "+-1 replaced" in out and "- 1 deleted" in out
    assert labels_of(stack, IGNORED_EID) == {"TIER": "gold"}  # ignoreChanges: the program's value is ignored
    assert labels_of(stack, REPLACED_EID) == {"TIER": "silver"}
    assert labels_of(stack, MOVED_FROM) == {} and labels_of(stack, MOVED_TO) == {"TIER": "gold"}
    # Two removes and two sets; retainOnDelete: no license request at all.
    assert stack.api_writes() == {LABELS_REMOVE: 2, LABELS_SET: 2}
    moved = [
        action for action, key, _ in stack.label_actions() if key.split("/")[0] in (MOVED_FROM, MOVED_TO)
    ]
    assert moved == ["Remove", "Set"]  # deleteBeforeReplace: the old label went first


def test_retain_on_delete_leaves_the_license_in_thingspace(stack: FleetStack) -> None:
    assert RETAINED_IMEI in stack.services.sim.state.licenses(stack.account)["devices"]
    urns = [r["urn"] for r in stack.export()["deployment"]["resources"]]
    assert not any(urn.endswith("::retained") for urn in urns)  # gone from the stack, kept in ThingSpace


def test_destroy_refuses_while_a_retirement_is_protected(stack: FleetStack) -> None:
    proc = stack.run("destroy", "--yes", check=False)
    assert proc.returncode != 0
    assert "cannot be deleted\n    because it is protected" in proc.stdout
    assert labels_of(stack, REPLACED_EID) == {"TIER": "silver"}  # nothing was deleted
    assert stack.api_writes() == {}


def test_after_unprotect_destroy_removes_labels_and_never_restores_the_device(stack: FleetStack) -> None:
    urn = next(r["urn"] for r in stack.export()["deployment"]["resources"] if r["urn"].endswith("::retired"))
    stack.run("state", "unprotect", urn, "--yes")
    out = stack.run("destroy", "--yes").stdout
    assert "- 6 deleted" in out  # the stack, the listener, the retirement record and three labels
    assert labels_of(stack, REPLACED_EID) == {} and labels_of(stack, IGNORED_EID) == {}
    assert labels_of(stack, MOVED_TO) == {}
    assert stack.services.sim.state.device(PROTECTED_ICCID) is None
    assert RETAINED_IMEI in stack.services.sim.state.licenses(stack.account)["devices"]


def test_a_replaced_label_set_loses_no_label(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    stack = FleetStack(pulumi_cli, services, tmp_path)
    labels = {f"{synthetic_ids(n)['eid']}/ZONE": "north" for n in (1, 2, 3)}
    args = {"account_name": stack.account, "labels": label_list(labels)}
    stack.declare(
        [listener(services), resource("UsageSegmentationLabels", "zones", args, depends_on=["carrier"])]
    )
    stack.up()
    urn = next(r["urn"] for r in stack.export()["deployment"]["resources"] if r["urn"].endswith("::zones"))
    stack.services.sim.state.clear_deliveries()
    out = stack.up("--replace", urn).stdout
    assert "+-1 replaced" in out
    # The engine replaces create-before-delete whatever the provider asks: the new set sets its labels,
    # and the old one's delete keeps them, since this run's new resource holds them.
    assert [action for action, _, _ in stack.label_actions()] == ["Set"] * 3
    assert stack.api_writes() == {LABELS_SET: 1}
    assert zones(stack) == labels

    # Renamed without an alias: the engine creates the new resource and deletes the old one.
    stack.declare(
        [listener(services), resource("UsageSegmentationLabels", "renamed", args, depends_on=["carrier"])]
    )
    out = stack.up().stdout
    assert "+ 1 created" in out and "- 1 deleted" in out
    assert zones(stack) == labels and stack.api_writes() == {LABELS_SET: 1}
    stack.run("destroy", "--yes")
    assert zones(stack) == {}


def zones(stack: FleetStack) -> dict[str, str]:
    """The ``ZONE`` labels on the simulator's devices."""
    return {k: v for k, v in stack.labels_on_devices().items() if k.endswith("/ZONE")}
