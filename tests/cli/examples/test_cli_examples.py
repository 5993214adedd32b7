"""``examples/fleet-labels`` under the real CLI: 3,000 labels from a CSV, then only an edited row is sent."""

from __future__ import annotations

import csv
from pathlib import Path

from kits.cli import LABELS_REMOVE, LABELS_SET, Fleet
from kits.examples import FLEET_LABELS, load_make_fleet
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

DEVICES = 3000


def test_fleet_labels_from_a_csv_then_an_edited_row_sends_one_remove_and_one_set(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    services.sim.state.add_synthetic_devices(services.account, DEVICES - 12, start=13)  # the demo has 1-12
    ws = PulumiWorkspace(pulumi_cli, FLEET_LABELS, tmp_path, config=services.stack_config())
    rows = load_make_fleet().label_rows(DEVICES)
    load_make_fleet().write_csv(ws.dir / "fleet.csv", rows)
    fleet = Fleet(services, ws.dir)

    assert "+ 3 to create" in ws.run("preview").stdout
    services.sim.state.reset_request_counts()
    assert "+ 3 created" in ws.run("up", "--yes", "--skip-preview").stdout
    services.sim.wait_idle()
    assert fleet.api_writes()[LABELS_SET] == 2  # 3,000 labels in chunks of 2,000
    assert len(fleet.labels_on_devices()) == DEVICES

    services.sim.state.reset_request_counts()
    assert "3 unchanged" in ws.run("up", "--yes", "--skip-preview").stdout
    assert services.sim.state.request_counts() == {}

    edited = dict(rows[1500], value="EDITED-VIN-0001")
    rows[1500] = edited
    with (ws.dir / "fleet.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["device_id", "name", "value"])
        writer.writeheader()
        writer.writerows(rows)
    services.sim.state.reset_request_counts()
    services.sim.state.clear_deliveries()
    assert "~ 1 updated" in ws.run("up", "--yes", "--skip-preview").stdout
    services.sim.wait_idle()
    assert fleet.api_writes() == {LABELS_REMOVE: 1, LABELS_SET: 1}
    assert fleet.label_lines()["Set"] == {f"{edited['device_id']}/VIN=EDITED-VIN-0001"}
    ws.run("destroy", "--yes")
    assert fleet.labels_on_devices() == {}
