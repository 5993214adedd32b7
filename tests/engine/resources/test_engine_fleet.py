"""Licenses, retirement and listeners through the engine path against the simulator."""

from __future__ import annotations

import pytest

import pulumi_thingspace as thingspace
from kits.stack import ACCOUNT, api_counts, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing import Engine, ProviderOperationError

V3 = "/api/fota/v3/licenses/{account}"


def held(module_sim: SimulatorServer) -> set[str]:
    return set(module_sim.state.licenses(ACCOUNT)["devices"])


def test_licenses_refresh_sees_a_lost_license_and_up_restores_it(
    engine: Engine, module_sim: SimulatorServer
) -> None:
    imeis = [synthetic_ids(n)["imei"] for n in (3, 4)]

    def program() -> None:
        thingspace.FotaLicenseAssignment("fota", account_name=ACCOUNT, device_imeis=list(imeis))

    engine.up(program)
    assert set(imeis) <= held(module_sim)
    assert engine.outputs("fota")["owned_imeis"] == sorted(imeis)

    module_sim.state.remove_license(imeis[0], ACCOUNT)  # lost outside Pulumi
    engine.refresh()
    assert engine.outputs("fota")["device_imeis"] == {imeis[1]: True}
    module_sim.state.reset_request_counts()
    assert [s.op for s in engine.up(program)] == ["update"]
    assert api_counts(module_sim) == {f"POST {V3}/assign": 1}
    assert set(imeis) <= held(module_sim)

    imeis.append(synthetic_ids(5)["imei"])
    imeis.remove(synthetic_ids(3)["imei"])
    engine.up(program)
    assert synthetic_ids(5)["imei"] in held(module_sim) and synthetic_ids(3)["imei"] not in held(module_sim)

    engine.destroy()
    assert not (set(imeis) & held(module_sim))


def test_licenses_held_before_stay_unless_adopted(engine: Engine, module_sim: SimulatorServer) -> None:
    preheld = synthetic_ids(1)["imei"]  # licensed in the demo fleet before any program ran
    assert preheld in held(module_sim)

    def program() -> None:
        thingspace.FotaLicenseAssignment(
            "keep", account_name=ACCOUNT, device_imeis=[preheld, synthetic_ids(6)["imei"]]
        )

    engine.up(program)
    engine.destroy()
    assert preheld in held(module_sim) and synthetic_ids(6)["imei"] not in held(module_sim)


def test_retirement_refuses_active_devices_then_deletes_deactive_ones(
    engine: Engine, module_sim: SimulatorServer
) -> None:
    devices = [
        {"kind": "iccid", "id": synthetic_ids(10)["iccid"]},
        {"kind": "ICCID", "id": synthetic_ids(7)["iccid"]},
    ]

    def program() -> None:
        thingspace.DeviceRetirement("retire", account_name=ACCOUNT, devices=list(devices))

    with pytest.raises(ProviderOperationError) as info:
        engine.up(program)
    assert f"iccid:{synthetic_ids(7)['iccid']}: state is active" in info.value.message
    assert module_sim.state.device(synthetic_ids(10)["iccid"]) is not None  # nothing was deleted

    devices.pop()
    assert [s.op for s in engine.up(program)] == ["create"]
    assert module_sim.state.device(synthetic_ids(10)["iccid"]) is None
    assert engine.outputs("retire")["retired"] == {f"iccid:{synthetic_ids(10)['iccid']}": "deleted"}

    devices.append({"kind": "iccid", "id": synthetic_ids(7)["iccid"]})

    def deactivating() -> None:
        thingspace.DeviceRetirement(
            "retire", account_name=ACCOUNT, devices=list(devices), deactivate_first=True, etf_waiver=True
        )

    assert [s.op for s in engine.up(deactivating)] == ["update"]
    assert module_sim.state.device(synthetic_ids(7)["iccid"]) is None
    engine.destroy()  # never restores anything
    assert module_sim.state.device(synthetic_ids(10)["iccid"]) is None


def test_listener_replace_deletes_first_and_destroy_deregisters(
    engine: Engine, module_sim: SimulatorServer
) -> None:
    url = {"value": "http://127.0.0.1:9/one"}

    def program() -> None:
        thingspace.CallbackListener(
            "carrier", account_name=ACCOUNT, url=url["value"], username="ts", password="hook-secret-1"
        )

    engine.up(program)
    (registered,) = module_sim.state.registered_callbacks(ACCOUNT)
    assert registered["url"] == "http://127.0.0.1:9/one"
    assert engine.resource("carrier").secret_outputs >= {"password"}

    url["value"] = "http://127.0.0.1:9/two"
    (step,) = engine.up(program)
    assert step.op == "replace" and step.delete_before_replace
    assert [c["url"] for c in module_sim.state.registered_callbacks(ACCOUNT)] == ["http://127.0.0.1:9/two"]

    engine.destroy()
    assert module_sim.state.registered_callbacks(ACCOUNT) == []


def test_existing_listener_needs_adopt(engine: Engine, module_sim: SimulatorServer) -> None:
    def program(adopt: bool) -> None:
        thingspace.CallbackListener(
            "other", account_name=ACCOUNT, url="https://hooks.example.com/x", adopt=adopt
        )

    engine.up(
        lambda: thingspace.CallbackListener("first", account_name=ACCOUNT, url="https://a.example.com/x")
    )
    second = Engine(engine.server, project="fleet", stack="second", config=stack_config(module_sim))
    with pytest.raises(ProviderOperationError, match="adopt=True"):
        second.up(lambda: program(False))
    second.up(lambda: program(True))
    assert [c["url"] for c in module_sim.state.registered_callbacks(ACCOUNT)] == [
        "https://hooks.example.com/x"
    ]
    second.destroy()
