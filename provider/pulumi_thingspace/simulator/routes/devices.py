"""Device list (paged), deactivate (asynchronous) and delete (synchronous)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse

from ...models.devices import DeactivateRequest, DeleteRequest, DeviceIds, DeviceListRequest
from ..actions import delete_devices, submit_deactivate
from ..errors import invalid_input
from .common import account_of, parse, session_guard, sim

router = APIRouter(dependencies=[Depends(session_guard)])


def _check_entries(field: str, entries: list[DeviceIds], limit: int | None = None) -> None:
    if not entries:
        raise invalid_input(_pascal(field), f"{field}: at least one device is required")
    if limit is not None and len(entries) > limit:
        raise invalid_input(_pascal(field), f"{field}: at most {limit} devices are allowed")
    for i, entry in enumerate(entries):
        if not entry.device_ids:
            raise invalid_input("DeviceIds", f"{field}[{i}].deviceIds: a device identifier is required")


def _pascal(name: str) -> str:
    return name[:1].upper() + name[1:]


@router.post("/api/m2m/v1/devices/actions/list")
async def list_devices(request: Request) -> JSONResponse:
    """One device by identifier, or one page of the account (HTTP 202 while more pages follow)."""
    state = sim(request)
    body = await parse(request, DeviceListRequest)
    account_of(state, body.account_name)
    if body.device_id is not None:
        found = state.fleet.find(body.device_id.kind, body.device_id.id, body.account_name)
        devices: list[dict[str, Any]] = [found.to_wire()] if found else []
        return JSONResponse({"hasMoreData": False, "devices": devices})
    offset = body.largest_device_id_seen or 0
    page, more = state.fleet.page(body.account_name, offset, state.config.device_page_size)
    return JSONResponse(
        {"hasMoreData": more, "devices": [d.to_wire() for d in page]}, status_code=202 if more else 200
    )


@router.post("/api/m2m/v1/devices/actions/deactivate")
async def deactivate(request: Request) -> dict[str, str]:
    """Accept a deactivation; each device turns ``deactive`` later and is reported by callback."""
    state = sim(request)
    body = await parse(request, DeactivateRequest)
    if body.reason_code != "FF":
        raise invalid_input("ReasonCode", "reasonCode: the only valid value is FF")
    _check_entries("devices", body.devices)
    account_of(state, body.account_name)
    return {"requestId": submit_deactivate(state, body.account_name, list(body.devices))}


@router.post("/api/m2m/v1/devices/actions/delete")
async def delete(request: Request) -> dict[str, Any]:
    """Delete deactivated devices, reporting each device's outcome."""
    state = sim(request)
    body = await parse(request, DeleteRequest)
    _check_entries("devicesToDelete", body.devices_to_delete, state.config.max_delete_per_request)
    if body.account_name is not None:  # optional (seed 002): without it, devices match in any account
        account_of(state, body.account_name)
    return {"deleteDevicesResponse": delete_devices(state, body.account_name, list(body.devices_to_delete))}
