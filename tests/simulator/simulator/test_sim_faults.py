"""Every fault knob changes what a client sees."""

from __future__ import annotations

import time

import requests

from kits.simulator import ACCOUNT, LABELS, Api, Receiver
from pulumi_thingspace.simulator import SimulatorServer, synthetic_ids

LIST = "/api/m2m/v1/devices/actions/list"
DEV = {n: synthetic_ids(n) for n in range(1, 13)}


def label_body(eid: str, value: str = "v") -> dict[str, object]:
    label = {"deviceIds": [{"id": eid, "kind": "EID"}], "label": {"name": "L", "value": value}}
    return {"accountName": ACCOUNT, "labels": [label]}


def patch_faults(sim: SimulatorServer, **knobs: object) -> requests.Response:
    return requests.patch(sim.admin_url("faults"), json=knobs)


def test_throttling_answers_429_with_retry_after(sim: SimulatorServer, api: Api) -> None:
    assert patch_faults(sim, throttleRate=1.0, retryAfterSeconds=7).status_code == 200
    response = api.post(LIST, {"accountName": ACCOUNT})
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "7"
    assert response.json()["errorCode"] == "UnifiedWebService.REQUEST_FAILED.TooManyRequests"
    assert requests.get(sim.admin_url("state")).status_code == 200
    assert sim.state.request_counts()[f"POST {LIST}"] == 1


def test_unavailable_answers_503_with_xml_or_nothing(sim: SimulatorServer, api: Api) -> None:
    patch_faults(sim, unavailableRate=1.0)
    response = api.post(LIST, {"accountName": ACCOUNT})
    assert response.status_code == 503
    assert response.text.startswith("<am:fault")
    patch_faults(sim, unavailableBody="empty")
    empty = api.post(LIST, {"accountName": ACCOUNT})
    assert (empty.status_code, empty.content) == (503, b"")


def test_fault_rate_is_deterministic_for_a_seed(sim: SimulatorServer, api: Api) -> None:
    def run() -> list[int]:
        patch_faults(sim, throttleRate=0.3, unavailableRate=0.2, seed=7)
        return [api.post(LIST, {"accountName": ACCOUNT}).status_code for _ in range(30)]

    first = run()
    assert run() == first
    assert {200, 429, 503} <= set(first)


def test_fail_next_requests(sim: SimulatorServer, api: Api) -> None:
    requests.post(sim.admin_url("faults/fail-next"), json={"count": 2, "status": 429})
    codes = [api.post(LIST, {"accountName": ACCOUNT}).status_code for _ in range(3)]
    assert codes == [429, 429, 200]


def test_fail_next_after_rejects_a_later_request_with_400(sim: SimulatorServer, api: Api) -> None:
    requests.post(sim.admin_url("faults/fail-next"), json={"count": 1, "status": 400, "after": 2})
    answers = [api.post(LIST, {"accountName": ACCOUNT}) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 400, 200]
    assert answers[2].json()["errorCode"] == "UnifiedWebService.INPUT_INVALID.SimulatedRejection"


def test_path_prefix_limits_faults(sim: SimulatorServer, api: Api) -> None:
    patch_faults(sim, throttleRate=1.0, pathPrefix="/api/fota/")
    assert api.post(LIST, {"accountName": ACCOUNT}).status_code == 200
    assert api.get(f"/api/fota/v1/subscriptions/{ACCOUNT}").status_code == 429


def test_latency_is_added(sim: SimulatorServer, api: Api) -> None:
    sim.state.configure_faults(latency_seconds=0.3)
    started = time.monotonic()
    assert api.post(LIST, {"accountName": ACCOUNT}).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_reset_removes_faults(sim: SimulatorServer, api: Api) -> None:
    patch_faults(sim, throttleRate=1.0)
    requests.delete(sim.admin_url("faults"))
    assert api.post(LIST, {"accountName": ACCOUNT}).status_code == 200


def test_unknown_fault_knob_is_rejected(sim: SimulatorServer) -> None:
    assert patch_faults(sim, noSuchKnob=1).status_code == 400
    assert patch_faults(sim, throttleRate=2).status_code == 400


def test_forced_device_failure_fails_every_action(
    sim: SimulatorServer, api: Api, listening: Receiver
) -> None:
    reason = {"reason": "Simulated carrier error"}
    requests.put(sim.admin_url(f"faults/devices/{DEV[10]['iccid']}"), json=reason)
    api.post(LABELS, label_body(DEV[10]["eid"]))
    (labels,) = listening.wait_for(1)
    (line,) = labels["deviceResponse"]["usageSegmentationLabelsResponse"]["usageSegmentationLabels"]
    assert (line["lineStatus"], line["description"]) == ("Failed", "Simulated carrier error")
    lic = api.post(f"/api/fota/v1/licenses/{ACCOUNT}/assign", {"deviceList": [DEV[10]["imei"]]}).json()
    assert lic["deviceList"][0] == {
        "deviceId": DEV[10]["imei"],
        "status": "LicenseAssignFailed",
        "Reason": "Simulated carrier error",
    }
    deleted = api.post(
        "/api/m2m/v1/devices/actions/delete",
        {"accountName": ACCOUNT, "devicesToDelete": [{"deviceIds": [{"kind": "eid", "id": DEV[10]["eid"]}]}]},
    ).json()
    assert deleted["deleteDevicesResponse"][0]["message"] == "Simulated carrier error"
    api.post(
        "/api/m2m/v1/devices/actions/deactivate",
        {
            "accountName": ACCOUNT,
            "devices": [{"deviceIds": [{"kind": "imei", "id": DEV[10]["imei"]}]}],
            "reasonCode": "FF",
            "etfWaiver": False,
        },
    )
    deactivated = listening.wait_for(2)[1]
    assert deactivated["faultResponse"]["faultstring"] == "Simulated carrier error"
    requests.delete(sim.admin_url("faults/devices"))
    api.post(LABELS, label_body(DEV[10]["eid"]))
    assert listening.wait_for(3)[2]["status"] == "Success"
    assert sim.state.labels(ACCOUNT) == {DEV[10]["eid"]: {"L": "v"}}


def test_callbacks_can_be_delayed(sim: SimulatorServer, api: Api, listening: Receiver) -> None:
    patch_faults(sim, callbackDelaySeconds=0.5)
    api.post(LABELS, label_body(DEV[1]["eid"]))
    time.sleep(0.25)
    assert listening.bodies == []
    listening.wait_for(1, timeout=3)


def test_callbacks_can_be_duplicated(sim: SimulatorServer, api: Api, listening: Receiver) -> None:
    patch_faults(sim, duplicateCallbacks=True)
    request_id = api.post(LABELS, label_body(DEV[1]["eid"])).json()["requestId"]
    first, second = listening.wait_for(2)
    assert first == second
    assert (first["requestId"], first["callbackCount"]) == (request_id, 1)


def test_held_callbacks_are_released_out_of_order(
    sim: SimulatorServer, api: Api, listening: Receiver
) -> None:
    requests.post(sim.admin_url("callbacks/hold"))
    ids = [api.post(LABELS, label_body(DEV[n]["eid"], str(n))).json()["requestId"] for n in (1, 2, 3)]
    assert sim.wait_idle()
    assert listening.bodies == []
    assert sim.state.labels(ACCOUNT) == {DEV[n]["eid"]: {"L": str(n)} for n in (1, 2, 3)}
    released = requests.post(sim.admin_url("callbacks/release"), json={"order": "reverse"})
    assert released.json() == {"released": 3}
    assert [b["requestId"] for b in listening.wait_for(3)] == list(reversed(ids))
