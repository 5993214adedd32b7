"""The plugin end to end in-process: configure, check, create, diff, update, read, delete and import,
against the simulator over loopback HTTP, with requests as the engine builds them."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue

from kits.plugin import configure_request, props, provider_args, urn, values_of
from pulumi_thingspace.errors import UserError
from pulumi_thingspace.plugin.provider import ThingSpacePlugin
from pulumi_thingspace.simulator import DEMO_ACCOUNT, SimulatorServer, synthetic_ids

LABELS = urn("UsageSegmentationLabels", "fleet-labels")
LICENSES = urn("FotaLicenseAssignment", "fota")
LISTENER = urn("CallbackListener", "carrier")
TIMEOUT = 60.0


def eid(serial: int) -> str:
    return synthetic_ids(serial)["eid"]


def imei(serial: int) -> str:
    return synthetic_ids(serial)["imei"]


@pytest.fixture
def plugin(sim: SimulatorServer) -> ThingSpacePlugin:
    """A plugin configured as an explicit provider for the simulator's demo tenant."""
    plugin = ThingSpacePlugin("{}")
    response = asyncio.run(plugin.configure(configure_request(provider_args(sim.url))))
    assert response.accept_secrets
    return plugin


def check(
    plugin: ThingSpacePlugin, resource: str, olds: dict[str, Any], news: dict[str, Any]
) -> rpc.CheckResponse:
    return asyncio.run(plugin.check(rpc.CheckRequest(resource, props(olds), props(news), b"seed")))


def checked(plugin: ThingSpacePlugin, resource: str, news: dict[str, Any]) -> dict[str, PropertyValue]:
    response = check(plugin, resource, {}, news)
    assert not response.failures, [(f.property, f.reason) for f in response.failures]
    assert response.inputs is not None
    return response.inputs


def labels_held(sim: SimulatorServer, *serials: int) -> dict[str, dict[str, str]]:
    """The labels ThingSpace holds on the given demo devices, once its asynchronous actions are done."""
    assert sim.wait_idle()
    held = sim.state.labels(DEMO_ACCOUNT)
    return {e: held[e] for e in map(eid, serials) if held.get(e)}


def licensed(sim: SimulatorServer) -> set[str]:
    return set(sim.state.licenses(DEMO_ACCOUNT)["devices"])


def label(serial: int, name: str, value: str) -> dict[str, str]:
    return {"deviceId": eid(serial), "name": name, "value": value}


def test_labels_check_create_diff_update_read_delete(plugin: ThingSpacePlugin, sim: SimulatorServer) -> None:
    declared = [label(3, "VIN", "X1"), label(3, "FLEET", "north"), label(4, "VIN", "X2")]
    inputs = checked(plugin, LABELS, {"accountName": DEMO_ACCOUNT, "labels": declared})
    key = f"{eid(3)}/FLEET"
    assert values_of(inputs)["labels"] == {f"{eid(3)}/VIN": "X1", key: "north", f"{eid(4)}/VIN": "X2"}

    created = asyncio.run(plugin.create(rpc.CreateRequest(LABELS, inputs, TIMEOUT, False)))
    assert created.resource_id
    state = created.properties
    assert values_of(state)["labels"] == values_of(inputs)["labels"]
    assert values_of(state)["requestIds"], "the label request ids are outputs"
    assert labels_held(sim, 3, 4) == {eid(3): {"VIN": "X1", "FLEET": "north"}, eid(4): {"VIN": "X2"}}

    changed = [label(3, "VIN", "X1"), label(3, "FLEET", "south"), label(4, "VIN", "X2")]
    new_inputs = checked(plugin, LABELS, {"accountName": DEMO_ACCOUNT, "labels": changed})
    request = rpc.DiffRequest(LABELS, created.resource_id, state, new_inputs, [])
    difference = asyncio.run(plugin.diff(request))
    assert difference.changes is True and difference.replaces == []
    assert {p: d.kind for p, d in difference.detailed_diff.items()} == {
        f"labels[{json.dumps(key)}]": rpc.PropertyDiffKind.UPDATE
    }

    update = rpc.UpdateRequest(LABELS, created.resource_id, state, new_inputs, TIMEOUT, [], False)
    state = asyncio.run(plugin.update(update)).properties
    assert values_of(state)["labels"][key] == "south"
    assert labels_held(sim, 3, 4) == {eid(3): {"VIN": "X1", "FLEET": "south"}, eid(4): {"VIN": "X2"}}

    read = asyncio.run(plugin.read(rpc.ReadRequest(LABELS, created.resource_id, state, new_inputs)))
    assert read.resource_id == created.resource_id
    assert values_of(read.properties)["labels"] == values_of(state)["labels"]
    assert values_of(read.inputs) == {"accountName": DEMO_ACCOUNT, "labels": values_of(state)["labels"]}

    asyncio.run(plugin.delete(rpc.DeleteRequest(LABELS, created.resource_id, state, TIMEOUT)))
    assert labels_held(sim, 3, 4) == {}


def test_check_failures_name_the_properties_a_program_wrote(plugin: ThingSpacePlugin) -> None:
    """A YAML or TypeScript user wrote ``deviceId``; the failure must not say ``device_id``."""
    bad = {"accountName": DEMO_ACCOUNT, "labels": [{"deviceId": "123", "name": "VIN", "value": "X"}]}
    failures = check(plugin, LABELS, {}, bad).failures or []
    assert failures, "an EID of three digits is rejected"
    text = " ".join(f"{f.property} {f.reason}" for f in failures)
    assert "deviceId" in text and "device_id" not in text, text
    licenses = {"accountName": DEMO_ACCOUNT, "deviceImeis": ["12"], "apiVersion": "v9"}
    failures = check(plugin, LICENSES, {}, licenses).failures or []
    assert {f.property for f in failures} >= {"apiVersion"}
    text = " ".join(f"{f.property} {f.reason}" for f in failures)
    assert "deviceImeis" in text and "device_imeis" not in text and "api_version" not in text, text


def test_license_check_create_diff_update_read_delete(plugin: ThingSpacePlugin, sim: SimulatorServer) -> None:
    before = licensed(sim)
    assert imei(3) not in before and imei(4) not in before and imei(5) not in before
    news = {"accountName": DEMO_ACCOUNT, "deviceImeis": [imei(3), imei(4)]}
    inputs = checked(plugin, LICENSES, news)
    assert values_of(inputs)["deviceImeis"] == {imei(3): True, imei(4): True}

    created = asyncio.run(plugin.create(rpc.CreateRequest(LICENSES, inputs, TIMEOUT, False)))
    state = created.properties
    assert created.resource_id and sorted(values_of(state)["ownedImeis"]) == [imei(3), imei(4)]
    assert values_of(state)["licUsedCount"] == len(before) + 2
    assert licensed(sim) == before | {imei(3), imei(4)}

    new_inputs = checked(plugin, LICENSES, {**news, "deviceImeis": [imei(3), imei(5)]})
    request = rpc.DiffRequest(LICENSES, created.resource_id, state, new_inputs, [])
    difference = asyncio.run(plugin.diff(request))
    assert {p: d.kind for p, d in difference.detailed_diff.items()} == {
        f'deviceImeis["{imei(4)}"]': rpc.PropertyDiffKind.DELETE,
        f'deviceImeis["{imei(5)}"]': rpc.PropertyDiffKind.ADD,
    }

    update = rpc.UpdateRequest(LICENSES, created.resource_id, state, new_inputs, TIMEOUT, [], False)
    state = asyncio.run(plugin.update(update)).properties
    assert sorted(values_of(state)["ownedImeis"]) == [imei(3), imei(5)]
    assert licensed(sim) == before | {imei(3), imei(5)}

    assert sim.state.remove_license(imei(5), DEMO_ACCOUNT)[0], "a license removed outside Pulumi"
    read = asyncio.run(plugin.read(rpc.ReadRequest(LICENSES, created.resource_id, state, new_inputs)))
    assert read.resource_id == created.resource_id
    assert values_of(read.inputs)["deviceImeis"] == {imei(3): True}, "refresh sees the lost license"
    assert values_of(read.properties)["ownedImeis"] == [imei(3)]

    asyncio.run(plugin.delete(rpc.DeleteRequest(LICENSES, created.resource_id, read.properties, TIMEOUT)))
    assert licensed(sim) == before


def test_import_license_assignment_adopts_the_licenses(
    plugin: ThingSpacePlugin, sim: SimulatorServer
) -> None:
    held = [imei(1), imei(2)]
    assert licensed(sim) >= set(held), "the demo fleet's devices 1 and 2 hold a license"
    import_id = f"{DEMO_ACCOUNT}/{held[0]},{held[1]}"
    read = asyncio.run(plugin.read(rpc.ReadRequest(LICENSES, import_id, {}, {})))
    assert read.resource_id == import_id
    # The inputs as the schema declares them (the IMEIs a list), for the code `pulumi import` writes.
    inputs = values_of(read.inputs)
    assert inputs["accountName"] == DEMO_ACCOUNT
    assert sorted(inputs["deviceImeis"]) == held and inputs["adopt"] is True
    assert sorted(values_of(read.properties)["ownedImeis"]) == held
    assert values_of(read.properties)["deviceImeis"] == dict.fromkeys(held, True)
    assert licensed(sim) >= set(held), "an import changes nothing in ThingSpace"
    # That code, checked as the next `up` checks it, declares the imported state: no change.
    rechecked = checked(plugin, LICENSES, inputs)
    difference = asyncio.run(
        plugin.diff(rpc.DiffRequest(LICENSES, import_id, read.properties, rechecked, []))
    )
    assert difference.changes is False and difference.detailed_diff == {}


def test_import_of_a_listener_that_does_not_exist_finds_nothing(
    plugin: ThingSpacePlugin, sim: SimulatorServer
) -> None:
    assert sim.state.registered_callbacks(DEMO_ACCOUNT) == [], "the demo account has no listener"
    read = asyncio.run(plugin.read(rpc.ReadRequest(LISTENER, f"{DEMO_ACCOUNT}/CarrierService", {}, {})))
    assert not read.resource_id and read.properties == {}


def test_labels_cannot_be_imported(plugin: ThingSpacePlugin) -> None:
    with pytest.raises(UserError, match="write-only") as raised:
        asyncio.run(plugin.read(rpc.ReadRequest(LABELS, f"{DEMO_ACCOUNT}/anything", {}, {})))
    assert "UsageSegmentationLabels" in str(raised.value)


@pytest.mark.parametrize("bad_id", ["no-slash", f"{DEMO_ACCOUNT}/12345", f"{DEMO_ACCOUNT}/"])
def test_a_malformed_license_import_id_names_the_format(plugin: ThingSpacePlugin, bad_id: str) -> None:
    with pytest.raises(UserError) as raised:
        asyncio.run(plugin.read(rpc.ReadRequest(LICENSES, bad_id, {}, {})))
    assert "`<account>/<imei>[,<imei>...]`" in str(raised.value)
    assert repr(bad_id) in str(raised.value)
