"""FOTA licenses: v1 and v3 assign/remove, the v3 device read, the v1 license index and subscription."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from ...models.licenses import LicenseRequest
from ..errors import invalid_input
from ..fleet import DEVICE_NOT_FOUND
from ..records import utc_now
from ..state import SimulatorState
from .common import account_of, parse, session_guard, sim

router = APIRouter(dependencies=[Depends(session_guard)])


def change_licenses(
    state: SimulatorState, account_name: str, imeis: list[str], assign: bool, v3: bool
) -> dict[str, Any]:
    """Assign or remove licenses device by device, with the pool counts after the change."""
    verb = "Assign" if assign else "Remove"
    reason_key = "resultReason" if v3 else "Reason"
    with state.lock:
        account = account_of(state, account_name)
        results: list[dict[str, Any]] = []
        for imei in imeis:
            device = state.fleet.find("imei", imei, account_name)
            forced = state.faults.device_failure([imei, *(device.ids.values() if device else ())])
            if device is None or forced is not None:
                ok, reason = False, forced or DEVICE_NOT_FOUND
            elif assign:
                ok, reason = state.fleet.assign_license(account, device)
            else:
                ok, reason = state.fleet.remove_license(account, device)
            item: dict[str, Any] = {
                "deviceId": imei,
                "status": f"License{verb}{'Success' if ok else 'Failed'}",
                reason_key: reason,
            }
            if v3:
                item["updatedTime"] = utc_now()
            results.append(item)
        return {
            "accountName": account_name,
            "licCount": account.lic_count,
            "licUsedCount": account.lic_used,
            "deviceList": results,
        }


async def _change(request: Request, account: str, assign: bool, v3: bool) -> dict[str, Any]:
    body = await parse(request, LicenseRequest)
    return change_licenses(sim(request), account, list(body.device_list), assign, v3)


@router.post("/api/fota/v1/licenses/{account}/assign")
async def assign_v1(account: str, request: Request) -> dict[str, Any]:
    """v1 assign: per-device ``status`` and ``Reason``."""
    return await _change(request, account, assign=True, v3=False)


@router.post("/api/fota/v1/licenses/{account}/remove")
async def remove_v1(account: str, request: Request) -> dict[str, Any]:
    """v1 remove: per-device ``status`` and ``Reason``."""
    return await _change(request, account, assign=False, v3=False)


@router.post("/api/fota/v3/licenses/{account}/assign")
async def assign_v3(account: str, request: Request) -> dict[str, Any]:
    """v3 assign: per-device ``status`` and ``resultReason``."""
    return await _change(request, account, assign=True, v3=True)


@router.post("/api/fota/v3/licenses/{account}/remove")
async def remove_v3(account: str, request: Request) -> dict[str, Any]:
    """v3 remove: per-device ``status`` and ``resultReason``."""
    return await _change(request, account, assign=False, v3=True)


@router.post("/api/fota/v3/devices/{account}")
async def devices_v3(account: str, request: Request) -> dict[str, Any]:
    """FOTA information of the listed IMEIs (at most 1,000)."""
    state = sim(request)
    body = await parse(request, LicenseRequest)
    limit = state.config.max_fota_devices_per_read
    if len(body.device_list) > limit:
        raise invalid_input("DeviceList", f"deviceList: at most {limit} devices are allowed")
    with state.lock:
        account_of(state, account)
        items = []
        for imei in body.device_list:
            device = state.fleet.find("imei", imei, account)
            item: dict[str, Any] = {"deviceId": imei, "licenseAssigned": False, "fotaEligible": False}
            if device is None:
                item.update(requestStatus="Failed", resultReason=DEVICE_NOT_FOUND)
            else:
                item.update(
                    licenseAssigned=device.license_time is not None,
                    fotaEligible=device.fota_eligible,
                    requestStatus="Success",
                    resultReason="Success",
                    mdn="",
                    make="SIMULATED",
                    model="SIM-1",
                    firmware="SIM-FW-1.0",
                    protocol="LWM2M",
                    status="Active" if device.state.lower() == "active" else "Inactive",
                )
            items.append(item)
    return {"accountName": account, "deviceCount": len(items), "deviceList": items}


@router.get("/api/fota/v1/licenses/{account}/index/{start_index}")
async def license_index(account: str, start_index: str, request: Request) -> dict[str, Any]:
    """Licensed devices sorted by IMEI, after ``start_index`` (``0`` first, then ``lastSeenDeviceId``)."""
    state = sim(request)
    with state.lock:
        acc = account_of(state, account)
        page, more = state.fleet.licensed_after(acc, start_index, state.config.fota_page_size)
        return {
            "accountName": account,
            "totalLicenses": acc.lic_count,
            "assignedLicenses": acc.lic_used,
            "hasMoreData": more,
            "lastSeenDeviceId": page[-1].imei if page else start_index,
            "deviceList": [{"deviceId": d.imei, "assignmentTime": d.license_time} for d in page],
        }


@router.get("/api/fota/v1/subscriptions/{account}")
async def subscription(account: str, request: Request) -> dict[str, Any]:
    """The account's MRC subscription with its license counts."""
    state = sim(request)
    with state.lock:
        acc = account_of(state, account)
        return {
            "accountName": account,
            "purchaseType": "TS-HFOTA-MRC",
            "licenseCount": acc.lic_count,
            "licenseUsedCount": acc.lic_used,
            "updateTime": acc.lic_update_time,
        }
