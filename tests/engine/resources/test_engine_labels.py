"""Labels through the engine path: preview, create, no-op, delta update, replace, refresh, destroy."""

from __future__ import annotations

import base64

import pytest
from pulumi.dynamic import CheckFailure

import pulumi_thingspace as thingspace
from kits.stack import ACCOUNT, SECRETS, api_counts
from pulumi_thingspace.resources.checking import failure_input
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing import CheckFailedError, Engine

LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"


def test_label_set_lifecycle(engine: Engine, module_sim: SimulatorServer) -> None:
    fleet = {synthetic_ids(n)["eid"]: f"VIN{n:014d}" for n in (1, 2, 3)}

    def program() -> None:
        thingspace.UsageSegmentationLabels(
            "vins",
            account_name=ACCOUNT,
            labels=[{"device_id": eid, "name": "VIN", "value": vin} for eid, vin in fleet.items()],
        )

    module_sim.state.reset_request_counts()
    engine.preview(program)
    assert api_counts(module_sim) == {}  # a preview never writes
    assert [s.op for s in engine.up(program)] == ["create"]
    module_sim.wait_idle()
    assert {e: v["VIN"] for e, v in module_sim.state.labels(ACCOUNT).items() if e in fleet} == fleet

    module_sim.state.reset_request_counts()
    assert [s.op for s in engine.up(program)] == ["same"]
    assert module_sim.state.request_counts() == {}  # no token, no login, no API call

    first = synthetic_ids(1)["eid"]
    fleet[first] = "VINCHANGED00001"
    engine.preview(program)
    old_inputs, new_inputs = engine.planned["vins"]
    changed = [k for k in new_inputs["labels"] if old_inputs["labels"].get(k) != new_inputs["labels"][k]]
    assert changed == [f"{first}/VIN"]  # the preview touches exactly one label
    module_sim.state.reset_request_counts()
    assert [s.op for s in engine.up(program)] == ["update"]
    assert api_counts(module_sim) == {f"DELETE {LABELS_PATH}": 1, f"POST {LABELS_PATH}": 1}
    module_sim.wait_idle()
    assert module_sim.state.labels(ACCOUNT)[first]["VIN"] == "VINCHANGED00001"

    engine.refresh()  # write-only: refresh keeps the recorded labels
    assert engine.outputs("vins")["labels"][f"{first}/VIN"] == "VINCHANGED00001"

    engine.destroy()
    module_sim.wait_idle()
    assert not any(e in fleet for e in module_sim.state.labels(ACCOUNT))


def test_single_label_replace_on_new_device(engine: Engine, module_sim: SimulatorServer) -> None:
    device = {"eid": synthetic_ids(4)["eid"]}

    def program() -> None:
        thingspace.UsageSegmentationLabel(
            "radio", account_name=ACCOUNT, device_id=device["eid"], name="SEGMENT", value="radio"
        )

    engine.up(program)
    device["eid"] = synthetic_ids(5)["eid"]
    steps = engine.up(program)
    assert [s.op for s in steps] == ["replace"]
    module_sim.wait_idle()
    labels = module_sim.state.labels(ACCOUNT)
    assert labels.get(synthetic_ids(5)["eid"], {}).get("SEGMENT") == "radio"
    assert "SEGMENT" not in labels.get(synthetic_ids(4)["eid"], {})
    engine.destroy()


def test_bad_input_fails_check_naming_the_property(engine: Engine) -> None:
    def program() -> None:
        thingspace.UsageSegmentationLabels(
            "bad", account_name="../etc", labels=[{"device_id": "123", "name": "VIN", "value": "x"}]
        )

    with pytest.raises(CheckFailedError) as info:
        engine.preview(program)
    props = {failure_input(CheckFailure(p, r)): r for p, r in info.value.failures}
    assert set(props) == {"account_name", "labels"} and "32 digits" in props["labels"]
    assert "Traceback" not in str(info.value)


def test_pickled_provider_holds_no_credentials(engine: Engine, module_sim: SimulatorServer) -> None:
    def program() -> None:
        thingspace.UsageSegmentationLabel(
            "blob", account_name=ACCOUNT, device_id=synthetic_ids(6)["eid"], name="B", value="1"
        )

    engine.up(program)
    blob = engine.resource("blob").inputs["__provider"]
    raw = base64.b64decode(blob)
    assert len(raw) < 400  # pickled by reference: class name only, no code, no settings
    for value in (*SECRETS, "demo-user", module_sim.url):
        assert value.encode() not in raw
    engine.destroy()
