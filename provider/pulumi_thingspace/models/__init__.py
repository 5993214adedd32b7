"""pydantic v2 wire models and identifier rules for the ThingSpace API."""

from .auth import LoginRequest, LoginResponse, RequestIdResponse, TokenResponse
from .callbacks import CallbackActionResult, CallbackListenerInfo, RegisterCallbackRequest
from .devices import (
    DeactivateRequest,
    DeleteRequest,
    DeleteResult,
    Device,
    DeviceId,
    DeviceIds,
    DeviceListRequest,
    DeviceListResponse,
    ValidDeviceId,
    parse_delete_results,
)
from .identifiers import AccountName, DeviceKind, Eid, Imei, check_account_name, parse_kind
from .labels import (
    MAX_LABELS_PER_REQUEST,
    CarrierCallback,
    DeviceLabel,
    Label,
    LabelEntry,
    LabelLineResult,
    LabelsRequest,
)
from .licenses import (
    FotaDeviceInfo,
    FotaDevicesResponse,
    LicenseDeviceResult,
    LicenseIndexResponse,
    LicenseRequest,
    LicenseResponse,
)

__all__ = [
    "MAX_LABELS_PER_REQUEST",
    "AccountName",
    "CallbackActionResult",
    "CallbackListenerInfo",
    "CarrierCallback",
    "DeactivateRequest",
    "DeleteRequest",
    "DeleteResult",
    "Device",
    "DeviceId",
    "DeviceIds",
    "DeviceKind",
    "DeviceLabel",
    "DeviceListRequest",
    "DeviceListResponse",
    "Eid",
    "FotaDeviceInfo",
    "FotaDevicesResponse",
    "Imei",
    "Label",
    "LabelEntry",
    "LabelLineResult",
    "LabelsRequest",
    "LicenseDeviceResult",
    "LicenseIndexResponse",
    "LicenseRequest",
    "LicenseResponse",
    "LoginRequest",
    "LoginResponse",
    "RegisterCallbackRequest",
    "RequestIdResponse",
    "TokenResponse",
    "ValidDeviceId",
    "check_account_name",
    "parse_delete_results",
    "parse_kind",
]
