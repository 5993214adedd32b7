"""The simulated fleet: accounts, devices indexed by every identifier, labels and FOTA licenses."""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable
from typing import Any

from .records import DeviceSpec, SimAccount, SimDevice, id_key, utc_now

ID_KINDS = ("eid", "iccid", "imei", "imsi", "meid", "esn", "mdn", "min", "msisdn")

LICENSE_OK = "Success"
LICENSE_ALREADY = "License already assigned to device"
LICENSE_EXHAUSTED = "No license available in the account"
LICENSE_NONE = "No license attached to device"
DEVICE_NOT_FOUND = "Device not found"


class Fleet:
    """Accounts and devices; every lookup is a dict access so cost does not grow with the fleet."""

    def __init__(self, lock: threading.RLock) -> None:
        self._lock = lock
        self.accounts: dict[str, SimAccount] = {}
        self._index: dict[str, SimDevice] = {}
        self.deleted: list[dict[str, Any]] = []

    # -- accounts and devices -------------------------------------------------------------------

    def add_account(self, name: str, lic_count: int | None = None) -> SimAccount:
        """Create the account if needed; ``lic_count`` (when given) sets its license pool size."""
        with self._lock:
            account = self.accounts.get(name)
            if account is None:
                account = self.accounts[name] = SimAccount(name=name)
            if lic_count is not None:
                account.lic_count = lic_count
                account.lic_update_time = utc_now()
            return account

    def account(self, name: str) -> SimAccount | None:
        """The account, or None when it does not exist."""
        return self.accounts.get(name)

    def add_devices(self, account_name: str, specs: Iterable[DeviceSpec]) -> int:
        """Add devices to an account (created if needed); raises ValueError on a duplicate identifier."""
        with self._lock:
            account = self.add_account(account_name)
            added = 0
            for spec in specs:
                ids = {k.strip().lower(): v for k, v in spec.ids.items()}
                if not ids:
                    raise ValueError("a device needs at least one identifier")
                device = SimDevice(
                    account=account_name,
                    ids=ids,
                    state=spec.state,
                    labels=dict(spec.labels),
                    service_plan=spec.service_plan,
                    connected=spec.connected,
                    fota_eligible=spec.fota_eligible,
                )
                keys = device.index_keys()
                taken = [k for k in keys if k in self._index]
                if taken:
                    raise ValueError(f"identifier already in use: {taken[0]}")
                for key in keys:
                    self._index[key] = device
                account.devices.append(device)
                if spec.licensed:
                    self._grant(account, device)
                added += 1
            return added

    def find(self, kind: str, value: str, account: str | None = None) -> SimDevice | None:
        """The device with identifier ``kind``/``value`` (any case), optionally only within ``account``."""
        device = self._index.get(id_key(kind, value))
        if device is None or (account is not None and device.account != account):
            return None
        return device

    def find_any(self, value: str, account: str | None = None) -> SimDevice | None:
        """The device having ``value`` as an identifier of any kind."""
        for kind in ID_KINDS:
            device = self.find(kind, value, account)
            if device is not None:
                return device
        return None

    def find_ids(self, device_ids: Iterable[tuple[str, str]], account: str | None) -> SimDevice | None:
        """The device matching the first resolvable ``(kind, id)`` pair."""
        for kind, value in device_ids:
            device = self.find(kind, value, account)
            if device is not None:
                return device
        return None

    def page(self, account_name: str, offset: int, size: int) -> tuple[list[SimDevice], bool]:
        """One page of the account's devices from ``offset``, and whether more follow."""
        with self._lock:
            account = self.accounts[account_name]
            devices = account.live_devices()
            start = max(offset, 0)
            return devices[start : start + size], start + size < len(devices)

    def device_count(self, account_name: str) -> int:
        """Devices (not deleted) in the account."""
        with self._lock:
            account = self.accounts.get(account_name)
            return len(account.live_devices()) if account else 0

    def set_state(self, device: SimDevice, state: str) -> None:
        """Change the line state of a device."""
        with self._lock:
            device.state = state

    def delete(self, device: SimDevice) -> None:
        """Remove the device from its account and the index, release its license and record it."""
        with self._lock:
            if device.deleted:
                return
            account = self.accounts[device.account]
            if device.license_time is not None:
                self._release(account, device)
            for key in device.index_keys():
                self._index.pop(key, None)
            device.deleted = True
            account.needs_compaction = True
            self.deleted.append(
                {"accountName": device.account, "deviceIds": device.wire_ids(), "deletedAt": utc_now()}
            )

    # -- labels ----------------------------------------------------------------------------------

    def set_label(self, device: SimDevice, name: str, value: str) -> None:
        """Set a label; a device holds one value per label name."""
        with self._lock:
            device.labels[name] = value

    def remove_label(self, device: SimDevice, name: str, value: str) -> bool:
        """Remove the label when name and value match; False when it was not on the device."""
        with self._lock:
            if device.labels.get(name) != value:
                return False
            del device.labels[name]
            return True

    def labels(self, account_name: str) -> dict[str, dict[str, str]]:
        """Labels of every labelled device of the account, keyed by the device's EID (or first id)."""
        with self._lock:
            account = self.accounts.get(account_name)
            if account is None:
                return {}
            return {d.primary_id: dict(d.labels) for d in account.live_devices() if d.labels}

    # -- licenses --------------------------------------------------------------------------------

    def assign_license(self, account: SimAccount, device: SimDevice) -> tuple[bool, str]:
        """Assign a license from the account's pool: ``(success, reason)``."""
        with self._lock:
            if device.license_time is not None:
                return False, LICENSE_ALREADY
            if account.lic_used >= account.lic_count:
                return False, LICENSE_EXHAUSTED
            self._grant(account, device)
            return True, LICENSE_OK

    def remove_license(self, account: SimAccount, device: SimDevice) -> tuple[bool, str]:
        """Return the device's license to the pool: ``(success, reason)``."""
        with self._lock:
            if device.license_time is None:
                return False, LICENSE_NONE
            self._release(account, device)
            return True, LICENSE_OK

    def licensed_after(self, account: SimAccount, after: str, size: int) -> tuple[list[SimDevice], bool]:
        """Licensed devices with an IMEI sorted after ``after`` (``"0"`` = from the start), one page."""
        with self._lock:
            start = 0 if after in ("", "0") else bisect.bisect_right(account.licensed, after)
            imeis = account.licensed[start : start + size]
            devices = [d for d in (self.find("imei", i, account.name) for i in imeis) if d is not None]
            return devices, start + size < len(account.licensed)

    def _grant(self, account: SimAccount, device: SimDevice) -> None:
        imei = device.imei
        if imei is None:
            raise ValueError("only a device with an IMEI can hold a FOTA license")
        device.license_time = utc_now()
        bisect.insort(account.licensed, imei)
        account.lic_update_time = device.license_time

    def _release(self, account: SimAccount, device: SimDevice) -> None:
        imei = device.imei or ""
        pos = bisect.bisect_left(account.licensed, imei)
        if pos < len(account.licensed) and account.licensed[pos] == imei:
            del account.licensed[pos]
        device.license_time = None
        account.lic_update_time = utc_now()
