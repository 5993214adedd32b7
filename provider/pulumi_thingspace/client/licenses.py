"""FOTA licenses (v1 and v3): assign, remove, read which IMEIs hold one, and the subscription."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from ..models import (
    FotaDevicesResponse,
    LicenseIndexResponse,
    LicenseRequest,
    LicenseResponse,
    check_account_name,
)
from .batching import FOTA_DEVICES_PER_READ, chunked, send_chunks
from .requestor import Requestor, parse, unexpected

API_VERSIONS = ("v1", "v3")
"""FOTA API versions the client speaks: v3 (current) and v1 (deprecated but documented)."""


def license_path(api_version: str, account_name: str, action: str) -> str:
    """``/api/fota/{version}/licenses/{account}/{action}`` (one slash, unlike a documentation typo)."""
    return f"/api/fota/{_version(api_version)}/licenses/{check_account_name(account_name)}/{action}"


def assign_licenses(
    api: Requestor, account_name: str, imeis: Sequence[str], api_version: str, chunk_size: int
) -> LicenseResponse:
    """Assign licenses in chunks; the per-device results of all chunks are merged in order.

    A rejected chunk stops the call; its error carries the answers of the chunks accepted before it.
    """
    return _change(api, "assign", "licenses.assign", account_name, imeis, api_version, chunk_size)


def remove_licenses(
    api: Requestor, account_name: str, imeis: Sequence[str], api_version: str, chunk_size: int
) -> LicenseResponse:
    """Remove licenses in chunks; the per-device results of all chunks are merged in order.

    A rejected chunk stops the call; its error carries the answers of the chunks accepted before it.
    """
    return _change(api, "remove", "licenses.remove", account_name, imeis, api_version, chunk_size)


def _change(
    api: Requestor,
    action: str,
    endpoint: str,
    account_name: str,
    imeis: Sequence[str],
    api_version: str,
    chunk_size: int,
) -> LicenseResponse:
    path = license_path(api_version, account_name, action)
    pages = send_chunks(
        imeis,
        chunk_size,
        lambda chunk: parse(
            LicenseResponse, api.call("POST", path, endpoint, LicenseRequest(device_list=chunk).wire())
        ),
    )
    merged: LicenseResponse | None = None
    for page in pages:
        if merged is None:
            merged = page
            continue
        merged.device_list.extend(page.device_list)
        # The pool counts of the last chunk describe the account after the whole operation.
        merged.lic_count = page.lic_count if page.lic_count is not None else merged.lic_count
        if page.lic_used_count is not None:
            merged.lic_used_count = page.lic_used_count
    return merged if merged is not None else LicenseResponse(account_name=account_name)


def licensed_imeis(api: Requestor, account_name: str, imeis: Sequence[str], api_version: str) -> set[str]:
    """Which of ``imeis`` hold a license now (v3: device info by IMEI; v1: the account's license index)."""
    wanted = list(dict.fromkeys(imeis))  # de-duplicated, in the caller's order
    if _version(api_version) == "v3":
        return _licensed_v3(api, account_name, wanted) if wanted else set()
    return _licensed_v1(api, account_name, set(wanted)) if wanted else set()


def _licensed_v3(api: Requestor, account_name: str, imeis: list[str]) -> set[str]:
    path = f"/api/fota/v3/devices/{check_account_name(account_name)}"
    held: set[str] = set()
    for chunk in chunked(imeis, FOTA_DEVICES_PER_READ):
        page = parse(FotaDevicesResponse, api.call("POST", path, "licenses.read", {"deviceList": chunk}))
        held.update(d.device_id for d in page.device_list if d.license_assigned)
    return held & set(imeis)


def _licensed_v1(api: Requestor, account_name: str, wanted: set[str]) -> set[str]:
    base = f"/api/fota/v1/licenses/{check_account_name(account_name)}/index/"
    held: set[str] = set()
    start = "0"  # then the lastSeenDeviceId of the previous page (an IMEI cursor)
    while True:
        reply = api.call("GET", base + quote(start, safe=""), "licenses.read")
        page = parse(LicenseIndexResponse, reply)
        held.update(d.device_id for d in page.device_list if d.device_id in wanted)
        if not page.has_more_data or held == wanted:
            return held
        if not page.last_seen_device_id or page.last_seen_device_id == start:
            raise unexpected(reply, what="more license pages announced without a new lastSeenDeviceId")
        start = page.last_seen_device_id


def subscription(api: Requestor, account_name: str) -> dict[str, Any]:
    """The account's FOTA subscription: purchaseType, licenseCount, licenseUsedCount, updateTime."""
    reply = api.call(
        "GET", f"/api/fota/v1/subscriptions/{check_account_name(account_name)}", "fota.subscription"
    )
    if not isinstance(reply.body, dict):
        raise unexpected(reply, what="subscription answer is not a JSON object")
    return reply.body


def _version(api_version: str) -> str:
    if api_version not in API_VERSIONS:
        raise ValueError(f"api_version must be one of {', '.join(API_VERSIONS)}, got {api_version!r}")
    return api_version
