"""A fleet's whole life under the real CLI: preview, up, no-change up, a one-label change, drift, destroy.

One stack for the module, in order: each test continues from the state the previous one left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kits.cli import (
    FLEET_START,
    LABELS_REMOVE,
    LABELS_SET,
    FleetStack,
    changed_lines,
    label_list,
    label_map,
    listener,
    resource,
)
from kits.paths import EXCERPTS
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing.cli import PulumiCli

FLEET = 1000
SERIALS = range(FLEET_START, FLEET_START + FLEET)
LICENSED = [synthetic_ids(n)["imei"] for n in (3, 4, 5)]  # the demo fleet's 1 and 2 hold one already
RETIRED = [synthetic_ids(n)["iccid"] for n in (11, 12)]  # deactivated in the demo fleet
CHANGED_EID = synthetic_ids(FLEET_START + 500)["eid"]


def program(stack: FleetStack, labels: dict[str, str]) -> None:
    """A listener on the sink, 1,000 labels, three licenses and a retirement."""
    account = stack.account
    stack.declare(
        [
            listener(stack.services),
            resource(
                "UsageSegmentationLabels",
                "segments",
                {"account_name": account, "labels": label_list(labels)},
                depends_on=["carrier"],
            ),
            resource("FotaLicenseAssignment", "fota", {"account_name": account, "device_imeis": LICENSED}),
            resource(
                "DeviceRetirement",
                "retired",
                {"account_name": account, "devices": [{"kind": "iccid", "id": i} for i in RETIRED]},
            ),
        ],
        exports={"verified": "segments.verified", "listener": "carrier.listener_id"},
    )


@pytest.fixture(scope="module")
def stack(
    pulumi_cli: PulumiCli, services: Services, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FleetStack]:
    """The fleet stack, its 1,000 devices added to the simulator's demo account."""
    services.sim.state.add_synthetic_devices(services.account, FLEET, start=FLEET_START)
    fleet = FleetStack(pulumi_cli, services, Path(tmp_path_factory.mktemp("lifecycle")))
    program(fleet, label_map(SERIALS))
    yield fleet


def test_preview_before_the_first_up_shows_every_resource_and_sends_nothing(stack: FleetStack) -> None:
    preview = stack.run("preview", "--diff").stdout
    assert "+ 5 to create" in preview
    for kind in ("CallbackListener", "UsageSegmentationLabels", "FotaLicenseAssignment", "DeviceRetirement"):
        assert f"+ pulumi-python:dynamic/thingspace:{kind}: (create)" in preview
    assert f'{CHANGED_EID}/SEGMENT: "v"' in preview  # the labels preview as a map keyed by device
    assert "__provider" not in preview
    assert stack.services.sim.state.request_counts() == {}


def test_up_applies_the_fleet(stack: FleetStack) -> None:
    out = stack.up().stdout
    assert "+ 5 created" in out
    assert stack.labels_on_devices() == label_map(SERIALS)
    assert stack.api_writes()[LABELS_SET] == 1  # 1,000 labels fit one request
    held = set(stack.services.sim.state.licenses(stack.account)["devices"])
    assert set(LICENSED) <= held
    assert all(stack.services.sim.state.device(iccid) is None for iccid in RETIRED)
    assert stack.outputs() == {"verified": True, "listener": f"{stack.account}/CarrierService"}


def test_an_up_with_no_change_reports_unchanged_and_sends_no_request(stack: FleetStack) -> None:
    out = stack.up().stdout
    assert "5 unchanged" in out and "created" not in out and "updated" not in out
    assert stack.services.sim.state.request_counts() == {}  # not even a token request


def test_one_changed_label_previews_as_that_key_alone(stack: FleetStack) -> None:
    # `--diff` prints the whole map as context; the changed key is the only line marked as a change.
    labels = label_map(SERIALS)
    labels[f"{CHANGED_EID}/SEGMENT"] = "w"
    program(stack, labels)
    preview = stack.run("preview", "--diff").stdout
    EXCERPTS.mkdir(exist_ok=True)
    (EXCERPTS / "one-label-change.txt").write_text(preview)
    assert changed_lines(preview) == [
        "~ pulumi-python:dynamic/thingspace:UsageSegmentationLabels: (update)",
        "~ labels : {",
        f'~ {CHANGED_EID}/SEGMENT: "v" => "w"',
        "~ 1 to update",
    ]
    assert "__provider" not in preview
    plain = stack.run("preview").stdout  # without --diff: one line per changed resource
    (EXCERPTS / "one-label-change-plain.txt").write_text(plain)
    assert "[diff: ~labels]" in plain and CHANGED_EID not in plain
    context = re.findall(r'^ +\d{32}/SEGMENT: "v"$', preview, flags=re.MULTILINE)
    assert len(context) == FLEET - 1 and context == sorted(context)  # unchanged entries, unmarked, in order
    assert stack.services.sim.state.request_counts() == {}


def test_the_up_sends_exactly_one_remove_and_one_set(stack: FleetStack) -> None:
    stack.services.sim.state.clear_deliveries()
    out = stack.up().stdout
    assert "~ 1 updated" in out
    assert stack.api_writes() == {LABELS_REMOVE: 1, LABELS_SET: 1}
    assert stack.label_lines() == {
        "Remove": {f"{CHANGED_EID}/SEGMENT=v"},
        "Set": {f"{CHANGED_EID}/SEGMENT=w"},
    }
    assert stack.labels_on_devices()[f"{CHANGED_EID}/SEGMENT"] == "w"


def test_refresh_sees_a_license_lost_outside_pulumi_and_the_next_up_restores_it(stack: FleetStack) -> None:
    lost = LICENSED[1]
    assert stack.services.sim.state.remove_license(lost, stack.account)[0]
    refresh = stack.run("refresh", "--yes", "--diff").stdout
    assert "~ 1 updated" in refresh and lost in refresh
    assert lost not in stack.resource_outputs("fota")["device_imeis"]

    out = stack.up().stdout
    assert "~ 1 updated" in out
    assert lost in stack.services.sim.state.licenses(stack.account)["devices"]
    assert stack.api_writes() == {"POST /api/fota/v3/licenses/{account}/assign": 1}


def test_destroy_removes_labels_and_licenses_and_leaves_retired_devices_retired(stack: FleetStack) -> None:
    out = stack.run("destroy", "--yes").stdout
    assert "- 5 deleted" in out
    assert stack.labels_on_devices() == {}
    held = set(stack.services.sim.state.licenses(stack.account)["devices"])
    assert not held & set(LICENSED)
    assert all(stack.services.sim.state.device(iccid) is None for iccid in RETIRED)
    assert stack.services.sim.state.registered_callbacks(stack.account) == []
