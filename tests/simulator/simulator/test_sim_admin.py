"""The admin API: bulk devices, drift out of band, state views, request counts and unknown paths."""

from __future__ import annotations

import requests

from kits.simulator import ACCOUNT, LABELS, Api
from pulumi_thingspace.simulator import SimulatorServer, synthetic_ids

LIST = "/api/m2m/v1/devices/actions/list"
DEV1, DEV5 = synthetic_ids(1), synthetic_ids(5)
NEW_EID = "89049032777777777777777777777777"
NEW_IMEI = "357777777777777"


def test_bulk_add_explicit_devices(sim: SimulatorServer, api: Api) -> None:
    device = {
        "deviceIds": [{"kind": "eid", "id": NEW_EID}, {"kind": "imei", "id": NEW_IMEI}],
        "state": "deactive",
        "labels": {"VIN": "X1"},
        "licenseAssigned": True,
    }
    added = requests.post(sim.admin_url(f"accounts/{ACCOUNT}/devices"), json={"devices": [device]})
    assert added.json() == {"accountName": ACCOUNT, "added": 1, "deviceCount": 13}
    view = requests.get(sim.admin_url(f"devices/{NEW_IMEI}")).json()
    assert (view["state"], view["labels"], view["licenseAssigned"]) == ("deactive", {"VIN": "X1"}, True)
    listed = api.post(LIST, {"accountName": ACCOUNT, "deviceId": {"kind": "EID", "id": NEW_EID}}).json()
    assert listed["devices"][0]["carrierInformations"][0]["state"] == "deactive"
    duplicate = requests.post(sim.admin_url(f"accounts/{ACCOUNT}/devices"), json={"devices": [device]})
    assert duplicate.status_code == 409


def test_new_account_with_generated_devices(sim: SimulatorServer, api: Api) -> None:
    body = {"generate": {"count": 3, "state": "deactive"}, "licCount": 5}
    assert requests.post(sim.admin_url("accounts/2222222222-00001/devices"), json=body).json()["added"] == 3
    page = api.post(LIST, {"accountName": "2222222222-00001"}).json()["devices"]
    assert [d["carrierInformations"][0]["state"] for d in page] == ["deactive"] * 3
    assert {d["deviceIds"][0]["id"] for d in page}.isdisjoint({synthetic_ids(n)["eid"] for n in range(1, 13)})
    accounts = {a["accountName"]: a for a in requests.get(sim.admin_url("accounts")).json()}
    assert accounts["2222222222-00001"] == {
        "accountName": "2222222222-00001",
        "deviceCount": 3,
        "licCount": 5,
        "licUsedCount": 0,
    }


def test_labels_drift_out_of_band_without_callbacks(sim: SimulatorServer) -> None:
    put = requests.put(sim.admin_url(f"devices/{DEV1['eid']}/labels/VIN"), json={"value": "drifted"})
    assert put.json()["labels"] == {"VIN": "drifted"}
    assert requests.get(sim.admin_url(f"accounts/{ACCOUNT}/labels")).json() == {
        DEV1["eid"]: {"VIN": "drifted"}
    }
    assert requests.delete(sim.admin_url(f"devices/{DEV1['eid']}/labels/VIN")).status_code == 200
    assert requests.delete(sim.admin_url(f"devices/{DEV1['eid']}/labels/VIN")).status_code == 404
    assert sim.state.labels(ACCOUNT) == {}
    assert sim.state.deliveries() == []


def test_licenses_drift_out_of_band(sim: SimulatorServer, api: Api) -> None:
    url = sim.admin_url(f"accounts/{ACCOUNT}/licenses")
    assigned = requests.post(url + "/assign", json={"deviceList": [DEV5["imei"]]}).json()
    assert assigned["licUsedCount"] == 3
    assert DEV5["imei"] in requests.get(url).json()["devices"]
    read = api.post(f"/api/fota/v3/devices/{ACCOUNT}", {"deviceList": [DEV5["imei"], DEV1["imei"]]}).json()
    assert [d["licenseAssigned"] for d in read["deviceList"]] == [True, True]
    removed = requests.post(url + "/remove", json={"deviceList": [DEV1["imei"], DEV1["imei"]]}).json()
    assert [r["ok"] for r in removed["results"]] == [True, False]
    assert removed["licUsedCount"] == 2


def test_state_changed_out_of_band_allows_delete(sim: SimulatorServer, api: Api) -> None:
    requests.put(sim.admin_url(f"devices/{DEV5['iccid']}/state"), json={"state": "deactive"})
    body = {
        "accountName": ACCOUNT,
        "devicesToDelete": [{"deviceIds": [{"kind": "imei", "id": DEV5["imei"]}]}],
    }
    assert (
        api.post("/api/m2m/v1/devices/actions/delete", body).json()["deleteDevicesResponse"][0]["status"]
        == "Success"
    )
    assert requests.get(sim.admin_url(f"devices/{DEV5['eid']}")).status_code == 404
    assert sim.state.deleted_devices()[0]["accountName"] == ACCOUNT


def test_request_counts_per_endpoint_and_reset(sim: SimulatorServer, api: Api) -> None:
    requests.delete(sim.admin_url("requests"))
    for _ in range(2):
        api.post(f"/api/fota/v1/licenses/{ACCOUNT}/assign", {"deviceList": [DEV1["imei"]]})
    api.post(LIST, {"accountName": ACCOUNT})
    assert requests.get(sim.admin_url("requests")).json() == {
        "POST /api/fota/v1/licenses/{account}/assign": 2,
        f"POST {LIST}": 1,
    }
    requests.delete(sim.admin_url("requests"))
    assert sim.state.request_counts() == {}


def test_unknown_api_paths_get_the_gateway_fault(sim: SimulatorServer, api: Api) -> None:
    for response in (api.get("/api/m2m/v1/nothing-here"), api.get(LABELS)):
        assert response.status_code == 400
        assert response.json()["fault"]["code"] == "900906"
    assert requests.get(sim.admin_url("nothing-here")).status_code == 404


def test_state_summary_and_delivery_log(sim: SimulatorServer, api: Api) -> None:
    label = {"deviceIds": [{"id": DEV1["eid"], "kind": "EID"}], "label": {"name": "a", "value": "b"}}
    request_id = api.post(LABELS, {"accountName": ACCOUNT, "labels": [label]}).json()["requestId"]
    assert requests.post(sim.admin_url("wait-idle")).json() == {"idle": True}
    summary = requests.get(sim.admin_url("state")).json()
    assert summary["deliveries"] == 1
    assert summary["sessions"] == 1
    assert summary["users"][0]["username"] == "demo-user"
    (delivery,) = requests.get(sim.admin_url("deliveries"), params={"requestId": request_id}).json()
    assert delivery["body"]["requestId"] == request_id
    requests.delete(sim.admin_url("deliveries"))
    assert sim.state.deliveries() == []
