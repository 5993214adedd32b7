"""The Python example of every resource runs: all eight as one program under the offline harness against
the simulator, and each does what it says (labels on the devices, licenses held, devices gone, the
listener registered). The examples' other checks: ``tests/unit/schema/test_resource_examples.py``.
"""

from __future__ import annotations

import json
import re
import runpy
from pathlib import Path

from kits.stack import stack_config
from pulumi_thingspace.resources.registry import RESOURCES
from pulumi_thingspace.schema.examples import LANGUAGES, example_path
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import DEMO_ACCOUNT
from pulumi_thingspace.testing import Engine, ProviderServer, secret

LANG = {lang.tag: lang for lang in LANGUAGES}
SINK_URL = "http://127.0.0.1:9/callbacks"  # the listener example's sinkUrl: nothing listens there


def exported_names(python: str) -> set[str]:
    return set(re.findall(r'pulumi\.export\("([^"]+)"', python))


class Managed:
    """What the resources in a stack's state say they manage, by kind of effect."""

    def __init__(self, engine: Engine) -> None:
        self.labels: dict[tuple[str, str], str] = {}
        self.licenses: set[str] = set()
        self.retired: set[str] = set()
        self.listeners: set[str] = set()
        self.unchecked: list[str] = []
        for state in engine.state.values():
            kind, out = state.type.rsplit(":", 1)[-1], state.public_outputs()
            if kind == "UsageSegmentationLabels":
                self.labels.update({(k.split("/")[0], k.split("/")[1]): v for k, v in out["labels"].items()})
            elif kind == "UsageSegmentationLabel":
                self.labels[(out["device_id"], out["name"])] = out["value"]
            elif kind == "UsageSegmentationLabelBundle":  # stored as JSON lines [eid, name, value]
                self.labels.update({(e, n): v for e, n, v in map(json.loads, out["labels"].splitlines())})
            elif kind == "FotaLicenseAssignment":
                self.licenses.update(out["owned_imeis"])
            elif kind == "FotaLicenseBundle":  # stored one IMEI per line
                self.licenses.update(out["device_imeis"].split())
            elif kind == "DeviceRetirement":
                self.retired.update(out["devices"])
            elif kind == "DeviceRetirementBundle":  # stored one <kind>:<id> per line
                self.retired.update(out["devices"].split())
            elif kind == "CallbackListener":
                self.listeners.add(out["url"])
            else:
                self.unchecked.append(kind)


def fleet(sim: SimulatorServer) -> tuple[dict[tuple[str, str], str], set[str], set[str]]:
    """The simulator's labels, licensed IMEIs and registered listener URLs on the demo account."""
    labels = {(e, n): v for e, names in sim.state.labels(DEMO_ACCOUNT).items() for n, v in names.items()}
    held = set(sim.state.licenses(DEMO_ACCOUNT)["devices"])
    return labels, held, {c["url"] for c in sim.state.registered_callbacks(DEMO_ACCOUNT)}


def test_python_examples_run_as_one_program_against_the_simulator(
    tmp_path: Path, sim: SimulatorServer
) -> None:
    files = [example_path(res.name, LANG["python"]) for res in RESOURCES]

    def program() -> None:
        for path in files:
            runpy.run_path(str(path), run_name="__main__")

    config = stack_config(sim, sinkUrl=SINK_URL, sinkPassword=secret("callback-password"))
    with ProviderServer(cwd=tmp_path, project="examples") as server:
        engine = Engine(server, project="examples", stack="dev", config=config)
        steps = engine.up(program)
        assert [s.op for s in steps] == ["create"] * len(RESOURCES)
        assert [st.type for st in engine.state.values()] == [res.dynamic_token for res in RESOURCES]
        assert set(engine.exports) == {n for path in files for n in exported_names(path.read_text())}
        sim.wait_idle()
        managed = Managed(engine)
        assert managed.unchecked == [], "add the effect of these resources to Managed"
        labels, held, listeners = fleet(sim)
        assert managed.labels and {k: labels.get(k) for k in managed.labels} == managed.labels
        assert managed.licenses and managed.licenses <= held
        assert managed.retired and [k for k in managed.retired if sim.state.device(k.split(":")[1])] == []
        assert managed.listeners and managed.listeners <= listeners

        assert {s.op for s in engine.up(program)} == {"same"}, "a second up changes nothing"

        engine.destroy()
        assert engine.state == {}
        sim.wait_idle()
        labels, held, listeners = fleet(sim)
        assert not set(managed.labels) & set(labels) and not managed.licenses & held
        assert not managed.listeners & listeners
