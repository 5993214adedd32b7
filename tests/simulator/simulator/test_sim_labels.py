"""Usage segmentation labels: validation, asynchronous application and the CarrierService callback."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

from kits.simulator import ACCOUNT, LABELS, Api, Receiver
from pulumi_thingspace.models import CarrierCallback
from pulumi_thingspace.simulator import SimulatorServer, synthetic_ids

EID1 = synthetic_ids(1)["eid"]
EID2 = synthetic_ids(2)["eid"]
UNKNOWN_EID = "89049032999999999999999999999999"


def entry(eid: str, name: str = "VIN", value: str = "XX1TFCFL5EA137745", kind: str = "EID") -> dict[str, Any]:
    return {"deviceIds": [{"id": eid, "kind": kind}], "label": {"name": name, "value": value}}


def body(*entries: dict[str, Any], account: str = ACCOUNT) -> dict[str, Any]:
    return {"accountName": account, "labels": list(entries)}


def test_set_applies_labels_and_sends_the_seed_shaped_callback(api: Api, listening: Receiver) -> None:
    response = api.post(LABELS, body(entry(EID1), entry(UNKNOWN_EID, value="XXUZL54B5YN105457")))
    assert response.status_code == 200
    request_id = response.json()["requestId"]
    uuid.UUID(request_id)
    (callback,) = listening.wait_for(1)
    assert list(callback) == [
        "username",
        "password",
        "requestId",
        "deviceResponse",
        "status",
        "callbackCount",
        "maxCallbackThreshold",
    ]
    assert callback == {
        "username": "foo",
        "password": "bar",
        "requestId": request_id,
        "deviceResponse": {
            "usageSegmentationLabelsResponse": {
                "usageSegmentationLabels": [
                    {
                        "deviceIds": [{"id": EID1, "kind": "EID"}],
                        "label": {"name": "VIN", "value": "XX1TFCFL5EA137745"},
                        "action": "Set",
                        "lineStatus": "Success",
                    },
                    {
                        "deviceIds": [{"id": UNKNOWN_EID, "kind": "EID"}],
                        "label": {"name": "VIN", "value": "XXUZL54B5YN105457"},
                        "action": "Set",
                        "lineStatus": "Failed",
                        "description": "The device does not exist",
                    },
                ],
                "totalLabelCount": "2",
                "failedLabelCount": "1",
                "successLabelCount": "1",
            }
        },
        "status": "Success",
        "callbackCount": 1,
        "maxCallbackThreshold": 4,
    }
    parsed = CarrierCallback.model_validate(callback)
    assert [line.ok for line in parsed.label_lines] == [True, False]
    assert api.http.get(f"{api.base}/_admin/accounts/{ACCOUNT}/labels").json() == {
        EID1: {"VIN": "XX1TFCFL5EA137745"}
    }


def test_set_with_the_same_name_replaces_the_value(
    sim: SimulatorServer, api: Api, listening: Receiver
) -> None:
    api.post(LABELS, body(entry(EID1, value="first")))
    api.post(LABELS, body(entry(EID1, value="second")))
    listening.wait_for(2)
    assert sim.state.labels(ACCOUNT) == {EID1: {"VIN": "second"}}


def test_remove_takes_the_label_off_and_reports_remove_lines(
    sim: SimulatorServer, api: Api, listening: Receiver
) -> None:
    sim.state.set_label(EID1, "VIN", "v1")
    sim.state.set_label(EID1, "fleet", "north")
    response = api.delete(LABELS, body(entry(EID1, value="v1"), entry(EID2, value="never-set")))
    assert response.status_code == 200
    (callback,) = listening.wait_for(1)
    lines = callback["deviceResponse"]["usageSegmentationLabelsResponse"]["usageSegmentationLabels"]
    assert [(line["action"], line["lineStatus"], line["description"]) for line in lines] == [
        ("Remove", "Success", ""),
        ("Remove", "Success", "Label not present"),
    ]
    assert callback["status"] == "Success"
    assert sim.state.labels(ACCOUNT) == {EID1: {"fleet": "north"}}


def test_remove_with_another_value_leaves_the_label(
    sim: SimulatorServer, api: Api, listening: Receiver
) -> None:
    sim.state.set_label(EID1, "VIN", "kept")
    api.delete(LABELS, body(entry(EID1, value="other")))
    listening.wait_for(1)
    assert sim.state.labels(ACCOUNT) == {EID1: {"VIN": "kept"}}


def test_without_a_listener_the_change_is_applied_and_recorded(sim: SimulatorServer, api: Api) -> None:
    request_id = api.post(LABELS, body(entry(EID2))).json()["requestId"]
    assert sim.wait_idle()
    assert sim.state.labels(ACCOUNT) == {EID2: {"VIN": "XX1TFCFL5EA137745"}}
    (delivery,) = sim.state.deliveries(request_id)
    assert delivery["status"] == "no-listener"
    assert delivery["attempts"] == []


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (body(entry(EID1, kind="ICCID")), "UnifiedWebService.INPUT_INVALID.Kind"),
        (body(entry(EID1[:31])), "UnifiedWebService.INPUT_INVALID.Id"),
        (body(entry(EID1, name="N" * 21)), "UnifiedWebService.INPUT_INVALID.Name"),
        (body(entry(EID1, value="V" * 51)), "UnifiedWebService.INPUT_INVALID.Value"),
        (body(*[entry(EID1)] * 2001), "UnifiedWebService.INPUT_INVALID.Labels"),
        (body(), "UnifiedWebService.INPUT_INVALID.Labels"),
        ({"labels": [entry(EID1)]}, "UnifiedWebService.INPUT_INVALID.AccountName"),
        (body(entry(EID1), account="9999999999-00001"), "UnifiedWebService.REQUEST_FAILED.AccountNotFound"),
    ],
)
def test_invalid_label_requests_are_rejected(api: Api, payload: dict[str, Any], code: str) -> None:
    for method in ("POST", "DELETE"):
        response = api.call(method, LABELS, payload)
        assert response.status_code == 400
        assert response.json()["errorCode"] == code
        assert set(response.json()) == {"errorCode", "errorMessage"}


def test_two_thousand_labels_are_accepted(sim: SimulatorServer, api: Api) -> None:
    assert api.post(LABELS, body(*[entry(EID1, value=str(i)) for i in range(2000)])).status_code == 200
    assert sim.wait_idle()
    assert sim.state.labels(ACCOUNT) == {EID1: {"VIN": "1999"}}


def test_body_that_is_not_json_is_rejected(sim: SimulatorServer, api: Api) -> None:
    response = requests.post(sim.url + LABELS, data=b"{not json", headers=api.headers)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "UnifiedWebService.INPUT_INVALID.Body"
