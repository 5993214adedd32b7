"""Partial failures on every resource: the error names every failed device; the next ``up`` converges."""

from __future__ import annotations

from pathlib import Path

import pytest

import pulumi_thingspace as thingspace
from kits.engine import FORCED, MISSING_EID, add_fleet, label_set, licenses, named_devices
from kits.stack import ACCOUNT, engine_for, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import ProviderOperationError

pytestmark = pytest.mark.sim_config(callback_resend_seconds=0.1)  # unacknowledged callbacks resent quickly


def test_labels_update_names_the_missing_and_the_failing_device_then_converges(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 4)]
    before = {e: f"OLD{i}" for i, e in enumerate(eids[:3])}
    with engine_for(tmp_path, stack_config(sim, sink, timeout=20)) as engine:
        engine.up(label_set(before, sink=sink))
        sim.state.fail_device(eids[3], FORCED)
        after = {**before, eids[0]: "NEW0", eids[3]: "NEW3"}
        with pytest.raises(ProviderOperationError) as info:
            engine.up(label_set({**after, MISSING_EID: "NOWHERE"}, sink=sink))
        message = info.value.message
        assert named_devices(message) == {f"{MISSING_EID}/VIN", f"{eids[3]}/VIN"}
        assert f"{MISSING_EID}/VIN (set): The device does not exist" in message
        assert f"{eids[3]}/VIN (set): {FORCED}" in message
        assert "failed for 2 of 4 devices" in message  # one removal of the old value, three sets
        sim.wait_idle()
        assert sim.state.labels(ACCOUNT)[eids[0]]["VIN"] == "NEW0"  # everything else was applied

        sim.state.clear_device_failures()
        engine.up(label_set(after, sink=sink))
        outputs = engine.outputs("labels")
        assert outputs["verified"] is True and set(outputs["results"].values()) == {"Success"}
        sim.wait_idle()
        assert {e: sim.state.labels(ACCOUNT)[e]["VIN"] for e in eids} == after
        assert {s.op for s in engine.up(label_set(after, sink=sink))} == {"same"}


def test_licenses_exhausted_pool_and_forced_failure_are_named_then_converge(
    sim: SimulatorServer, tmp_path: Path
) -> None:
    imeis = sorted(d["imei"] for d in add_fleet(sim, 6))
    pool = sim.state.licenses(ACCOUNT)
    sim.state.set_license_pool(ACCOUNT, pool["licUsedCount"] + 2)
    with engine_for(tmp_path, stack_config(sim)) as engine:
        with pytest.raises(ProviderOperationError) as info:
            engine.up(licenses(imeis[:4]))
        message = info.value.message
        assert named_devices(message) == set(imeis[2:4])
        assert message.count("No license available in the account") == 2

        sim.state.set_license_pool(ACCOUNT, pool["licUsedCount"] + 10)
        engine.up(licenses(imeis[:4]))
        assert set(imeis[:4]) <= set(sim.state.licenses(ACCOUNT)["devices"])

        sim.state.fail_device(imeis[5], FORCED)
        with pytest.raises(ProviderOperationError) as info:
            engine.up(licenses(imeis))
        assert named_devices(info.value.message) == {imeis[5]}
        assert FORCED in info.value.message

        sim.state.clear_device_failures()
        engine.up(licenses(imeis))
        assert set(imeis) <= set(sim.state.licenses(ACCOUNT)["devices"])
        assert {s.op for s in engine.up(licenses(imeis))} == {"same"}


def test_retirement_names_the_device_that_could_not_be_deleted_then_converges(
    sim: SimulatorServer, tmp_path: Path
) -> None:
    iccids = [d["iccid"] for d in add_fleet(sim, 3, state="deactive")]

    def program() -> None:
        thingspace.DeviceRetirement(
            "retire", account_name=ACCOUNT, devices=[{"kind": "iccid", "id": i} for i in iccids]
        )

    sim.state.fail_device(iccids[1], FORCED)
    with engine_for(tmp_path, stack_config(sim)) as engine:
        with pytest.raises(ProviderOperationError) as info:
            engine.up(program)
        assert named_devices(info.value.message) == {f"iccid:{iccids[1]}"}
        assert FORCED in info.value.message
        assert [sim.state.device(i) is None for i in iccids] == [True, False, True]

        sim.state.clear_device_failures()
        engine.up(program)
        assert all(sim.state.device(i) is None for i in iccids)
        assert engine.outputs("retire")["retired"] == {
            f"iccid:{iccids[0]}": "already_absent",
            f"iccid:{iccids[1]}": "deleted",
            f"iccid:{iccids[2]}": "already_absent",
        }


def test_listener_registration_failing_every_retry_then_converges(
    sim: SimulatorServer, tmp_path: Path
) -> None:
    eid = add_fleet(sim, 1)[0]["eid"]
    sim.state.configure_faults(retry_after_seconds=0)
    fail = {"next": True}

    def program() -> None:
        # The label resource warms the client up; the listener's register is the next API request.
        label = thingspace.UsageSegmentationLabel(
            "warm", account_name=ACCOUNT, device_id=eid, name="W", value="1"
        )

        def arm(account: str) -> str:
            if fail["next"]:
                sim.state.fail_next(6, 429)
            return account

        thingspace.CallbackListener(
            "carrier",
            account_name=label.account_name.apply(arm),
            url="https://hooks.example.com/ts",
            adopt=True,
        )

    with engine_for(tmp_path, stack_config(sim)) as engine:
        with pytest.raises(ProviderOperationError) as info:
            engine.up(program)
        assert "callbacks.register" in info.value.message and "gave up after 6 attempts" in info.value.message
        assert sim.state.registered_callbacks(ACCOUNT) == []

        fail["next"] = False
        assert [s.op for s in engine.up(program)] == ["same", "create"]
        (registered,) = sim.state.registered_callbacks(ACCOUNT)
        assert registered["url"] == "https://hooks.example.com/ts"
