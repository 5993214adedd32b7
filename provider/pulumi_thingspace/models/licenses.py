"""FOTA license bodies for the v1 and v3 APIs."""

from __future__ import annotations

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from .base import WireRequest, WireResponse

ALREADY_ASSIGNED = "already assigned"
"""Substring of the per-device reason that ThingSpace gives for a device that already holds a license."""


class LicenseRequest(WireRequest):
    """Assign/remove body, v1 and v3 alike: ``{"deviceList": [IMEI, ...]}``."""

    device_list: list[str] = Field(min_length=1)


class LicenseDeviceResult(BaseModel):
    """Per-device result; v1 says ``Reason`` (capitalised), v3 says ``resultReason``."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    device_id: str = Field(alias="deviceId")
    status: str = ""
    reason: str | None = Field(
        default=None,
        validation_alias=AliasChoices("Reason", "resultReason", "reason"),
        serialization_alias="Reason",
    )

    @property
    def ok(self) -> bool:
        """True for success, and for "already assigned" which leaves the device licensed."""
        return "fail" not in self.status.lower() or self.already_assigned

    @property
    def already_assigned(self) -> bool:
        """True when the device held a license before this request."""
        return ALREADY_ASSIGNED in (self.reason or "").lower()


class LicenseResponse(WireResponse):
    """Assign/remove answer with the account's license pool counts."""

    account_name: str | None = None
    lic_count: int | None = Field(default=None, validation_alias=AliasChoices("licCount", "licTotalCount"))
    lic_used_count: int | None = None
    device_list: list[LicenseDeviceResult] = Field(default_factory=list)


class LicensedDevice(WireResponse):
    """A device holding a license (v1 license index)."""

    device_id: str
    assignment_time: str | None = None


class LicenseIndexResponse(WireResponse):
    """``GET /api/fota/v1/licenses/{account}/index/{startIndex}`` page."""

    account_name: str | None = None
    total_licenses: int | None = None
    assigned_licenses: int | None = None
    has_more_data: bool = False
    last_seen_device_id: str | None = None
    device_list: list[LicensedDevice] = Field(default_factory=list)


class FotaDeviceInfo(WireResponse):
    """One device of ``POST /api/fota/v3/devices/{account}``."""

    device_id: str
    license_assigned: bool | None = None
    result_reason: str | None = None
    request_status: str | None = None


class FotaDevicesResponse(WireResponse):
    """``POST /api/fota/v3/devices/{account}`` answer."""

    account_name: str | None = None
    device_count: int | None = None
    device_list: list[FotaDeviceInfo] = Field(default_factory=list)
