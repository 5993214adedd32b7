"""Callback listener registration and callback resends."""

from __future__ import annotations

import time

import requests

from kits.simulator import ACCOUNT, LABELS, Api, Receiver
from pulumi_thingspace.simulator import SimulatorServer, synthetic_ids

CALLBACKS = f"/api/m2m/v1/callbacks/{ACCOUNT}"
EID1 = synthetic_ids(1)["eid"]
SET_ONE = {
    "accountName": ACCOUNT,
    "labels": [{"deviceIds": [{"id": EID1, "kind": "EID"}], "label": {"name": "VIN", "value": "A1"}}],
}


def test_register_list_replace_and_deregister(api: Api) -> None:
    first = {"name": "CarrierService", "url": "http://127.0.0.1:9/one", "username": "u", "password": "p"}
    assert api.post(CALLBACKS, first).json() == {"accountName": ACCOUNT, "serviceName": "CarrierService"}
    api.post(CALLBACKS, {"name": "CarrierService", "url": "http://127.0.0.1:9/two"})
    api.post(CALLBACKS, {"name": "DeviceUsage", "url": "http://127.0.0.1:9/usage"})
    listed = api.get(CALLBACKS).json()
    assert sorted(listed, key=lambda r: r["serviceName"]) == [
        {
            "accountName": ACCOUNT,
            "serviceName": "CarrierService",
            "url": "http://127.0.0.1:9/two",
            "username": "",
            "password": "",
        },
        {
            "accountName": ACCOUNT,
            "serviceName": "DeviceUsage",
            "url": "http://127.0.0.1:9/usage",
            "username": "",
            "password": "",
        },
    ]
    gone = api.delete(f"{CALLBACKS}/name/DeviceUsage")
    assert gone.json() == {"accountName": ACCOUNT, "serviceName": "DeviceUsage"}
    assert [r["serviceName"] for r in api.get(CALLBACKS).json()] == ["CarrierService"]


def test_deregistering_an_unregistered_service_fails(api: Api) -> None:
    response = api.delete(f"{CALLBACKS}/name/CarrierService")
    assert response.status_code == 400
    assert response.json()["errorCode"] == "UnifiedWebService.REQUEST_FAILED.CallbackNotFound"


def test_registration_is_validated(api: Api) -> None:
    bad_service = api.post(CALLBACKS, {"name": "NoSuchService", "url": "http://127.0.0.1:9/"})
    assert bad_service.json()["errorCode"] == "UnifiedWebService.INPUT_INVALID.ServiceName"
    bad_url = api.post(CALLBACKS, {"name": "CarrierService", "url": "not a url"})
    assert bad_url.json()["errorCode"] == "UnifiedWebService.INPUT_INVALID.Url"
    service_name_field = api.post(CALLBACKS, {"serviceName": "CarrierService", "url": "http://127.0.0.1:9/"})
    assert service_name_field.status_code == 400
    unknown = api.post(
        "/api/m2m/v1/callbacks/1111111111-00001", {"name": "CarrierService", "url": "http://x/"}
    )
    assert unknown.json()["errorCode"] == "UnifiedWebService.REQUEST_FAILED.AccountNotFound"


def test_admin_lists_listeners_with_password_masked(sim: SimulatorServer, listening: Receiver) -> None:
    (listener,) = requests.get(sim.admin_url("callbacks")).json()
    assert listener["url"] == listening.url
    assert listener["password"] == "********"


def test_unacknowledged_callback_is_resent_until_acknowledged(
    sim: SimulatorServer, api: Api, listening: Receiver
) -> None:
    listening.statuses = [500, 503]
    request_id = api.post(LABELS, SET_ONE).json()["requestId"]
    bodies = listening.wait_for(3)
    assert [b["callbackCount"] for b in bodies] == [1, 2, 3]
    assert {b["requestId"] for b in bodies} == {request_id}
    assert sim.wait_idle()
    (delivery,) = sim.state.deliveries(request_id)
    assert delivery["status"] == "delivered"
    assert [a["httpStatus"] for a in delivery["attempts"]] == [500, 503, 200]
    assert delivery["body"]["password"] == "********"


def test_resends_stop_at_the_threshold(sim: SimulatorServer, api: Api, listening: Receiver) -> None:
    listening.statuses = [500] * 10
    request_id = api.post(LABELS, SET_ONE).json()["requestId"]
    bodies = listening.wait_for(4)
    assert sim.wait_idle()
    time.sleep(0.15)
    assert len(listening.bodies) == 4
    assert [b["callbackCount"] for b in bodies] == [1, 2, 3, 4]
    assert all(b["maxCallbackThreshold"] == 4 for b in bodies)
    assert sim.state.deliveries(request_id)[0]["status"] == "failed"


def test_unreachable_listener_is_retried_and_recorded(sim: SimulatorServer, api: Api) -> None:
    api.post(CALLBACKS, {"name": "CarrierService", "url": "http://127.0.0.1:9/closed"})
    request_id = api.post(LABELS, SET_ONE).json()["requestId"]
    assert sim.wait_idle()
    (delivery,) = sim.state.deliveries(request_id)
    assert delivery["status"] == "failed"
    assert len(delivery["attempts"]) == 4
    assert delivery["attempts"][0]["error"] == "ConnectionError"
