"""Device identifiers and the device list, deactivate and delete bodies."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .base import WireRequest, WireResponse
from .identifiers import DeviceKind, check_identifier, parse_kind


class DeviceId(BaseModel):
    """One device identifier: ``{"kind": ..., "id": ...}``. Kinds are case-insensitive on input."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: str
    id: str

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v: Any) -> str:
        return str(v)

    def key(self) -> str:
        """Canonical ``kind:id`` string (kind lower case) used to compare devices."""
        return f"{self.kind.lower()}:{self.id}"


class ValidDeviceId(DeviceId):
    """A device identifier this package sends: known kind, value in the kind's format."""

    @model_validator(mode="after")
    def _rules(self) -> ValidDeviceId:
        kind = parse_kind(self.kind)
        check_identifier(kind, self.id)
        object.__setattr__(self, "kind", kind.value)
        return self

    @property
    def device_kind(self) -> DeviceKind:
        """The parsed kind."""
        return DeviceKind(self.kind)


class DeviceIds(BaseModel):
    """``{"deviceIds": [...]}``: the identifiers of one device."""

    model_config = ConfigDict(populate_by_name=True, extra="ignore")

    device_ids: list[DeviceId] = Field(alias="deviceIds")


class DeviceListRequest(WireRequest):
    """``POST /api/m2m/v1/devices/actions/list`` body (one device or the whole account)."""

    account_name: str
    device_id: DeviceId | None = None
    largest_device_id_seen: int | None = None


class CarrierInformation(WireResponse):
    """Carrier and line state of a device."""

    carrier_name: str | None = None
    service_plan: str | None = None
    state: str | None = None


class Device(WireResponse):
    """One device of a device list."""

    account_name: str | None = None
    device_ids: list[DeviceId] = Field(default_factory=list)
    carrier_informations: list[CarrierInformation] = Field(default_factory=list)
    connected: bool | None = None

    @property
    def state(self) -> str:
        """The line state in lower case (``active``, ``deactive``, ...), or ``""`` when not reported."""
        for info in self.carrier_informations:
            if info.state:
                return info.state.lower()
        return ""

    def identifier(self, kind: str) -> str | None:
        """The identifier of the given kind (case-insensitive), if the device has one."""
        for d in self.device_ids:
            if d.kind.lower() == kind.lower():
                return d.id
        return None


class DeviceListResponse(WireResponse):
    """Device list page; HTTP 202 and ``hasMoreData`` mean more pages follow."""

    has_more_data: bool = False
    devices: list[Device] = Field(default_factory=list)


class DeactivateRequest(WireRequest):
    """``POST /api/m2m/v1/devices/actions/deactivate`` body."""

    account_name: str
    devices: list[DeviceIds]
    reason_code: str = "FF"
    etf_waiver: bool


class DeleteRequest(WireRequest):
    """``POST /api/m2m/v1/devices/actions/delete`` body (at most 100 devices).

    ``accountName`` is optional but recommended (seed 002); this package always sends it.
    """

    account_name: str | None = None
    devices_to_delete: list[DeviceIds]


class DeleteResult(BaseModel):
    """One device's delete outcome; ``deviceIds`` arrives as an object or as an array."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    device_ids: list[DeviceId] = Field(alias="deviceIds")
    status: str
    message: str | None = None

    @field_validator("device_ids", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, dict) else v

    @property
    def ok(self) -> bool:
        """True when ThingSpace reports the device deleted."""
        return self.status.lower() == "success"


def parse_delete_results(body: Any) -> list[DeleteResult]:
    """Read every documented delete-response shape: wrapped list, bare list or single object."""
    if isinstance(body, dict) and "deleteDevicesResponse" in body:
        body = body["deleteDevicesResponse"]
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        raise ValueError("unrecognised delete response")
    return [DeleteResult.model_validate(item) for item in body]
