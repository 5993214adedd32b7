"""Bundles through the SDK's provider server (offline harness) against the simulator and a sink."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

import pulumi_thingspace as thingspace
from kits.compact import LABELS_PATH, text_of
from kits.engine import FORCED, MISSING_EID, add_fleet, behind_listener, named_devices
from kits.stack import ACCOUNT, HOOK_PASSWORD, SECRETS, api_counts, engine_for, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import Engine, ProviderOperationError

pytestmark = pytest.mark.sim_config(callback_resend_seconds=0.1)  # unacknowledged callbacks resent quickly


def bundle(labels: dict[str, str], sink: SinkServer | None = None) -> Callable[[], None]:
    """A program with one label bundle; with a sink, behind a listener posting to it."""

    def program() -> None:
        opts = None if sink is None else behind_listener(sink)
        thingspace.UsageSegmentationLabelBundle(
            "fleet", account_name=ACCOUNT, labels=text_of(labels), opts=opts
        )

    return program


def test_label_bundle_lifecycle_sends_only_the_delta(sim: SimulatorServer, tmp_path: Path) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 30)]
    labels = {e: f"VIN{i:05d}" for i, e in enumerate(eids)}
    with engine_for(tmp_path, stack_config(sim)) as engine:
        sim.state.reset_request_counts()
        engine.preview(bundle(labels))
        assert api_counts(sim) == {}
        assert [s.op for s in engine.up(bundle(labels))] == ["create"]
        sim.wait_idle()
        assert {e: v["VIN"] for e, v in sim.state.labels(ACCOUNT).items() if e in labels} == labels
        outputs = engine.outputs("fleet")
        assert outputs["label_count"] == 30 and "change_summary" not in outputs

        sim.state.reset_request_counts()
        assert [s.op for s in engine.up(bundle(labels))] == ["same"]
        assert sim.state.request_counts() == {}  # no token, no login, no API call

        changed = {**labels, eids[3]: "CHANGED"}
        engine.preview(bundle(changed))
        _, planned = engine.planned["fleet"]
        key = f"{eids[3]}/VIN"
        assert planned["change_summary"] == {
            "set": 1,
            "removed": 1,
            "first_set": [key],
            "first_removed": [key],
        }
        sim.state.reset_request_counts()
        assert [s.op for s in engine.up(bundle(changed))] == ["update"]
        assert api_counts(sim) == {f"DELETE {LABELS_PATH}": 1, f"POST {LABELS_PATH}": 1}
        sim.wait_idle()
        assert sim.state.labels(ACCOUNT)[eids[3]]["VIN"] == "CHANGED"

        engine.refresh()  # write-only: the recorded set stays
        assert engine.outputs("fleet")["labels"] == text_of(changed)
        assert [s.op for s in engine.up(bundle(changed))] == ["same"]

        sim.state.reset_request_counts()
        engine.destroy()
        assert api_counts(sim) == {f"DELETE {LABELS_PATH}": 1}
        sim.wait_idle()
        assert not any(e in labels for e in sim.state.labels(ACCOUNT))


def test_label_bundle_failures_name_every_device_and_a_rerun_converges(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 4)]
    before = {e: f"OLD{i}" for i, e in enumerate(eids[:3])}
    with engine_for(tmp_path, stack_config(sim, sink, timeout=20)) as engine:
        engine.up(bundle(before, sink))
        assert engine.outputs("fleet")["verified"] is True
        sim.state.fail_device(eids[3], FORCED)
        after = {**before, eids[0]: "NEW0", eids[3]: "NEW3"}
        with pytest.raises(ProviderOperationError) as info:
            engine.up(bundle({**after, MISSING_EID: "NOWHERE"}, sink))
        message = info.value.message
        assert named_devices(message) == {f"{MISSING_EID}/VIN", f"{eids[3]}/VIN"}
        assert f"{eids[3]}/VIN (set): {FORCED}" in message
        assert "failed for 2 of 4 devices" in message  # one removal of the old value, three sets
        sim.wait_idle()
        assert sim.state.labels(ACCOUNT)[eids[0]]["VIN"] == "NEW0"  # everything else was applied

        sim.state.clear_device_failures()
        engine.up(bundle(after, sink))
        assert engine.outputs("fleet")["verified"] is True
        sim.wait_idle()
        assert {e: sim.state.labels(ACCOUNT)[e]["VIN"] for e in eids} == after
        assert {s.op for s in engine.up(bundle(after, sink))} == {"same"}
        assert_no_secrets(engine)


def assert_no_secrets(engine: Engine) -> None:
    """No provider credential in any recorded input or output (the listener's password is its own input)."""
    recorded = json.dumps([[r.inputs, r.outputs] for r in engine.state.values()], default=str)
    assert not [s for s in SECRETS if s != HOOK_PASSWORD and s in recorded]


def test_license_bundle_assigns_refreshes_and_leaves_licenses_held_before(
    sim: SimulatorServer, tmp_path: Path
) -> None:
    imeis = sorted(d["imei"] for d in add_fleet(sim, 5))
    sim.state.assign_license(imeis[0], ACCOUNT)  # held before the resource existed

    def program(chosen: list[str]) -> Callable[[], object]:
        return lambda: thingspace.FotaLicenseBundle("fota", account_name=ACCOUNT, device_imeis=chosen)

    with engine_for(tmp_path, stack_config(sim)) as engine:
        engine.up(program(imeis[:4]))
        assert set(imeis[:4]) <= set(sim.state.licenses(ACCOUNT)["devices"])
        assert engine.outputs("fota")["unowned_imeis"] == [imeis[0]]

        sim.state.remove_license(imeis[2], ACCOUNT)  # lost outside Pulumi
        engine.refresh()
        engine.preview(program(imeis[:4]))
        _, planned = engine.planned["fota"]
        assert planned["change_summary"]["first_set"] == [imeis[2]]
        engine.up(program(imeis[:4]))
        assert imeis[2] in sim.state.licenses(ACCOUNT)["devices"]

        engine.up(program([imeis[0], imeis[1], imeis[4]]))  # drops 2 and 3, adds 4
        held = set(sim.state.licenses(ACCOUNT)["devices"])
        assert {imeis[0], imeis[1], imeis[4]} <= held and not {imeis[2], imeis[3]} & held

        engine.destroy()
        assert set(sim.state.licenses(ACCOUNT)["devices"]) & set(imeis) == {imeis[0]}


def test_retirement_bundle_refuses_active_devices_retires_added_ones_and_refresh_sees_returns(
    sim: SimulatorServer, tmp_path: Path
) -> None:
    active = add_fleet(sim, 1)[0]["iccid"]
    first = 900_001
    added = sim.state.add_synthetic_devices(ACCOUNT, 3, "deactive", start=first)
    iccids = [d.ids["iccid"] for d in added]

    def program(chosen: list[str]) -> Callable[[], object]:
        return lambda: thingspace.DeviceRetirementBundle(
            "retire", account_name=ACCOUNT, devices=[f"iccid:{i}" for i in chosen]
        )

    with engine_for(tmp_path, stack_config(sim)) as engine:
        with pytest.raises(ProviderOperationError) as info:
            engine.up(program([*iccids, active]))
        assert named_devices(info.value.message) == {f"iccid:{active}"}
        assert all(sim.state.device(i) is not None for i in iccids)  # nothing was deleted

        engine.up(program(iccids[:2]))
        assert [sim.state.device(i) is None for i in iccids] == [True, True, False]
        assert engine.outputs("retire")["deleted_count"] == 2

        engine.up(program(iccids))  # the added device is retired; nothing else is touched
        assert sim.state.device(iccids[2]) is None
        assert engine.outputs("retire")["deleted_count"] == 1

        sim.state.add_synthetic_devices(ACCOUNT, 1, "deactive", start=first)  # back again
        engine.refresh()
        assert f"iccid:{iccids[0]}" not in engine.outputs("retire")["devices"]
        assert [s.op for s in engine.up(program(iccids))] == ["update"]  # retired again
        assert sim.state.device(iccids[0]) is None
        engine.destroy()  # deleting the resource never restores devices
        assert all(sim.state.device(i) is None for i in iccids)
