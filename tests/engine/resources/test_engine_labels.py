"""Labels through the engine path: preview, create, no-op, delta update, replace, refresh, destroy."""

from __future__ import annotations

import base64

import pytest
from engine_testkit import ACCOUNT, SECRETS, api_counts, ids
from pulumi.dynamic import CheckFailure

import pulumi_thingspace as thingspace
from pulumi_thingspace.resources.checking import failure_input
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.testing import CheckFailedError, Engine

LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"


def test_label_set_lifecycle(engine: Engine, sim: SimulatorServer) -> None:
    fleet = {ids(n)["eid"]: f"VIN{n:014d}" for n in (1, 2, 3)}

    def program() -> None:
        thingspace.UsageSegmentationLabels(
            "vins",
            account_name=ACCOUNT,
            labels=[{"device_id": eid, "name": "VIN", "value": vin} for eid, vin in fleet.items()],
        )

    sim.state.reset_request_counts()
    engine.preview(program)
    assert api_counts(sim) == {}  # a preview never writes
    assert [s.op for s in engine.up(program)] == ["create"]
    sim.wait_idle()
    assert {e: v["VIN"] for e, v in sim.state.labels(ACCOUNT).items() if e in fleet} == fleet

    sim.state.reset_request_counts()
    assert [s.op for s in engine.up(program)] == ["same"]
    assert sim.state.request_counts() == {}  # no token, no login, no API call

    first = ids(1)["eid"]
    fleet[first] = "VINCHANGED00001"
    engine.preview(program)
    old_inputs, new_inputs = engine.planned["vins"]
    changed = [k for k in new_inputs["labels"] if old_inputs["labels"].get(k) != new_inputs["labels"][k]]
    assert changed == [f"{first}/VIN"]  # the preview touches exactly one label
    sim.state.reset_request_counts()
    assert [s.op for s in engine.up(program)] == ["update"]
    assert api_counts(sim) == {f"DELETE {LABELS_PATH}": 1, f"POST {LABELS_PATH}": 1}
    sim.wait_idle()
    assert sim.state.labels(ACCOUNT)[first]["VIN"] == "VINCHANGED00001"

    engine.refresh()  # write-only: refresh keeps the recorded labels
    assert engine.outputs("vins")["labels"][f"{first}/VIN"] == "VINCHANGED00001"

    engine.destroy()
    sim.wait_idle()
    assert not any(e in fleet for e in sim.state.labels(ACCOUNT))


def test_single_label_replace_on_new_device(engine: Engine, sim: SimulatorServer) -> None:
    device = {"eid": ids(4)["eid"]}

    def program() -> None:
        thingspace.UsageSegmentationLabel(
            "radio", account_name=ACCOUNT, device_id=device["eid"], name="SEGMENT", value="radio"
        )

    engine.up(program)
    device["eid"] = ids(5)["eid"]
    steps = engine.up(program)
    assert [s.op for s in steps] == ["replace"]
    sim.wait_idle()
    labels = sim.state.labels(ACCOUNT)
    assert labels.get(ids(5)["eid"], {}).get("SEGMENT") == "radio"
    assert "SEGMENT" not in labels.get(ids(4)["eid"], {})
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


def test_pickled_provider_holds_no_credentials(engine: Engine, sim: SimulatorServer) -> None:
    def program() -> None:
        thingspace.UsageSegmentationLabel(
            "blob", account_name=ACCOUNT, device_id=ids(6)["eid"], name="B", value="1"
        )

    engine.up(program)
    blob = engine.resource("blob").inputs["__provider"]
    raw = base64.b64decode(blob)
    assert len(raw) < 400  # pickled by reference: class name only, no code, no settings
    for value in (*SECRETS, "demo-user", sim.url):
        assert value.encode() not in raw
    engine.destroy()
