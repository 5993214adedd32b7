"""The Pulumi YAML quickstart under the real CLI, through the ``thingspace`` plugin installed as a user does.

One stack walks the whole life: preview, up, a no-change up, a one-device change, refresh, ``pulumi
import`` of what ThingSpace already holds (the YAML the CLI generates pasted into the program, after
which ``up`` changes nothing), two imports that must fail, and destroy.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import yaml

from kits.paths import EXAMPLES
from pulumi_thingspace.client import Credentials, ThingSpaceClient
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator.seed import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USERNAME
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

QUICKSTART = EXAMPLES / "quickstart-yaml"
OURS = "thingspace:index:"
LABEL_KEYS = [f"{synthetic_ids(n)['eid']}/SEGMENT" for n in (1, 2, 3, 4)]  # the program's four labels
CHANGED = "89049032000000000000000000000163/SEGMENT"  # device 1: its value is the pilotValue config
ASSIGNED = {synthetic_ids(n)["imei"] for n in (3, 4, 5)}  # the program's `fota`
PRELICENSED = {synthetic_ids(n)["imei"] for n in (1, 2)}  # licensed in the demo fleet before any up
RETIRED_ICCID = synthetic_ids(11)["iccid"]  # deleted by the program's `retired`
OTHER_SERVICE = "DeviceService"  # a listener registered outside Pulumi, next to the program's


class Stack:
    """The quickstart's workspace, counting the simulator's API requests per command."""

    def __init__(self, cli: PulumiCli, services: Services, workdir: Path) -> None:
        self.services = services
        self.ws = PulumiWorkspace(cli, QUICKSTART, workdir, config=services.stack_config())
        self.ws.install_plugin()

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``pulumi <args>`` with the request counts reset first; callbacks delivered before it returns."""
        self.services.sim.state.reset_request_counts()
        proc = self.ws.run(*args, check=check)
        self.services.sim.wait_idle()
        return proc

    def up_changes_nothing(self) -> None:
        """``up`` of an unchanged program: no step but ``same``, and not one request to ThingSpace."""
        proc = self.run("up", "--yes", "--skip-preview", "--expect-no-changes")
        assert "unchanged" in proc.stdout
        assert self.services.sim.state.request_counts() == {}

    def recorded(self) -> dict[str, str]:
        """Resource name -> type token of the program's resources in the stack's state."""
        state = json.loads(self.ws.run("stack", "export").stdout)
        resources: list[dict[str, Any]] = state["deployment"].get("resources", [])
        return {r["urn"].rsplit("::", 1)[1]: r["type"] for r in resources if r["type"].startswith(OURS)}

    def import_into_program(self, token: str, name: str, id_: str) -> dict[str, Any]:
        """``pulumi import`` then paste the YAML it generated into ``Pulumi.yaml``; the generated entry."""
        out = self.ws.dir.parent / f"{name}.yaml"
        proc = self.run("import", f"{OURS}{token}", name, id_, "--yes", "--out", str(out), check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "1 imported" in proc.stdout
        generated: dict[str, Any] = yaml.safe_load(out.read_text())["resources"][name]
        program = self.ws.dir / "Pulumi.yaml"
        pasted = "\n".join(line for line in out.read_text().splitlines() if line != "resources:")
        text = program.read_text()
        assert text.count("\noutputs:") == 1
        program.write_text(text.replace("\noutputs:", f"\n{pasted}\noutputs:"))
        return generated

    def import_fails(self, token: str, name: str, id_: str) -> str:
        """``pulumi import`` that must fail and record nothing; what the CLI printed."""
        proc = self.run("import", f"{OURS}{token}", name, id_, "--yes", check=False)
        assert proc.returncode != 0
        assert name not in self.recorded()
        text = proc.stdout + proc.stderr
        assert "Traceback" not in text
        return text


def labels_held(services: Services) -> dict[str, str]:
    """The simulator's labels as ``{"<eid>/<name>": value}``."""
    held = services.sim.state.labels(services.account)
    return {f"{eid}/{name}": value for eid, labels in held.items() for name, value in labels.items()}


def licensed(services: Services) -> set[str]:
    """IMEIs holding a FOTA license on the simulator."""
    return set(services.sim.state.licenses(services.account).get("devices", []))


def listeners(services: Services) -> set[str]:
    """Service names of the account's registered callback listeners."""
    return {c["serviceName"] for c in services.sim.state.registered_callbacks(services.account)}


def test_the_yaml_quickstart_lives_imports_and_is_destroyed_through_the_plugin(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    stack = Stack(pulumi_cli, services, tmp_path)
    assert licensed(services) == PRELICENSED and OTHER_SERVICE not in listeners(services)

    preview = json.loads(stack.run("preview", "--json").stdout)
    planned = [(s["op"], s["urn"].rsplit("::", 1)[1]) for s in preview["steps"] if OURS in s["urn"]]
    assert sorted(planned) == [("create", n) for n in ("carrier-callbacks", "fota", "retired", "segments")]

    stack.run("up", "--yes", "--skip-preview")
    labels = labels_held(services)
    assert {k: labels.get(k) for k in LABEL_KEYS} == dict(
        zip(LABEL_KEYS, ["pilot", "pilot", "field", "field"], strict=True)
    )
    assert licensed(services) == PRELICENSED | ASSIGNED
    assert services.sim.state.device(RETIRED_ICCID, services.account) is None
    stack.up_changes_nothing()

    # One device's label changes: the review names that key only, and up changes that label only.
    stack.ws.set_config("pilotValue", "pilot2")
    diff = stack.run("preview", "--diff").stdout
    assert CHANGED in diff
    assert not [key for key in LABEL_KEYS if key != CHANGED and key in diff]
    before = labels_held(services)
    stack.run("up", "--yes", "--skip-preview")
    assert labels_held(services) == {**before, CHANGED: "pilot2"}
    refresh = stack.run("refresh", "--yes")
    assert "Traceback" not in refresh.stdout + refresh.stderr
    stack.up_changes_nothing()

    # What ThingSpace already holds comes under the stack: the generated YAML, pasted, changes nothing.
    account = services.account
    fota = stack.import_into_program(
        "FotaLicenseAssignment", "prelicensed", f"{account}/{','.join(sorted(PRELICENSED))}"
    )
    assert sorted(fota["properties"]["deviceImeis"]) == sorted(PRELICENSED)
    stack.up_changes_nothing()

    creds = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USERNAME, DEMO_PASSWORD)
    with ThingSpaceClient(creds, services.sim.url) as other:  # another tool on the same account
        other.register_callback(account, OTHER_SERVICE, services.sink.callback_url, "device-events", "pw")
    listener = stack.import_into_program("CallbackListener", "device-events", f"{account}/{OTHER_SERVICE}")
    assert listener["properties"]["serviceName"] == OTHER_SERVICE
    assert "password" not in listener["properties"]  # ThingSpace never gives a password back
    stack.up_changes_nothing()

    retirement = stack.import_into_program(
        "DeviceRetirement", "retired-earlier", f"{account}/iccid:{RETIRED_ICCID}"
    )
    assert retirement["properties"]["devices"] == [{"kind": "iccid", "id": RETIRED_ICCID}]
    stack.up_changes_nothing()

    missing = stack.import_fails("CallbackListener", "ghost", f"{account}/NoSuchService")
    assert f"{account}/NoSuchService" in missing and "does not exist" in missing
    write_only = stack.import_fails("UsageSegmentationLabels", "old-labels", f"{account}/{CHANGED}")
    assert "labels are write-only" in write_only
    assert stack.recorded() == {
        "carrier-callbacks": f"{OURS}CallbackListener",
        "segments": f"{OURS}UsageSegmentationLabels",
        "fota": f"{OURS}FotaLicenseAssignment",
        "retired": f"{OURS}DeviceRetirement",
        "prelicensed": f"{OURS}FotaLicenseAssignment",
        "device-events": f"{OURS}CallbackListener",
        "retired-earlier": f"{OURS}DeviceRetirement",
    }

    stack.run("state", "unprotect", "--all", "--yes")
    stack.run("destroy", "--yes", "--skip-preview")
    assert stack.recorded() == {}
    assert not set(labels_held(services)) & set(LABEL_KEYS)
    assert not licensed(services) & (ASSIGNED | PRELICENSED)  # imported licenses were adopted: owned
    assert listeners(services) == set()
    assert services.sim.state.device(RETIRED_ICCID, services.account) is None  # deletion is final
