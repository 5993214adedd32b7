"""Admin API (``/_admin``): fleet contents, and labels, licenses and states changed out of band."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

from ..seed import SeedDevice, SeedGenerate
from .common import sim

router = APIRouter(prefix="/_admin", tags=["admin"])


class _Body(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid")


class AddDevicesBody(_Body):
    """Devices to add: explicit ones and/or generated ones; ``licCount`` sets the pool size."""

    devices: list[SeedDevice] = Field(default_factory=list)
    generate: SeedGenerate | None = None
    lic_count: int | None = Field(default=None, ge=0)


class StateBody(_Body):
    """A new line state, e.g. ``deactive``."""

    state: str


class LabelValueBody(_Body):
    """A label value."""

    value: str


class PoolBody(_Body):
    """A license pool size."""

    lic_count: int = Field(ge=0)


class DeviceListBody(_Body):
    """IMEIs."""

    device_list: list[str]


def _missing(what: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"{what} not found")


@router.get("/accounts")
def accounts(request: Request) -> list[dict[str, Any]]:
    """Every account with its device count and license pool."""
    state = sim(request)
    with state.lock:
        return [
            {
                "accountName": a.name,
                "deviceCount": len(a.live_devices()),
                "licCount": a.lic_count,
                "licUsedCount": a.lic_used,
            }
            for a in state.fleet.accounts.values()
        ]


@router.post("/accounts/{account}/devices")
def add_devices(account: str, body: AddDevicesBody, request: Request) -> dict[str, Any]:
    """Add devices in bulk (the account is created if needed)."""
    state = sim(request)
    try:
        added = state.add_devices(account, (d.spec() for d in body.devices))
    except ValueError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    if body.generate is not None:
        gen = body.generate
        added += len(state.add_synthetic_devices(account, gen.count, gen.state, gen.start))
    if body.lic_count is not None:
        state.set_license_pool(account, body.lic_count)
    return {"accountName": account, "added": added, "deviceCount": state.fleet.device_count(account)}


@router.get("/accounts/{account}/devices")
def list_devices(account: str, request: Request, offset: int = 0, limit: int = 100) -> list[dict[str, Any]]:
    """A slice of the account's devices with states, labels and licenses."""
    return sim(request).devices(account, offset, limit)


@router.get("/devices/{device_id}")
def device(device_id: str, request: Request, account: str | None = None) -> dict[str, Any]:
    """One device by any identifier."""
    view = sim(request).device(device_id, account)
    if view is None:
        raise _missing("device")
    return view


@router.put("/devices/{device_id}/state")
def set_state(device_id: str, body: StateBody, request: Request) -> dict[str, Any]:
    """Change a device's line state without a callback (e.g. a portal deactivation)."""
    if not sim(request).set_device_state(device_id, body.state):
        raise _missing("device")
    return device(device_id, request)


@router.get("/accounts/{account}/labels")
def labels(account: str, request: Request) -> dict[str, dict[str, str]]:
    """Labels of the account's labelled devices: ``{eid: {name: value}}``."""
    return sim(request).labels(account)


@router.put("/devices/{device_id}/labels/{name}")
def set_label(device_id: str, name: str, body: LabelValueBody, request: Request) -> dict[str, Any]:
    """Set a label without a request or callback."""
    if not sim(request).set_label(device_id, name, body.value):
        raise _missing("device")
    return device(device_id, request)


@router.delete("/devices/{device_id}/labels/{name}")
def remove_label(device_id: str, name: str, request: Request) -> dict[str, Any]:
    """Remove a label without a request or callback."""
    if not sim(request).remove_label(device_id, name):
        raise _missing("label")
    return device(device_id, request)


@router.get("/accounts/{account}/licenses")
def licenses(account: str, request: Request) -> dict[str, Any]:
    """The license pool and the licensed IMEIs."""
    view = sim(request).licenses(account)
    if not view:
        raise _missing("account")
    return view


@router.put("/accounts/{account}/licenses")
def set_pool(account: str, body: PoolBody, request: Request) -> dict[str, Any]:
    """Set the license pool size."""
    sim(request).set_license_pool(account, body.lic_count)
    return licenses(account, request)


@router.post("/accounts/{account}/licenses/{action}")
def change_licenses(account: str, action: str, body: DeviceListBody, request: Request) -> dict[str, Any]:
    """Assign (``assign``) or remove (``remove``) licenses without an API request."""
    state = sim(request)
    if action not in ("assign", "remove"):
        raise _missing("action")
    change = state.assign_license if action == "assign" else state.remove_license
    results = []
    for imei in body.device_list:
        ok, reason = change(imei, account)
        results.append({"deviceId": imei, "ok": ok, "reason": reason})
    return {**licenses(account, request), "results": results}


@router.get("/deleted")
def deleted(request: Request) -> list[dict[str, Any]]:
    """Devices deleted through the API."""
    return sim(request).deleted_devices()


@router.get("/state")
def summary(request: Request) -> dict[str, Any]:
    """A summary of everything: accounts, users, listeners, deliveries, faults and request counts."""
    state = sim(request)
    return {
        "accounts": accounts(request),
        "users": state.users(),
        "sessions": state.identity.session_count(),
        "callbacks": state.registered_callbacks(),
        "deliveries": len(state.deliveries()),
        "deleted": len(state.deleted_devices()),
        "faults": state.faults.view(),
        "requestCounts": state.request_counts(),
    }
