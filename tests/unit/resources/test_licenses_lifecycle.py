"""FotaLicenseAssignment: assign, delta update, refresh of lost licenses, delete of owned ones."""

from __future__ import annotations

from typing import Any

import pytest
import responses

from kits.resources import ACCOUNT, BASE, api_calls, with_provider
from pulumi_thingspace.resources.failures import DeviceFailuresError
from pulumi_thingspace.resources.licenses import LicenseProvider

I1, I2, I3, I4 = "990000862471854", "990000862471855", "990000862471856", "990000862471857"
V3 = f"/api/fota/v3/licenses/{ACCOUNT}"


def props(*imeis: str, version: str = "v3", adopt: bool = False) -> dict[str, Any]:
    return with_provider(
        {
            "account_name": ACCOUNT,
            "device_imeis": dict.fromkeys(imeis, True),
            "api_version": version,
            "adopt": adopt,
        }
    )


def answer(*rows: tuple[str, str, str], key: str = "resultReason") -> dict[str, Any]:
    return {
        "accountName": ACCOUNT,
        "licCount": 10,
        "licUsedCount": 4,
        "deviceList": [{"deviceId": d, "status": s, key: r} for d, s, r in rows],
    }


OK = "LicenseAssignSuccess"


def test_create_assigns_and_already_assigned_is_success_but_not_owned(api: responses.RequestsMock) -> None:
    api.post(
        f"{BASE}{V3}/assign",
        json=answer((I1, OK, "Success"), (I2, "LicenseAssignFailed", "License already assigned to device")),
    )
    outs = LicenseProvider().create(props(I1, I2)).outs
    assert api_calls(api, f"{V3}/assign") == [{"deviceList": [I1, I2]}]
    assert outs["owned_imeis"] == [I1]
    assert outs["lic_count"] == 10 and outs["lic_used_count"] == 4
    assert outs["device_status"][I1] == {"status": OK, "reason": "Success"}


def test_adopt_owns_licenses_held_before(api: responses.RequestsMock) -> None:
    api.post(
        f"{BASE}{V3}/assign",
        json=answer((I1, OK, "Success"), (I2, "LicenseAssignFailed", "License already assigned to device")),
    )
    assert LicenseProvider().create(props(I1, I2, adopt=True)).outs["owned_imeis"] == [I1, I2]


def test_v1_uses_v1_path_and_capital_reason(api: responses.RequestsMock) -> None:
    api.post(f"{BASE}/api/fota/v1/licenses/{ACCOUNT}/assign", json=answer((I1, OK, "Success"), key="Reason"))
    outs = LicenseProvider().create(props(I1, version="v1")).outs
    assert outs["device_status"][I1]["reason"] == "Success"


def test_pool_exhausted_names_every_failed_device(api: responses.RequestsMock) -> None:
    exhausted = "No license available in the account"
    api.post(
        f"{BASE}{V3}/assign",
        json=answer(
            (I1, OK, "Success"),
            (I2, "LicenseAssignFailed", exhausted),
            (I3, "LicenseAssignFailed", exhausted),
        ),
    )
    api.post(f"{BASE}{V3}/remove", json=answer((I1, "LicenseRemoveSuccess", "Success")))
    with pytest.raises(DeviceFailuresError) as info:
        LicenseProvider().create(props(I1, I2, I3))
    assert f"{I2}: {exhausted}" in str(info.value) and f"{I3}: {exhausted}" in str(info.value)
    assert "2 of 3" in str(info.value)
    # The failed create is undone: the one license it assigned is removed again.
    assert "the create was undone: the 1 license it had assigned was removed again" in str(info.value)
    assert api_calls(api, f"{V3}/remove") == [{"deviceList": [I1]}]


def test_update_assigns_added_and_removes_dropped_owned(api: responses.RequestsMock) -> None:
    api.post(f"{BASE}{V3}/assign", json=answer((I1, OK, "Success"), (I2, OK, "Success")))
    p = LicenseProvider()
    created = p.create(props(I1, I2))
    old = created.outs
    api.calls.reset()
    api.replace(responses.POST, f"{BASE}{V3}/assign", json=answer((I3, OK, "Success")))
    api.post(f"{BASE}{V3}/remove", json=answer((I2, "LicenseRemoveSuccess", "Success")))
    outs = p.update(created.id, old, props(I1, I3)).outs
    assert api_calls(api, f"{V3}/remove") == [{"deviceList": [I2]}]
    assert api_calls(api, f"{V3}/assign") == [{"deviceList": [I3]}]
    assert outs["owned_imeis"] == [I1, I3] and set(outs["device_imeis"]) == {I1, I3}


def test_dropping_a_license_it_does_not_own_sends_nothing(api: responses.RequestsMock) -> None:
    old = {**props(I1, I2), "owned_imeis": [I1]}
    outs = LicenseProvider().update("id", old, props(I1)).outs
    assert api_calls(api, f"{V3}/remove") == [] and outs["owned_imeis"] == [I1]


def test_refresh_reports_a_lost_license(api: responses.RequestsMock) -> None:
    api.post(
        f"{BASE}/api/fota/v3/devices/{ACCOUNT}",
        json={
            "deviceList": [
                {"deviceId": I1, "licenseAssigned": True},
                {"deviceId": I2, "licenseAssigned": False},
            ]
        },
    )
    res = LicenseProvider().read("id", {**props(I1, I2), "owned_imeis": [I1, I2]})
    assert res.inputs is not None and res.inputs["device_imeis"] == {I1: True}
    assert res.outs["owned_imeis"] == [I1]
    assert api_calls(api, f"/api/fota/v3/devices/{ACCOUNT}") == [{"deviceList": [I1, I2]}]


def test_delete_removes_owned_and_tolerates_no_license(api: responses.RequestsMock) -> None:
    api.post(
        f"{BASE}{V3}/remove",
        json=answer(
            (I1, "LicenseRemoveSuccess", "Success"),
            (I2, "LicenseRemoveFailed", "No license attached to device"),
        ),
    )
    LicenseProvider().delete("id", {**props(I1, I2, I4), "owned_imeis": [I1, I2]})
    assert api_calls(api, f"{V3}/remove") == [{"deviceList": [I1, I2]}]


def test_delete_names_devices_whose_license_cannot_be_removed(api: responses.RequestsMock) -> None:
    api.post(f"{BASE}{V3}/remove", json=answer((I1, "LicenseRemoveFailed", "Upgrade in progress")))
    with pytest.raises(DeviceFailuresError, match=f"{I1}: Upgrade in progress"):
        LicenseProvider().delete("id", {**props(I1), "owned_imeis": [I1]})


def test_a_delete_keeps_licenses_that_another_resource_of_this_run_assigned(
    api: responses.RequestsMock,
) -> None:
    api.post(f"{BASE}{V3}/assign", json=answer((I1, OK, "Success")))
    p = LicenseProvider()
    old = p.create(props(I1))
    already = answer((I1, "LicenseAssignFailed", "License already assigned to device"))
    api.replace(responses.POST, f"{BASE}{V3}/assign", json=already)
    p.create(props(I1))  # the replacement, created first, finds the license in place
    api.calls.reset()
    p.delete(old.id, old.outs)
    assert api_calls(api, f"{V3}/remove") == []  # the license stays: the program still declares it
