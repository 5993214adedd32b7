"""Device list paging and lookup, deactivation and deletion."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from kits.simulator import ACCOUNT, Api, Receiver, fast_config
from pulumi_thingspace.models import parse_delete_results
from pulumi_thingspace.simulator import SimulatorServer, synthetic_ids

LIST = "/api/m2m/v1/devices/actions/list"
DEACTIVATE = "/api/m2m/v1/devices/actions/deactivate"
DELETE = "/api/m2m/v1/devices/actions/delete"
DEV1, DEV10, DEV11 = synthetic_ids(1), synthetic_ids(10), synthetic_ids(11)


def device_ref(kind: str, value: str) -> dict[str, list[dict[str, str]]]:
    return {"deviceIds": [{"kind": kind, "id": value}]}


@pytest.fixture
def small_pages() -> Iterator[SimulatorServer]:
    with SimulatorServer(config=fast_config(device_page_size=5)) as server:
        yield server


def test_paging_answers_202_while_more_data_follows(small_pages: SimulatorServer) -> None:
    api = Api(small_pages.url)
    api.login()
    seen: list[str] = []
    statuses = []
    while True:
        response = api.post(LIST, {"accountName": ACCOUNT, "largestDeviceIdSeen": len(seen)})
        page = response.json()
        statuses.append((response.status_code, page["hasMoreData"], len(page["devices"])))
        seen += [next(i["id"] for i in d["deviceIds"] if i["kind"] == "eid") for d in page["devices"]]
        if not page["hasMoreData"]:
            break
    assert statuses == [(202, True, 5), (202, True, 5), (200, False, 2)]
    assert seen == [synthetic_ids(n)["eid"] for n in range(1, 13)]


def test_whole_demo_account_fits_one_page(api: Api) -> None:
    response = api.post(LIST, {"accountName": ACCOUNT})
    assert response.status_code == 200
    devices = response.json()["devices"]
    assert len(devices) == 12
    states = [d["carrierInformations"][0]["state"] for d in devices]
    assert states == ["active"] * 9 + ["deactive"] * 3
    assert {i["kind"] for i in devices[0]["deviceIds"]} == {"eid", "iccid", "imei"}


@pytest.mark.parametrize(
    ("kind", "key"), [("EID", "eid"), ("iccId", "iccid"), ("Imei", "imei"), ("imei", "imei")]
)
def test_single_device_lookup_by_any_kind(api: Api, kind: str, key: str) -> None:
    response = api.post(LIST, {"accountName": ACCOUNT, "deviceId": {"kind": kind, "id": DEV1[key]}})
    assert response.status_code == 200
    (device,) = response.json()["devices"]
    assert {i["id"] for i in device["deviceIds"]} == set(DEV1.values())


def test_unknown_device_is_an_empty_list(api: Api) -> None:
    response = api.post(LIST, {"accountName": ACCOUNT, "deviceId": {"kind": "imei", "id": "999999999999999"}})
    assert (response.status_code, response.json()) == (200, {"hasMoreData": False, "devices": []})


def test_unknown_account_is_account_not_found(api: Api) -> None:
    response = api.post(LIST, {"accountName": "1234567890-00001"})
    assert response.status_code == 400
    assert response.json()["errorCode"] == "UnifiedWebService.REQUEST_FAILED.AccountNotFound"


def test_deactivate_then_delete(sim: SimulatorServer, api: Api, listening: Receiver) -> None:
    body = {"accountName": ACCOUNT, "devices": [device_ref("iccid", DEV1["iccid"])], "reasonCode": "FF"}
    request_id = api.post(DEACTIVATE, {**body, "etfWaiver": True}).json()["requestId"]
    (callback,) = listening.wait_for(1)
    assert callback["requestId"] == request_id
    assert callback["status"] == "Success"
    assert callback["deviceResponse"]["deactivateResponse"]["state"] == "deactive"
    assert {i["id"] for i in callback["deviceIds"]} == set(DEV1.values())
    assert (callback["callbackCount"], callback["username"], callback["password"]) == (1, "foo", "bar")
    lookup = {"accountName": ACCOUNT, "deviceId": {"kind": "eid", "id": DEV1["eid"]}}
    assert api.post(LIST, lookup).json()["devices"][0]["carrierInformations"][0]["state"] == "deactive"

    deleted = api.post(DELETE, {"accountName": ACCOUNT, "devicesToDelete": [device_ref("eid", DEV1["eid"])]})
    assert deleted.json() == {
        "deleteDevicesResponse": [{"deviceIds": {"id": DEV1["eid"], "kind": "eid"}, "status": "Success"}]
    }
    assert api.post(LIST, lookup).json()["devices"] == []
    assert len(api.post(LIST, {"accountName": ACCOUNT}).json()["devices"]) == 11
    (record,) = requests.get(sim.admin_url("deleted")).json()
    assert {i["id"] for i in record["deviceIds"]} == set(DEV1.values())
    assert sim.state.licenses(ACCOUNT)["licUsedCount"] == 1


def test_delete_reports_each_device(api: Api) -> None:
    body = {
        "accountName": ACCOUNT,
        "devicesToDelete": [
            device_ref("iccid", DEV10["iccid"]),
            device_ref("eid", DEV1["eid"]),
            device_ref("imei", "999999999999999"),
        ],
    }
    response = api.post(DELETE, body)
    assert response.json() == {
        "deleteDevicesResponse": [
            {"deviceIds": {"id": DEV10["iccid"], "kind": "iccid"}, "status": "Success"},
            {
                "deviceIds": {"id": DEV1["eid"], "kind": "eid"},
                "status": "Failed",
                "message": "The device is not in deactive state.",
            },
            {
                "deviceIds": {"id": "999999999999999", "kind": "imei"},
                "status": "Failed",
                "message": "The device does not exist",
            },
        ]
    }
    assert [r.ok for r in parse_delete_results(response.json())] == [True, False, False]


def test_delete_accepts_at_most_100_devices(api: Api) -> None:
    body = {"accountName": ACCOUNT, "devicesToDelete": [device_ref("eid", DEV11["eid"])] * 101}
    response = api.post(DELETE, body)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "UnifiedWebService.INPUT_INVALID.DevicesToDelete"


def test_deactivating_an_unknown_device_sends_a_fault_callback(api: Api, listening: Receiver) -> None:
    body = {"accountName": ACCOUNT, "devices": [device_ref("imei", "999999999999999")], "etfWaiver": False}
    api.post(DEACTIVATE, {**body, "reasonCode": "FF"})
    (callback,) = listening.wait_for(1)
    assert callback["status"] == "Failed"
    assert callback["faultResponse"]["faultcode"] == "UnifiedWebService.INPUT_INVALID.Device.Account.Invalid"


def test_deactivate_reason_code_must_be_ff(api: Api) -> None:
    body = {"accountName": ACCOUNT, "devices": [device_ref("eid", DEV1["eid"])], "reasonCode": "XX"}
    response = api.post(DEACTIVATE, {**body, "etfWaiver": False})
    assert response.json()["errorCode"] == "UnifiedWebService.INPUT_INVALID.ReasonCode"


def test_lookup_in_a_large_fleet(sim: SimulatorServer, api: Api) -> None:
    added = requests.post(sim.admin_url(f"accounts/{ACCOUNT}/devices"), json={"generate": {"count": 20000}})
    assert added.json()["deviceCount"] == 20012
    last = synthetic_ids(20012)["imei"]
    response = api.post(LIST, {"accountName": ACCOUNT, "deviceId": {"kind": "imei", "id": last}})
    assert len(response.json()["devices"]) == 1
    page = api.post(LIST, {"accountName": ACCOUNT, "largestDeviceIdSeen": 18000})
    assert (page.status_code, len(page.json()["devices"])) == (202, 2000)


def test_delete_without_account_name_follows_seed_002(api: Api) -> None:
    # Seed 002's own example body has no accountName (the field is optional there).
    body = {"devicesToDelete": [device_ref("iccid", DEV10["iccid"]), device_ref("imei", "999999999999999")]}
    response = api.post(DELETE, body)
    assert response.status_code == 200
    results = response.json()["deleteDevicesResponse"]
    assert [r["status"] for r in results] == ["Success", "Failed"]
