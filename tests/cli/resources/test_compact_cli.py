"""The label bundle under the real ``pulumi`` CLI: create, no-change up, a one-label change, destroy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kits.compact import LABELS_PATH
from kits.paths import PROGRAMS
from kits.stack import ACCOUNT, SECRETS, api_counts, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.synthetic import eid_for
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

pytestmark = pytest.mark.sim_config(callback_resend_seconds=0.1)  # unacknowledged callbacks resent quickly

PROJECT = PROGRAMS / "compact_labels"
COUNT = 10_000
CHANGED = 7  # list index: device serial 8
URN_NAME = "::fleet"


def test_ten_thousand_label_bundle_under_the_real_cli(
    pulumi_cli: PulumiCli, sim: SimulatorServer, tmp_path: Path
) -> None:
    config = {**stack_config(sim), "labelCount": str(COUNT), "accountName": ACCOUNT}
    ws = PulumiWorkspace(pulumi_cli, PROJECT, tmp_path, config=config)
    sim.state.reset_request_counts()
    ws.run("up", "--yes")
    assert api_counts(sim) == {f"POST {LABELS_PATH}": COUNT // 2000}

    sim.state.reset_request_counts()
    same = ws.run("up", "--yes")
    assert "1 unchanged" in same.stdout or "2 unchanged" in same.stdout
    assert sim.state.request_counts() == {}  # no token, no login, no API call

    ws.set_config("changedIndex", str(CHANGED))
    key = f"{eid_for(CHANGED + 1)}/VIN"
    summary = {"set": 1, "removed": 1, "first_set": [key], "first_removed": [key]}
    preview = ws.run("preview", "--diff").stdout
    assert "change_summary" in preview and key in preview
    assert f'- ["{eid_for(CHANGED + 1)}","VIN","VIN{CHANGED + 1:014d}"]' in preview
    assert f'+ ["{eid_for(CHANGED + 1)}","VIN","CHANGED"]' in preview
    assert preview.count("VIN0000") < 20  # a line diff with context, not the whole set
    planned = json.loads(ws.run("preview", "--json").stdout)
    (step,) = [s for s in planned["steps"] if s["urn"].endswith(URN_NAME)]
    assert step["op"] == "update"
    assert step["newState"]["inputs"]["change_summary"] == summary

    sim.state.reset_request_counts()
    ws.run("up", "--yes")
    assert api_counts(sim) == {f"DELETE {LABELS_PATH}": 1, f"POST {LABELS_PATH}": 1}
    sim.wait_idle()
    assert sim.state.labels(ACCOUNT)[eid_for(CHANGED + 1)]["VIN"] == "CHANGED"

    exported = ws.run("stack", "export").stdout
    assert not [s for s in SECRETS if s in exported]

    sim.state.reset_request_counts()
    ws.run("destroy", "--yes")
    assert api_counts(sim) == {f"DELETE {LABELS_PATH}": COUNT // 2000}
    sim.wait_idle()
    assert eid_for(1) not in sim.state.labels(ACCOUNT)
