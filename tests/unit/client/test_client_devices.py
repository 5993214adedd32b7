"""Devices: 202 paging, single-device read, deactivate, delete in chunks of 100 with every response shape."""

from __future__ import annotations

import pytest
import responses

from kits.client import ACCOUNT, BASE, assert_api_headers, body, seed_json, sent
from pulumi_thingspace.client import ApiError, ThingSpaceClient
from pulumi_thingspace.models import DeviceId

LIST_URL = BASE + "/api/m2m/v1/devices/actions/list"
DEACTIVATE_URL = BASE + "/api/m2m/v1/devices/actions/deactivate"
DELETE_URL = BASE + "/api/m2m/v1/devices/actions/delete"
ICCID = "89148000000000000012"


def _device(n: int, state: str = "active") -> dict[str, object]:
    return {
        "accountName": ACCOUNT,
        "deviceIds": [
            {"id": f"8914800000000000{n:04d}", "kind": "iccId"},
            {"id": f"99000000000{n:04d}", "kind": "imei"},
        ],
        "carrierInformations": [{"carrierName": "Verizon Wireless", "servicePlan": "plan", "state": state}],
        "connected": True,
    }


def test_list_devices_follows_202_pages_with_the_cursor(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(
        responses.POST, LIST_URL, status=202, json={"hasMoreData": True, "devices": [_device(1), _device(2)]}
    )
    authed.add(responses.POST, LIST_URL, status=202, json={"hasMoreData": True, "devices": [_device(3)]})
    authed.add(responses.POST, LIST_URL, json={"hasMoreData": False, "devices": [_device(4, "deactive")]})

    found = client.list_devices(ACCOUNT)

    assert [d.identifier("ICCID") for d in found] == [f"8914800000000000{n:04d}" for n in (1, 2, 3, 4)]
    assert found[3].state == "deactive"
    pages = sent(authed, "devices/actions/list")
    assert [body(r) for r in pages] == [
        {"accountName": ACCOUNT},
        {"accountName": ACCOUNT, "largestDeviceIdSeen": 2},
        {"accountName": ACCOUNT, "largestDeviceIdSeen": 3},
    ]
    for request in pages:
        assert request.method == "POST"
        assert_api_headers(request)


def test_an_empty_page_announcing_more_data_is_an_error_not_a_loop(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, LIST_URL, status=202, json={"hasMoreData": True, "devices": []})

    with pytest.raises(ApiError, match="more pages announced"):
        client.list_devices(ACCOUNT)
    assert client.calls["devices.list"] == 1


def test_get_device_asks_for_one_device_and_matches_kinds_case_insensitively(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, LIST_URL, json={"hasMoreData": False, "devices": [_device(12)]})

    device = client.get_device(ACCOUNT, DeviceId(kind="iccid", id=ICCID))

    assert device is not None and device.state == "active"
    (request,) = sent(authed, "devices/actions/list")
    assert body(request) == {"accountName": ACCOUNT, "deviceId": {"kind": "iccid", "id": ICCID}}


@pytest.mark.parametrize(
    ("status", "answer"),
    [
        (200, {"hasMoreData": False, "devices": []}),
        (
            400,
            {
                "errorCode": "UnifiedWebService.REQUEST_FAILED.DeviceNotFound",
                "errorMessage": "no such device",
            },
        ),
    ],
    ids=["empty-list", "not-found-code"],
)
def test_get_device_returns_none_when_the_device_is_unknown(
    authed: responses.RequestsMock, client: ThingSpaceClient, status: int, answer: dict[str, object]
) -> None:
    authed.add(responses.POST, LIST_URL, status=status, json=answer)

    assert client.get_device(ACCOUNT, DeviceId(kind="iccid", id=ICCID)) is None


def test_get_device_raises_for_an_unknown_account(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(
        responses.POST,
        LIST_URL,
        status=400,
        json={
            "errorCode": "UnifiedWebService.REQUEST_FAILED.AccountNotFound",
            "errorMessage": "Account not found",
        },
    )

    with pytest.raises(ApiError) as caught:
        client.get_device(ACCOUNT, DeviceId(kind="iccid", id=ICCID))
    assert caught.value.code_endswith("AccountNotFound")


def test_deactivate_sends_reason_ff_and_the_etf_waiver(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, DEACTIVATE_URL, json={"requestId": "deact-1"})

    request_id = client.deactivate_devices(
        ACCOUNT,
        [DeviceId(kind="iccid", id=ICCID), DeviceId(kind="imei", id="990000000000012")],
        etf_waiver=True,
    )

    assert request_id == "deact-1"
    (request,) = sent(authed, "deactivate")
    assert_api_headers(request)
    assert body(request) == {
        "accountName": ACCOUNT,
        "devices": [
            {"deviceIds": [{"kind": "iccid", "id": ICCID}]},
            {"deviceIds": [{"kind": "imei", "id": "990000000000012"}]},
        ],
        "reasonCode": "FF",
        "etfWaiver": True,
    }


def test_seed_002_delete_request_and_response(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    seed_request = seed_json("002_delete_request.json")
    devices = [DeviceId(**d["deviceIds"][0]) for d in seed_request["devicesToDelete"]]
    authed.add(responses.POST, DELETE_URL, json=seed_json("002_delete_response.json"))

    results = client.delete_devices(ACCOUNT, devices)

    (request,) = sent(authed, "devices/actions/delete")
    assert_api_headers(request)
    assert body(request) == {"accountName": ACCOUNT, **seed_request}
    assert [(r.device_ids[0].id, r.ok, r.message) for r in results] == [
        ("09005470263", True, None),
        ("85000022411113460014", True, None),
        ("85000022412313460016", False, "The device is not in deactive state."),
    ]


def test_delete_sends_chunks_of_100_and_accepts_every_response_shape(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    devices = [DeviceId(kind="imei", id=f"99000000000{n:04d}") for n in range(201)]

    def item(d: DeviceId) -> dict[str, object]:
        return {"deviceIds": {"id": d.id, "kind": d.kind}, "status": "Success"}

    authed.add(responses.POST, DELETE_URL, json={"deleteDevicesResponse": [item(d) for d in devices[:100]]})
    authed.add(responses.POST, DELETE_URL, json=[item(d) for d in devices[100:200]])
    authed.add(
        responses.POST,
        DELETE_URL,
        json={
            "deviceIds": [{"id": devices[200].id, "kind": "imei"}],
            "status": "Failed",
            "message": "The device does not exist",
        },
    )

    results = client.delete_devices(ACCOUNT, devices)

    chunks = [body(r)["devicesToDelete"] for r in sent(authed, "devices/actions/delete")]
    assert [len(c) for c in chunks] == [100, 100, 1]
    assert [r.device_ids[0].id for r in results] == [d.id for d in devices]
    assert [r.ok for r in results].count(False) == 1
    assert client.calls["devices.delete"] == 3


def test_an_unrecognised_delete_response_is_an_api_error(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, DELETE_URL, json="deleted")

    with pytest.raises(ApiError, match="unrecognised delete response"):
        client.delete_devices(ACCOUNT, [DeviceId(kind="iccid", id=ICCID)])


def test_nothing_to_delete_sends_nothing(api: responses.RequestsMock, client: ThingSpaceClient) -> None:
    assert client.delete_devices(ACCOUNT, []) == []
    assert len(api.calls) == 0
