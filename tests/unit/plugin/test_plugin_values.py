"""Property values between the engine (camelCase ``PropertyValue``) and the lifecycles (snake_case, plain)."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import rpc

from kits.plugin import COMPUTED, pv, structure, values_of
from pulumi_thingspace.plugin.values import Names, plain, wrap
from pulumi_thingspace.resources.registry import BY_NAME, RESOURCES, ResourceModels
from pulumi_thingspace.schema import build_schema
from pulumi_thingspace.schema.typemap import prop_name

EID = "89049032000001000000000000000001"
IMEI = "990000862471854"
# A label name with capitals and an underscore: map keys are data, never renamed.
KEY = f"{EID}/FleetTag_A"


def test_numbers_arrive_as_floats_and_reach_the_models_as_ints() -> None:
    assert plain(PropertyValue(50.0)) == 50 and type(plain(PropertyValue(50.0))) is int
    assert plain(PropertyValue(30.5)) == 30.5
    assert plain(PropertyValue(True)) is True  # a bool is not a number
    nested = PropertyValue({"counts": PropertyValue([PropertyValue(1.0), PropertyValue(2.0)])})
    assert plain(nested) == {"counts": [1, 2]}
    assert all(type(n) is int for n in plain(nested)["counts"])


def test_ints_leave_as_floats_and_bools_stay_bools() -> None:
    assert wrap(10) == PropertyValue(10.0)
    assert wrap(True) == PropertyValue(True) and wrap(False).value is False
    assert wrap(2.5) == PropertyValue(2.5)
    assert wrap(None) == PropertyValue(None)


def test_unknowns_are_the_sdk_sentinel_one_way_and_computed_the_other() -> None:
    assert plain(PropertyValue.computed()) == rpc.UNKNOWN
    assert isinstance(wrap(rpc.UNKNOWN).value, Computed)
    inside = PropertyValue({"labels": PropertyValue([PropertyValue.computed()])})
    assert plain(inside) == {"labels": [rpc.UNKNOWN]}
    assert structure(wrap(plain(inside))) == (False, {"labels": (False, [(False, COMPUTED)])})


@pytest.mark.parametrize(
    "value",
    [
        "text",
        7,
        0,
        2.5,
        True,
        None,
        [1, "a", False],
        {"account": "0000000000-00001", "counts": {"set": 3, "removed": 0}, "ids": ["r1", "r2"]},
        {KEY: "v", "unknown": rpc.UNKNOWN},
    ],
)
def test_plain_and_wrap_round_trip(value: Any) -> None:
    assert plain(wrap(value)) == value
    assert type(plain(wrap(value))) is type(value)
    wrapped = wrap(value)
    assert structure(wrap(plain(wrapped))) == structure(wrapped)


def test_secrets_are_unwrapped_on_the_way_in_and_marked_on_the_way_out() -> None:
    assert plain(PropertyValue("pw", is_secret=True)) == "pw"
    inner_secret = PropertyValue({"a": PropertyValue("s", is_secret=True), "b": PropertyValue(1.0)})
    assert plain(inner_secret) == {"a": "s", "b": 1}
    out = wrap({"a": 1}, secret=True)
    assert out.is_secret and plain(out) == {"a": 1}
    assert not wrap("x").is_secret


def labels_input() -> dict[str, PropertyValue]:
    """UsageSegmentationLabels inputs as a program in any language declares them."""
    label = {"deviceId": EID, "name": "FleetTag_A", "value": "blue"}
    return {"accountName": pv("0000000000-00001"), "labels": pv([label])}


def test_inputs_rename_properties_and_label_elements_to_the_model_names() -> None:
    names = Names(BY_NAME["UsageSegmentationLabels"])
    inputs, secret = names.inputs(labels_input())
    assert inputs == {
        "account_name": "0000000000-00001",
        "labels": [{"device_id": EID, "name": "FleetTag_A", "value": "blue"}],
    }
    assert secret == set()


def test_retirement_device_elements_keep_their_names() -> None:
    names = Names(BY_NAME["DeviceRetirement"])
    inputs, _ = names.inputs({"devices": pv([{"kind": "ICCID", "id": "89148000000800000015"}])})
    assert inputs == {"devices": [{"kind": "ICCID", "id": "89148000000800000015"}]}


def test_map_keys_are_data_and_never_renamed() -> None:
    names = Names(BY_NAME["UsageSegmentationLabels"])
    state = {"labels": pv({KEY: "blue"}), "results": pv({KEY: "Success"}), "requestIds": pv(["r1"])}
    inputs, _ = names.inputs(state)
    assert inputs == {"labels": {KEY: "blue"}, "results": {KEY: "Success"}, "request_ids": ["r1"]}
    outputs = names.outputs(inputs)
    assert set(outputs) == {"labels", "results", "requestIds"}
    assert values_of(outputs)["labels"] == {KEY: "blue"}
    assert outputs == state


def test_inputs_report_which_properties_were_secret() -> None:
    names = Names(BY_NAME["UsageSegmentationLabels"])
    values = {**labels_input(), "accountName": pv("0000000000-00001", secret=True)}
    assert names.inputs(values)[1] == {"account_name"}
    label = PropertyValue({"deviceId": pv(EID), "name": pv("N"), "value": pv("v", secret=True)})
    nested = {"accountName": pv("0000000000-00001"), "labels": PropertyValue([label])}
    assert names.inputs(nested)[1] == {"labels"}, "a secret inside a list marks the whole property"


def test_outputs_mark_declared_secrets_and_secret_inputs() -> None:
    res = BY_NAME["CallbackListener"]
    names = Names(res)
    state = {
        "account_name": "0000000000-00001",
        "url": "https://hooks.example.com/ts",
        "username": "ts",
        "password": "pw",
        "service_name": "CarrierService",
        "listener_id": "0000000000-00001/CarrierService",
    }
    outputs = names.outputs(state)
    secret = {k for k, v in outputs.items() if v.is_secret}
    assert secret == {prop_name(n) for n in res.secret_fields()} == {"password"}
    assert {k for k, v in names.outputs(state, {"username"}).items() if v.is_secret} == {
        "password",
        "username",
    }
    assert "serviceName" in outputs and "listenerId" in outputs


def test_outputs_leave_out_none() -> None:
    names = Names(BY_NAME["FotaLicenseAssignment"])
    outputs = names.outputs({"account_name": "0000000000-00001", "lic_count": None, "owned_imeis": [IMEI]})
    assert set(outputs) == {"accountName", "ownedImeis"}


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.name)
def test_the_plugin_speaks_the_schema_names(res: ResourceModels) -> None:
    """Every name the plugin translates to is a property of the schema the engine and the SDKs read."""
    spec = build_schema()["resources"][res.token]
    names = Names(res)
    assert set(names.to_camel.values()) == set(spec["properties"])
    assert {names.to_snake[p] for p in spec["inputProperties"]} == set(res.args.model_fields)
