"""Real CLI, provider plugin: a partly failed update records what it applied, so the stack holds what the
devices hold, the error names every failed device, and the next ``up`` retries exactly what failed."""

from __future__ import annotations

import json
from pathlib import Path

from kits.cli import LABELS_REMOVE, LABELS_SET
from kits.paths import EXAMPLES
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

PROGRAM = EXAMPLES / "quickstart-yaml"
REFUSED_EID = "89049032000000000000000000000163"
OTHERS = (
    "89049032000000000000000000000260",
    "89049032000000000000000000000357",
    "89049032000000000000000000000454",
)


def recorded(ws: PulumiWorkspace) -> tuple[dict[str, str], list[str]]:
    """The labels the stack records for ``segments``, and its init errors."""
    state = json.loads(ws.run("stack", "export").stdout)
    found = next(r for r in state["deployment"]["resources"] if r["urn"].endswith("::segments"))
    return dict(found["outputs"]["labels"]), list(found.get("initErrors") or [])


def test_a_partly_failed_update_records_what_it_applied_and_the_next_up_retries_the_rest(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    with PulumiWorkspace(pulumi_cli, PROGRAM, tmp_path, config=services.stack_config()) as ws:
        ws.install_plugin()
        ws.run("up", "--yes")
        services.sim.state.fail_device(REFUSED_EID, "The device does not exist")
        ws.set_config("labelName", "TIER")  # every label renamed: 4 removals and 4 sets

        failed = ws.run("up", "--yes", check=False)
        out = failed.stdout + failed.stderr
        assert failed.returncode != 0 and "Traceback" not in out
        assert f"{REFUSED_EID}/SEGMENT (remove)" in out and f"{REFUSED_EID}/TIER (set)" in out
        assert "2 of 8 devices" in out
        labels, errors = recorded(ws)
        # The stack holds what the devices hold: three renamed labels, the refused device's old one.
        assert labels == {
            f"{REFUSED_EID}/SEGMENT": "pilot",
            f"{OTHERS[0]}/TIER": "pilot",
            f"{OTHERS[1]}/TIER": "field",
            f"{OTHERS[2]}/TIER": "field",
        }
        assert errors and REFUSED_EID in errors[0]

        services.sim.state.clear_device_failures()
        services.sim.state.reset_request_counts()
        ws.run("up", "--yes")  # retries the refused device only
        counts = services.sim.state.request_counts()
        assert counts.get(LABELS_SET) == 1 and counts.get(LABELS_REMOVE) == 1
        labels, errors = recorded(ws)
        assert labels == {
            f"{e}/TIER": v
            for e, v in zip((REFUSED_EID, *OTHERS), ("pilot", "pilot", "field", "field"), strict=True)
        }
        assert errors == []
        ws.run("state", "unprotect", "--all", "--yes")
        ws.run("destroy", "--yes")
