"""The license and retirement bundles under the real ``pulumi`` CLI: create, no-change up, a one-device
change previewed and applied, destroy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kits.paths import PROGRAMS
from kits.stack import ACCOUNT, SECRETS, api_counts, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.synthetic import iccid_for, imei_for
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

pytestmark = pytest.mark.sim_config(callback_resend_seconds=0.1)  # unacknowledged callbacks resent quickly

PROJECT = PROGRAMS / "compact_devices"
LICENSED = (1001, 3500)  # 2,500 active devices: three assign requests of 1,000
RETIRED = (5001, 5250)  # 250 deactive devices: three delete requests of 100
ASSIGN = "POST /api/fota/v3/licenses/{account}/assign"
REMOVE = "POST /api/fota/v3/licenses/{account}/remove"
DELETE = "POST /api/m2m/v1/devices/actions/delete"


def mutations(sim: SimulatorServer) -> dict[str, int]:
    """License assignments and removals and device deletions since the last reset."""
    return {k: v for k, v in api_counts(sim).items() if k in (ASSIGN, REMOVE, DELETE)}


def test_license_and_retirement_bundles_under_the_real_cli(
    pulumi_cli: PulumiCli, sim: SimulatorServer, tmp_path: Path
) -> None:
    sim.state.add_synthetic_devices(ACCOUNT, LICENSED[1] - LICENSED[0] + 2, start=LICENSED[0])
    sim.state.add_synthetic_devices(ACCOUNT, RETIRED[1] - RETIRED[0] + 2, "deactive", start=RETIRED[0])
    sim.state.set_license_pool(ACCOUNT, 3000)
    ranges = {"licenseFirst": LICENSED[0], "licenseLast": LICENSED[1]}
    ranges |= {"retireFirst": RETIRED[0], "retireLast": RETIRED[1]}
    config = {**stack_config(sim), "accountName": ACCOUNT, **{k: str(v) for k, v in ranges.items()}}
    ws = PulumiWorkspace(pulumi_cli, PROJECT, tmp_path, config=config)

    sim.state.reset_request_counts()
    ws.run("up", "--yes")
    assert mutations(sim) == {ASSIGN: 3, DELETE: 3}
    held = set(sim.state.licenses(ACCOUNT)["devices"])
    assert {imei_for(n) for n in range(LICENSED[0], LICENSED[1] + 1)} <= held
    assert all(sim.state.device(iccid_for(n)) is None for n in range(RETIRED[0], RETIRED[1] + 1))
    outputs = json.loads(ws.run("stack", "output", "--json").stdout)
    assert outputs == {"imeiCount": 2500, "deletedCount": 250}

    sim.state.reset_request_counts()
    same = ws.run("up", "--yes")
    assert "3 unchanged" in same.stdout
    assert sim.state.request_counts() == {}  # no token, no login, no API call

    # One IMEI leaves the license set, one joins it; one more device is retired.
    ws.set_config("licenseFirst", str(LICENSED[0] + 1))
    ws.set_config("licenseLast", str(LICENSED[1] + 1))
    ws.set_config("retireLast", str(RETIRED[1] + 1))
    planned = json.loads(ws.run("preview", "--json").stdout)
    summaries = {
        s["urn"].rsplit("::", 1)[1]: s["newState"]["inputs"]["change_summary"]
        for s in planned["steps"]
        if s["op"] == "update"
    }
    assert summaries["fota"] == {
        "set": 1,
        "removed": 1,
        "first_set": [imei_for(LICENSED[1] + 1)],
        "first_removed": [imei_for(LICENSED[0])],
    }
    assert summaries["retire"]["set"] == 1 and summaries["retire"]["removed"] == 0
    assert summaries["retire"]["first_set"] == [f"iccid:{iccid_for(RETIRED[1] + 1)}"]

    sim.state.reset_request_counts()
    ws.run("up", "--yes")
    assert mutations(sim) == {REMOVE: 1, ASSIGN: 1, DELETE: 1}
    held = set(sim.state.licenses(ACCOUNT)["devices"])
    assert imei_for(LICENSED[1] + 1) in held and imei_for(LICENSED[0]) not in held
    assert sim.state.device(iccid_for(RETIRED[1] + 1)) is None

    assert not [s for s in SECRETS if s in ws.run("stack", "export").stdout]

    sim.state.reset_request_counts()
    ws.run("destroy", "--yes")
    assert mutations(sim) == {REMOVE: 3}  # licenses go; retired devices stay retired
    held = set(sim.state.licenses(ACCOUNT)["devices"])
    assert not {imei_for(n) for n in range(LICENSED[0] + 1, LICENSED[1] + 2)} & held
    assert all(sim.state.device(iccid_for(n)) is None for n in range(RETIRED[0], RETIRED[1] + 2))
