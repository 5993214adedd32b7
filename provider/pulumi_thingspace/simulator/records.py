"""In-memory records of the simulated fleet: accounts and devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any


def utc_now() -> str:
    """The current UTC time in ThingSpace's ISO 8601 form."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def id_key(kind: str, value: str) -> str:
    """Index key of one identifier; kinds and hexadecimal ids compare case-insensitively."""
    return f"{kind.strip().lower()}:{value.strip().lower()}"


@dataclass
class DeviceSpec:
    """What it takes to add a device: identifiers by kind and its initial state."""

    ids: dict[str, str]
    state: str = "active"
    labels: dict[str, str] = field(default_factory=dict)
    licensed: bool = False
    service_plan: str = "M2M-4G-Unlimited"
    connected: bool = True
    fota_eligible: bool = True


@dataclass(eq=False)
class SimDevice:
    """One device of an account with its line state, labels and FOTA license."""

    account: str
    ids: dict[str, str]
    state: str = "active"
    labels: dict[str, str] = field(default_factory=dict)
    license_time: str | None = None
    service_plan: str = "M2M-4G-Unlimited"
    connected: bool = True
    fota_eligible: bool = True
    created_at: str = field(default_factory=utc_now)
    deleted: bool = False

    def index_keys(self) -> list[str]:
        """Every index key of this device."""
        return [id_key(k, v) for k, v in self.ids.items()]

    def wire_ids(self) -> list[dict[str, str]]:
        """``deviceIds`` as the device list reports them (kinds in lower case)."""
        return [{"id": v, "kind": k} for k, v in self.ids.items()]

    @property
    def eid(self) -> str | None:
        """The EID, if the device has one."""
        return self.ids.get("eid")

    @property
    def imei(self) -> str | None:
        """The IMEI, if the device has one."""
        return self.ids.get("imei")

    @property
    def primary_id(self) -> str:
        """The identifier admin views are keyed by: the EID, else the first identifier."""
        return self.eid or next(iter(self.ids.values()))

    def to_wire(self) -> dict[str, Any]:
        """The device as ``POST /api/m2m/v1/devices/actions/list`` reports it (labels are never shown)."""
        return {
            "accountName": self.account,
            "billingCycleEndDate": None,
            "carrierInformations": [
                {"carrierName": "Verizon Wireless", "servicePlan": self.service_plan, "state": self.state}
            ],
            "connected": self.connected,
            "createdAt": self.created_at,
            "customFields": [],
            "deviceIds": self.wire_ids(),
            "extendedAttributes": [],
            "groupNames": [f"Default: {self.account}"],
            "ipAddress": "",
            "lastActivationBy": "simulator",
            "lastActivationDate": self.created_at,
            "lastConnectionDate": self.created_at,
        }

    def admin_view(self) -> dict[str, Any]:
        """Everything the simulator knows about the device, for the admin API."""
        return {
            "accountName": self.account,
            "deviceIds": self.wire_ids(),
            "state": self.state,
            "labels": dict(self.labels),
            "licenseAssigned": self.license_time is not None,
            "licenseAssignedAt": self.license_time,
            "servicePlan": self.service_plan,
            "connected": self.connected,
            "fotaEligible": self.fota_eligible,
            "createdAt": self.created_at,
        }


@dataclass
class SimAccount:
    """A billing account: its devices in insertion order and its FOTA license pool."""

    name: str
    lic_count: int = 0
    devices: list[SimDevice] = field(default_factory=list)
    licensed: list[str] = field(default_factory=list)
    """IMEIs holding a license, kept sorted for the v1 license index."""
    lic_update_time: str = field(default_factory=utc_now)
    needs_compaction: bool = False

    @property
    def lic_used(self) -> int:
        """Licenses currently assigned."""
        return len(self.licensed)

    def live_devices(self) -> list[SimDevice]:
        """The account's devices without the deleted ones (compacted lazily, once per delete request)."""
        if self.needs_compaction:
            self.devices = [d for d in self.devices if not d.deleted]
            self.needs_compaction = False
        return self.devices
