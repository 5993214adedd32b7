"""FOTA licenses: v1/v3 assign and remove, pool exhaustion and the reads."""

from __future__ import annotations

import pytest
import requests

from kits.simulator import ACCOUNT, Api, fast_config
from pulumi_thingspace.models import LicenseIndexResponse, LicenseResponse
from pulumi_thingspace.simulator import SimulatorServer, synthetic_ids

IMEI = {n: synthetic_ids(n)["imei"] for n in range(1, 13)}
UNKNOWN = "999999999999999"


def test_v1_assign_reports_each_device(api: Api) -> None:
    response = api.post(
        f"/api/fota/v1/licenses/{ACCOUNT}/assign", {"deviceList": [IMEI[3], IMEI[1], UNKNOWN]}
    )
    assert response.status_code == 200
    assert response.json() == {
        "accountName": ACCOUNT,
        "licCount": 10,
        "licUsedCount": 3,
        "deviceList": [
            {"deviceId": IMEI[3], "status": "LicenseAssignSuccess", "Reason": "Success"},
            {
                "deviceId": IMEI[1],
                "status": "LicenseAssignFailed",
                "Reason": "License already assigned to device",
            },
            {"deviceId": UNKNOWN, "status": "LicenseAssignFailed", "Reason": "Device not found"},
        ],
    }
    parsed = LicenseResponse.model_validate(response.json())
    assert [d.ok for d in parsed.device_list] == [True, True, False]


def test_v1_remove_matches_the_documented_shape(api: Api) -> None:
    response = api.post(f"/api/fota/v1/licenses/{ACCOUNT}/remove", {"deviceList": [IMEI[1], IMEI[5]]})
    assert response.json() == {
        "accountName": ACCOUNT,
        "licCount": 10,
        "licUsedCount": 1,
        "deviceList": [
            {"deviceId": IMEI[1], "status": "LicenseRemoveSuccess", "Reason": "Success"},
            {"deviceId": IMEI[5], "status": "LicenseRemoveFailed", "Reason": "No license attached to device"},
        ],
    }


def test_v3_uses_result_reason(api: Api) -> None:
    assigned = api.post(f"/api/fota/v3/licenses/{ACCOUNT}/assign", {"deviceList": [IMEI[4]]}).json()
    (item,) = assigned["deviceList"]
    assert (item["status"], item["resultReason"], "Reason" in item) == (
        "LicenseAssignSuccess",
        "Success",
        False,
    )
    removed = api.post(f"/api/fota/v3/licenses/{ACCOUNT}/remove", {"deviceList": [IMEI[4], IMEI[6]]}).json()
    assert [(d["status"], d["resultReason"]) for d in removed["deviceList"]] == [
        ("LicenseRemoveSuccess", "Success"),
        ("LicenseRemoveFailed", "No license attached to device"),
    ]
    assert removed["licUsedCount"] == 2


def test_exhausted_pool_fails_assignments(sim: SimulatorServer, api: Api) -> None:
    requests.put(sim.admin_url(f"accounts/{ACCOUNT}/licenses"), json={"licCount": 3})
    response = api.post(f"/api/fota/v3/licenses/{ACCOUNT}/assign", {"deviceList": [IMEI[3], IMEI[4]]}).json()
    assert [(d["status"], d["resultReason"]) for d in response["deviceList"]] == [
        ("LicenseAssignSuccess", "Success"),
        ("LicenseAssignFailed", "No license available in the account"),
    ]
    assert (response["licCount"], response["licUsedCount"]) == (3, 3)


def test_v3_device_read(api: Api) -> None:
    response = api.post(f"/api/fota/v3/devices/{ACCOUNT}", {"deviceList": [IMEI[1], IMEI[5], UNKNOWN]}).json()
    assert response["deviceCount"] == 3
    by_id = {d["deviceId"]: d for d in response["deviceList"]}
    assert by_id[IMEI[1]]["licenseAssigned"] is True
    assert by_id[IMEI[5]]["licenseAssigned"] is False
    assert by_id[IMEI[1]]["fotaEligible"] is True
    assert (by_id[UNKNOWN]["requestStatus"], by_id[UNKNOWN]["resultReason"]) == ("Failed", "Device not found")


def test_v3_device_read_accepts_at_most_1000(api: Api) -> None:
    response = api.post(f"/api/fota/v3/devices/{ACCOUNT}", {"deviceList": [IMEI[1]] * 1001})
    assert response.json()["errorCode"] == "UnifiedWebService.INPUT_INVALID.DeviceList"


def test_v1_license_index_pages_by_imei() -> None:
    with SimulatorServer(config=fast_config(fota_page_size=2)) as sim:
        api = Api(sim.url)
        api.login()
        api.post(f"/api/fota/v1/licenses/{ACCOUNT}/assign", {"deviceList": [IMEI[7], IMEI[3], IMEI[5]]})
        seen: list[str] = []
        start = "0"
        while True:
            page = LicenseIndexResponse.model_validate(
                api.get(f"/api/fota/v1/licenses/{ACCOUNT}/index/{start}").json()
            )
            assert (page.total_licenses, page.assigned_licenses) == (10, 5)
            seen += [d.device_id for d in page.device_list]
            assert all(d.assignment_time for d in page.device_list)
            if not page.has_more_data:
                break
            start = str(page.last_seen_device_id)
        assert seen == sorted(IMEI[n] for n in (1, 2, 3, 5, 7))


def test_subscription(api: Api) -> None:
    body = api.get(f"/api/fota/v1/subscriptions/{ACCOUNT}").json()
    assert body["purchaseType"] == "TS-HFOTA-MRC"
    assert (body["licenseCount"], body["licenseUsedCount"]) == (10, 2)
    assert body["updateTime"]


@pytest.mark.parametrize(
    ("path", "payload", "code"),
    [
        (
            "/api/fota/v1/licenses/1111111111-00001/assign",
            {"deviceList": ["1"]},
            "REQUEST_FAILED.AccountNotFound",
        ),
        (f"/api/fota/v3/licenses/{ACCOUNT}/assign", {"deviceList": []}, "INPUT_INVALID.DeviceList"),
        (f"/api/fota/v1/licenses/{ACCOUNT}/remove", {}, "INPUT_INVALID.DeviceList"),
    ],
)
def test_invalid_license_requests(api: Api, path: str, payload: dict[str, list[str]], code: str) -> None:
    response = api.post(path, payload)
    assert response.status_code == 400
    assert response.json()["errorCode"] == "UnifiedWebService." + code
