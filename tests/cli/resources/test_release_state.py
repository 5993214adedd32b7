"""A stack created by a past release keeps working with today's code, under the real CLI.

The engine stores each dynamic resource's provider pickled by module path (``__provider``), so moving
or renaming a provider class strands every stack created before the move. For each checked-in export
``states/release-<version>.json`` (see ``tests/kits/release_state.py``), one test walks the whole life of
that stack: the simulator is seeded with what the state records (the labels on the devices, the
licenses, the retired devices gone, the listener registered on the sink), the export is imported into
a fresh ``file://`` stack with the release's program, and ``pulumi preview``, ``pulumi refresh``, a
one-label ``pulumi up`` and ``pulumi destroy`` must all succeed.
"""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

from kits.release_state import (
    SINK_PASSWORD,
    STATES,
    compat_services,
    localized,
    program_dir,
    provider_classes,
    workspace,
)
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator import Seed, demo_seed
from pulumi_thingspace.simulator.seed import SeedCallback
from pulumi_thingspace.testing.cli import PulumiCli, PulumiCommandError, PulumiWorkspace

RELEASES = sorted(STATES.glob("release-*.json"))
CHANGED = ("89049032000000000000000000000260/SEGMENT", "south", "east")  # device 2, in `segments`
ORIGINAL_LINE = '"name": "SEGMENT", "value": "south"'


def resources(export: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """``(class name, recorded outputs)`` of each ThingSpace resource of the export."""
    found = []
    for res in export["deployment"]["resources"]:
        if res["type"].startswith("pulumi-python:dynamic/thingspace:"):
            found.append((res["type"].rsplit(":", 1)[1], res.get("outputs") or {}))
    return found


def recorded_world(export: dict[str, Any]) -> Any:
    """The demo fleet as the stack records it: ``callback_url -> Seed`` for :func:`compat_services`."""
    labels: dict[str, dict[str, str]] = {}
    licensed: set[str] = set()
    retired: set[str] = set()
    service = None
    for kind, out in resources(export):
        pairs: list[tuple[str, str, str]] = []
        if kind == "UsageSegmentationLabels":
            pairs = [(*key.split("/", 1), value) for key, value in out["labels"].items()]
        elif kind == "UsageSegmentationLabel":
            pairs = [(out["device_id"], out["name"], out["value"])]
        elif kind == "UsageSegmentationLabelBundle":
            pairs = [tuple(json.loads(line)) for line in out["labels"].split("\n")]
        elif kind == "FotaLicenseAssignment":
            licensed.update(out["device_imeis"])
        elif kind == "FotaLicenseBundle":
            licensed.update(out["device_imeis"].split("\n"))
        elif kind == "DeviceRetirement":
            retired.update(key.split(":", 1)[1] for key in out["retired"])
        elif kind == "DeviceRetirementBundle":
            retired.update(line.split(":", 1)[1] for line in out["devices"].split("\n"))
        elif kind == "CallbackListener":
            service = (out["service_name"], out["username"])
        for device_id, name, value in pairs:
            labels.setdefault(device_id, {})[name] = value

    def seed(callback_url: str) -> Seed:
        world = demo_seed()
        account = world.accounts[0]
        kept = []
        for device in account.devices:
            ids = {i.id for i in device.device_ids}
            if ids & retired:
                continue
            for device_id in ids & set(labels):
                device.labels.update(labels[device_id])
            device.license_assigned = device.license_assigned or bool(ids & licensed)
            kept.append(device)
        account.devices = kept
        if service is not None:
            name, username = service
            account.callbacks = [
                SeedCallback(name=name, url=callback_url, username=username, password=SINK_PASSWORD)
            ]
        return world

    return seed


def held(services: Services) -> dict[str, str]:
    """Labels on the simulator's devices, as ``{"<eid>/<name>": value}``."""
    on_devices = services.sim.state.labels(services.account)
    return {f"{eid}/{name}": value for eid, names in on_devices.items() for name, value in names.items()}


def licensed(services: Services) -> set[str]:
    """IMEIs holding a FOTA license."""
    return set(services.sim.state.licenses(services.account)["devices"])


class Lifecycle:
    """The imported stack's commands; a failure names the release and the provider classes it needs."""

    def __init__(self, ws: PulumiWorkspace, services: Services, version: str, classes: dict[str, str]):
        self.ws, self.services, self.version, self.classes = ws, services, version, classes

    def run(self, *args: str) -> str:
        proc = self.ws.run(*args, check=False)
        if proc.returncode != 0:
            pytest.fail(
                f"the stack created by release {self.version} no longer works with this code: "
                f"`pulumi {' '.join(args)}` failed.\n{self.missing_classes()}\n\n"
                f"{PulumiCommandError(args, proc)}",
                pytrace=False,
            )
        self.services.sim.wait_idle()
        return proc.stdout

    def missing_classes(self) -> str:
        """Which of the pickled providers' ``module.Class`` names this code no longer has."""
        missing = sorted(f"{cls} ({why})" for cls in set(self.classes.values()) if (why := unloadable(cls)))
        if not missing:
            return "Every provider class the state's pickled `__provider` values name still imports."
        return (
            "The state's pickled `__provider` values name classes this code no longer has at that path "
            "(keep an alias there, e.g. a module re-exporting the moved class): " + ", ".join(missing)
        )


def unloadable(dotted: str) -> str | None:
    """Why ``module.Class`` cannot be loaded as an unpickler would, or None when it can."""
    module, _, name = dotted.rpartition(".")
    try:
        loaded = importlib.import_module(module)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None if hasattr(loaded, name) else f"no {name} in {module}"


@pytest.mark.parametrize("state_file", RELEASES, ids=[p.stem for p in RELEASES])
def test_a_release_stack_previews_refreshes_updates_and_destroys(
    pulumi_cli: PulumiCli, state_file: Path, tmp_path: Path
) -> None:
    version = state_file.stem.removeprefix("release-")
    text = state_file.read_text()
    export = json.loads(text)
    classes = provider_classes(export)
    assert len(classes) == len(resources(export)) == 8, "the fixture holds one resource of each class"

    with compat_services(tmp_path, recorded_world(export)) as services:
        declared = held(services)
        assert declared[CHANGED[0]] == CHANGED[1] and recorded_licenses(export) <= licensed(services)
        ws = workspace(pulumi_cli, program_dir(version), tmp_path, services)
        imported = tmp_path / "imported.json"
        imported.write_text(localized(text, services))
        stack = Lifecycle(ws, services, version, classes)
        stack.run("stack", "import", "--file", str(imported))

        preview = stack.run("preview", "--diff")
        print(f"--- pulumi preview of the release {version} stack:\n{preview}")
        planned = [w for w in ("to create", "to replace", "to delete") if w in preview]
        assert not planned, f"the release's own program plans {planned} on its own state"

        refresh = stack.run("refresh", "--yes")
        print(f"--- pulumi refresh:\n{refresh}")
        assert held(services) == declared  # refresh reads, never writes

        main = ws.dir / "__main__.py"
        program = main.read_text()
        assert program.count(ORIGINAL_LINE) == 1
        main.write_text(program.replace(ORIGINAL_LINE, ORIGINAL_LINE.replace(CHANGED[1], CHANGED[2])))
        up = stack.run("up", "--yes")
        print(f"--- pulumi up after one label change:\n{up}")
        assert "~ 1 updated" in up and "segments updated" in up
        after = held(services)
        changed = {k: (declared.get(k), after.get(k)) for k in declared.keys() | after.keys()}
        assert {k: v for k, v in changed.items() if v[0] != v[1]} == {CHANGED[0]: CHANGED[1:]}

        stack.run("destroy", "--yes")
        assert held(services) == {}, "destroy removes every label the program set"
        assert not licensed(services) & recorded_licenses(export), "destroy removes the licenses it assigned"
        assert services.sim.state.registered_callbacks(services.account) == []


def recorded_licenses(export: dict[str, Any]) -> set[str]:
    """IMEIs the stack's license resources assigned (and so remove on destroy)."""
    imeis: set[str] = set()
    for kind, out in resources(export):
        if kind == "FotaLicenseAssignment":
            imeis.update(out["owned_imeis"])
        elif kind == "FotaLicenseBundle":
            imeis.update(set(out["device_imeis"].split("\n")) - set(out["unowned_imeis"]))
    return imeis
