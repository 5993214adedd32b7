"""FOTA licenses v1/v3: exact requests, seed 003 verbatim, chunk merging, license reads, subscription."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import responses

from kits.client import ACCOUNT, BASE, assert_api_headers, body, seed_json, sent
from pulumi_thingspace.client import ThingSpaceClient

V1 = BASE + f"/api/fota/v1/licenses/{ACCOUNT}"
V3 = BASE + f"/api/fota/v3/licenses/{ACCOUNT}"
V3_DEVICES = BASE + f"/api/fota/v3/devices/{ACCOUNT}"


def _imei(n: int) -> str:
    return f"9900000000{n:05d}"


def test_seed_003_v1_remove_request_and_response(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    seed_request = seed_json("003_remove_licenses_request.json")
    authed.add(responses.POST, V1 + "/remove", json=seed_json("003_remove_licenses_response.json"))

    result = client.remove_licenses(ACCOUNT, seed_request["deviceList"], api_version="v1")

    (request,) = sent(authed, "/fota/")
    assert (request.method, request.path_url) == ("POST", f"/api/fota/v1/licenses/{ACCOUNT}/remove")
    assert_api_headers(request)
    assert body(request) == seed_request
    assert (result.lic_count, result.lic_used_count) == (9000, 998)
    assert [(d.device_id, d.status, d.reason, d.ok) for d in result.device_list] == [
        ("900000000000001", "LicenseRemoveSuccess", "Success", True),
        ("900000000000998", "LicenseRemoveSuccess", "Success", True),
        ("900000000000999", "LicenseRemoveFailed", "No license attached to device", False),
    ]
    assert client.calls["licenses.remove"] == 1


def test_v3_assign_reads_result_reason(authed: responses.RequestsMock, client: ThingSpaceClient) -> None:
    authed.add(
        responses.POST,
        V3 + "/assign",
        json={
            "accountName": ACCOUNT,
            "licCount": 10,
            "licUsedCount": 2,
            "deviceList": [
                {"deviceId": _imei(1), "status": "LicenseAssignSuccess", "resultReason": "Success"},
                {
                    "deviceId": _imei(2),
                    "status": "LicenseAssignFailed",
                    "resultReason": "License already assigned to device",
                },
            ],
        },
    )

    result = client.assign_licenses(ACCOUNT, [_imei(1), _imei(2)])

    (request,) = sent(authed, "/fota/")
    assert request.path_url == f"/api/fota/v3/licenses/{ACCOUNT}/assign"
    assert body(request) == {"deviceList": [_imei(1), _imei(2)]}
    assert [(d.reason, d.ok) for d in result.device_list] == [
        ("Success", True),
        ("License already assigned to device", True),
    ]
    assert client.calls["licenses.assign"] == 1


def test_license_chunks_are_merged_with_the_last_pool_counts(
    authed: responses.RequestsMock, make_client: Callable[..., ThingSpaceClient]
) -> None:
    client = make_client(license_chunk_size=2)
    imeis = [_imei(n) for n in range(5)]
    for used, chunk in ((2, imeis[0:2]), (4, imeis[2:4]), (5, imeis[4:])):
        authed.add(
            responses.POST,
            V3 + "/assign",
            json={
                "accountName": ACCOUNT,
                "licCount": 10,
                "licUsedCount": used,
                "deviceList": [
                    {"deviceId": i, "status": "LicenseAssignSuccess", "resultReason": "Success"}
                    for i in chunk
                ],
            },
        )

    result = client.assign_licenses(ACCOUNT, imeis)

    assert [body(r)["deviceList"] for r in sent(authed, "/assign")] == [imeis[0:2], imeis[2:4], imeis[4:]]
    assert [d.device_id for d in result.device_list] == imeis
    assert (result.lic_count, result.lic_used_count) == (10, 5)


@pytest.mark.parametrize("call", ["assign_licenses", "remove_licenses", "licensed_imeis"])
def test_unknown_api_version_or_unsafe_account_is_rejected_before_any_request(
    api: responses.RequestsMock, client: ThingSpaceClient, call: str
) -> None:
    with pytest.raises(ValueError, match="api_version"):
        getattr(client, call)(ACCOUNT, [_imei(1)], "v2")
    with pytest.raises(ValueError, match="account name"):
        getattr(client, call)("../other", [_imei(1)], "v3")
    assert len(api.calls) == 0


def test_licensed_imeis_v3_posts_the_imeis_in_chunks_of_1000(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    imeis = [_imei(n) for n in range(1001)]
    authed.add(
        responses.POST,
        V3_DEVICES,
        json={
            "accountName": ACCOUNT,
            "deviceCount": 1000,
            "deviceList": [
                {"deviceId": i, "licenseAssigned": i == _imei(7), "fotaEligible": True} for i in imeis[:1000]
            ],
        },
    )
    authed.add(
        responses.POST,
        V3_DEVICES,
        json={"deviceList": [{"deviceId": _imei(1000), "licenseAssigned": True}, {"deviceId": "not-asked"}]},
    )

    assert client.licensed_imeis(ACCOUNT, [*imeis, _imei(7)]) == {_imei(7), _imei(1000)}

    reads = sent(authed, "/fota/v3/devices/")
    assert [len(body(r)["deviceList"]) for r in reads] == [1000, 1]
    assert all(r.method == "POST" for r in reads)
    assert_api_headers(reads[0])
    assert client.calls["licenses.read"] == 2


def test_licensed_imeis_v1_pages_the_license_index(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(
        responses.GET,
        V1 + "/index/0",
        json={
            "accountName": ACCOUNT,
            "totalLicenses": 10,
            "assignedLicenses": 3,
            "hasMoreData": True,
            "lastSeenDeviceId": _imei(2),
            "deviceList": [{"deviceId": _imei(1), "assignmentTime": "2024-01-01"}, {"deviceId": _imei(2)}],
        },
    )
    authed.add(
        responses.GET,
        V1 + f"/index/{_imei(2)}",
        json={"hasMoreData": False, "lastSeenDeviceId": _imei(5), "deviceList": [{"deviceId": _imei(5)}]},
    )

    assert client.licensed_imeis(ACCOUNT, [_imei(2), _imei(3), _imei(5)], api_version="v1") == {
        _imei(2),
        _imei(5),
    }

    pages = sent(authed, "/index/")
    assert [(r.method, r.path_url) for r in pages] == [
        ("GET", f"/api/fota/v1/licenses/{ACCOUNT}/index/0"),
        ("GET", f"/api/fota/v1/licenses/{ACCOUNT}/index/{_imei(2)}"),
    ]
    assert_api_headers(pages[1])


def test_no_imeis_means_no_request(api: responses.RequestsMock, client: ThingSpaceClient) -> None:
    assert client.licensed_imeis(ACCOUNT, []) == set()
    assert client.assign_licenses(ACCOUNT, []).device_list == []
    assert len(api.calls) == 0


def test_subscription_is_read_with_get(authed: responses.RequestsMock, client: ThingSpaceClient) -> None:
    answer = {
        "accountName": ACCOUNT,
        "purchaseType": "TS-HFOTA-MRC",
        "licenseCount": 10,
        "licenseUsedCount": 3,
        "updateTime": "2024-01-01T00:00:00Z",
    }
    authed.add(responses.GET, BASE + f"/api/fota/v1/subscriptions/{ACCOUNT}", json=answer)

    assert client.subscription(ACCOUNT) == answer
    (request,) = sent(authed, "/subscriptions/")
    assert request.method == "GET"
    assert_api_headers(request)
    assert client.calls["fota.subscription"] == 1
