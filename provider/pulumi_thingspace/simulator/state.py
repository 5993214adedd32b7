"""The whole simulator state behind one lock, with the admin operations as Python methods."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from .callbacks import CallbackCenter
from .config import SimulatorConfig
from .dispatcher import Dispatcher
from .faults import FaultInjector
from .fleet import Fleet
from .identity import Identity
from .records import DeviceSpec, SimDevice
from .synthetic import synthetic_ids


class SimulatorState:
    """Accounts, devices, credentials, callbacks, faults and request counters of one simulator process."""

    def __init__(self, config: SimulatorConfig | None = None) -> None:
        self.config = config or SimulatorConfig()
        self.lock = threading.RLock()
        self.identity = Identity(self.lock, self.config)
        self.fleet = Fleet(self.lock)
        self.faults = FaultInjector(self.lock)
        self.dispatcher = Dispatcher()
        self.callbacks = CallbackCenter(self.lock, self.config, self.faults, self.dispatcher)
        self._counts: Counter[str] = Counter()
        self._next_serial = 1

    # -- lifecycle and request counters ----------------------------------------------------------

    def stop(self) -> None:
        """Stop the background worker (pending callbacks are dropped)."""
        self.dispatcher.stop()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until every pending asynchronous action and callback send (resends included) is done."""
        return self.dispatcher.wait_idle(timeout)

    def count_request(self, endpoint: str) -> None:
        """Count one request to ``endpoint`` (``"METHOD /path/template"``)."""
        with self.lock:
            self._counts[endpoint] += 1

    def request_counts(self) -> dict[str, int]:
        """Requests per endpoint since start or the last reset."""
        with self.lock:
            return dict(self._counts)

    def reset_request_counts(self) -> None:
        """Start counting from zero."""
        with self.lock:
            self._counts.clear()

    # -- fleet -----------------------------------------------------------------------------------

    def add_devices(self, account: str, specs: Iterable[DeviceSpec]) -> int:
        """Add devices to an account (created if needed); returns how many."""
        return self.fleet.add_devices(account, specs)

    def add_synthetic_devices(
        self, account: str, count: int, state: str = "active", start: int | None = None
    ) -> list[SimDevice]:
        """Add ``count`` devices with deterministic EID/ICCID/IMEI numbered from ``start`` (next free)."""
        with self.lock:
            first = self._next_serial if start is None else start
            specs = [DeviceSpec(ids=synthetic_ids(n), state=state) for n in range(first, first + count)]
            self.fleet.add_devices(account, specs)
            self._next_serial = max(self._next_serial, first + count)
            found = (self.fleet.find("eid", s.ids["eid"]) for s in specs)
            return [d for d in found if d is not None]

    def reserve_serials(self, end: int) -> None:
        """Make later synthetic devices start after serial ``end``."""
        with self.lock:
            self._next_serial = max(self._next_serial, end + 1)

    def device(self, device_id: str, account: str | None = None) -> dict[str, Any] | None:
        """Admin view of the device known by ``device_id`` (any kind), or None."""
        with self.lock:
            found = self.fleet.find_any(device_id, account)
            return found.admin_view() if found else None

    def devices(self, account: str, offset: int = 0, limit: int = 100) -> list[dict[str, Any]]:
        """Admin views of one slice of an account's devices."""
        with self.lock:
            if self.fleet.account(account) is None:
                return []
            page, _ = self.fleet.page(account, offset, limit)
            return [d.admin_view() for d in page]

    def set_device_state(self, device_id: str, state: str, account: str | None = None) -> bool:
        """Change a device's line state out of band (e.g. a portal deactivation); False if unknown."""
        found = self.fleet.find_any(device_id, account)
        if found is not None:
            self.fleet.set_state(found, state)
        return found is not None

    def deleted_devices(self) -> list[dict[str, Any]]:
        """Devices deleted so far, with their identifiers and time of deletion."""
        with self.lock:
            return list(self.fleet.deleted)

    # -- labels and licenses out of band ---------------------------------------------------------

    def labels(self, account: str) -> dict[str, dict[str, str]]:
        """Labels of the account's labelled devices: ``{eid: {name: value}}``."""
        return self.fleet.labels(account)

    def set_label(self, device_id: str, name: str, value: str, account: str | None = None) -> bool:
        """Set a label without a request or callback (drift); False for an unknown device."""
        found = self.fleet.find_any(device_id, account)
        if found is not None:
            self.fleet.set_label(found, name, value)
        return found is not None

    def remove_label(self, device_id: str, name: str, account: str | None = None) -> bool:
        """Remove a label by name without a request or callback (drift); False if it was not there."""
        with self.lock:
            found = self.fleet.find_any(device_id, account)
            if found is None or name not in found.labels:
                return False
            return self.fleet.remove_label(found, name, found.labels[name])

    def licenses(self, account: str) -> dict[str, Any]:
        """License pool of the account and the IMEIs holding a license."""
        with self.lock:
            acc = self.fleet.account(account)
            if acc is None:
                return {}
            return {
                "accountName": account,
                "licCount": acc.lic_count,
                "licUsedCount": acc.lic_used,
                "devices": list(acc.licensed),
            }

    def set_license_pool(self, account: str, lic_count: int) -> None:
        """Set the size of an account's license pool."""
        self.fleet.add_account(account, lic_count)

    def assign_license(self, imei: str, account: str) -> tuple[bool, str]:
        """Assign a license out of band (the pool limit applies): ``(success, reason)``."""
        with self.lock:
            acc = self.fleet.account(account)
            found = self.fleet.find("imei", imei, account)
            if acc is None or found is None:
                return False, "Device not found"
            return self.fleet.assign_license(acc, found)

    def remove_license(self, imei: str, account: str) -> tuple[bool, str]:
        """Remove a license out of band: ``(success, reason)``."""
        with self.lock:
            acc = self.fleet.account(account)
            found = self.fleet.find("imei", imei, account)
            if acc is None or found is None:
                return False, "Device not found"
            return self.fleet.remove_license(acc, found)

    # -- credentials -----------------------------------------------------------------------------

    def users(self) -> list[dict[str, Any]]:
        """Users with their failed-login counters and lock flags."""
        return self.identity.users_view()

    def unlock_user(self, username: str) -> bool:
        """Unlock a locked user; False for an unknown user."""
        return self.identity.unlock(username)

    def expire_sessions(self) -> int:
        """Expire every M2M session now."""
        return self.identity.expire_sessions()

    def expire_tokens(self) -> int:
        """Expire every OAuth access token now."""
        return self.identity.expire_tokens()

    # -- callbacks -------------------------------------------------------------------------------

    def registered_callbacks(self, account: str | None = None) -> list[dict[str, str]]:
        """Registered listeners (passwords masked)."""
        views = [r.wire() for r in self.callbacks.registrations(account)]
        for view in views:
            view["password"] = "********" if view["password"] else ""
        return views

    def deliveries(self, request_id: str | None = None) -> list[dict[str, Any]]:
        """Callback messages produced, with their attempts and bodies (listener password masked)."""
        return self.callbacks.deliveries(request_id)

    def clear_deliveries(self) -> None:
        """Forget the delivery log."""
        self.callbacks.clear_deliveries()

    def hold_callbacks(self, hold: bool = True) -> None:
        """Keep new callbacks back until :meth:`release_callbacks`."""
        self.faults.configure(hold_callbacks=hold)

    def release_callbacks(self, reverse: bool = False) -> int:
        """Send held callbacks (in reverse order to simulate out-of-order delivery) and stop holding."""
        self.faults.configure(hold_callbacks=False)
        return self.callbacks.release(reverse)

    # -- faults ----------------------------------------------------------------------------------

    def configure_faults(self, **changes: Any) -> dict[str, Any]:
        """Change fault knobs (see :class:`FaultSettings`); returns the full fault view."""
        self.faults.configure(**changes)
        return self.faults.view()

    def reset_faults(self) -> None:
        """Remove every fault, held callbacks are released in order."""
        self.faults.reset()
        self.callbacks.release()

    def fail_next(self, count: int, status: int = 503, after: int = 0) -> None:
        """Answer ``count`` API requests with ``status`` (400, 429 or 503) after ``after`` served ones."""
        self.faults.fail_next(count, status, after)

    def fail_device(self, device_id: str, reason: str) -> None:
        """Make actions on the device with this identifier fail with ``reason``."""
        self.faults.fail_device(device_id, reason)

    def clear_device_failures(self) -> None:
        """Forget the forced per-device failures."""
        self.faults.clear_device_failures()
