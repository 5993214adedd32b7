"""Devices: list (HTTP 202 paging), read one, deactivate, delete ``DEVICES_PER_DELETE`` at a time."""

from __future__ import annotations

from collections.abc import Sequence

from ..models import (
    DeactivateRequest,
    DeleteRequest,
    DeleteResult,
    Device,
    DeviceId,
    DeviceIds,
    DeviceListRequest,
    DeviceListResponse,
    RequestIdResponse,
    parse_delete_results,
)
from .batching import DEVICES_PER_DELETE, chunked
from .errors import ApiError
from .requestor import Requestor, parse, unexpected

LIST_PATH = "/api/m2m/v1/devices/actions/list"
DEACTIVATE_PATH = "/api/m2m/v1/devices/actions/deactivate"
DELETE_PATH = "/api/m2m/v1/devices/actions/delete"

DEVICE_NOT_FOUND_SUFFIXES = ("DeviceNotFound", "Device.NotFound")
"""UNCERTAIN: whether an unknown device is ``devices: []`` or a 400; these 400 codes also mean "not found"."""


def next_cursor(seen: int, page: DeviceListResponse) -> int:
    """The ``largestDeviceIdSeen`` value for the page after ``page``.

    UNCERTAIN (simulator assumption, the API documents only an integer cursor): the cursor is the
    number of devices already returned, i.e. an offset. This is the only function that knows.
    """
    return seen + len(page.devices)


def list_devices(api: Requestor, account_name: str) -> list[Device]:
    """Every device of the account, following pages while the API answers 202 / ``hasMoreData``."""
    devices: list[Device] = []
    cursor: int | None = None
    while True:
        body = DeviceListRequest(account_name=account_name, largest_device_id_seen=cursor).wire()
        reply = api.call("POST", LIST_PATH, "devices.list", body)
        page = parse(DeviceListResponse, reply)
        devices.extend(page.devices)
        if not (page.has_more_data or reply.status == 202):
            return devices
        if not page.devices:  # a "more data" page without data would otherwise loop forever
            raise unexpected(reply, what="more pages announced but the page was empty")
        cursor = next_cursor(cursor or 0, page)


def get_device(api: Requestor, account_name: str, device: DeviceId) -> Device | None:
    """The device with this identifier, or None when the account does not have it."""
    body = DeviceListRequest(account_name=account_name, device_id=DeviceId(kind=device.kind, id=device.id))
    try:
        page = parse(DeviceListResponse, api.call("POST", LIST_PATH, "devices.list", body.wire()))
    except ApiError as exc:
        if any(exc.code_endswith(suffix) for suffix in DEVICE_NOT_FOUND_SUFFIXES):
            return None
        raise
    for found in page.devices:
        if found.identifier(device.kind) == device.id:
            return found
    return None


def deactivate_devices(
    api: Requestor, account_name: str, devices: Sequence[DeviceId], etf_waiver: bool
) -> str:
    """Deactivate the devices (reason code FF); return the requestId (results arrive by callback)."""
    if not devices:
        raise ValueError("deactivate_devices needs at least one device")
    body = DeactivateRequest(account_name=account_name, devices=_wrap(devices), etf_waiver=etf_waiver)
    reply = api.call("POST", DEACTIVATE_PATH, "devices.deactivate", body.wire())
    return parse(RequestIdResponse, reply).request_id


def delete_devices(api: Requestor, account_name: str, devices: Sequence[DeviceId]) -> list[DeleteResult]:
    """Delete deactivated devices ``DEVICES_PER_DELETE`` at a time; each device's result, in request order."""
    results: list[DeleteResult] = []
    for chunk in chunked(devices, DEVICES_PER_DELETE):
        body = DeleteRequest(account_name=account_name, devices_to_delete=_wrap(chunk))
        reply = api.call("POST", DELETE_PATH, "devices.delete", body.wire())
        try:
            results.extend(parse_delete_results(reply.body))
        except ValueError:  # pydantic's ValidationError is a ValueError too
            raise unexpected(reply, what="unrecognised delete response") from None
    return results


def _wrap(devices: Sequence[DeviceId]) -> list[DeviceIds]:
    return [DeviceIds(device_ids=[DeviceId(kind=d.kind, id=d.id)]) for d in devices]
