"""Callback listener registrations and the asynchronous delivery of callback messages with resends."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

import requests

from .config import SimulatorConfig
from .dispatcher import Dispatcher
from .faults import FaultInjector
from .records import utc_now

MASK = "********"


@dataclass
class Registration:
    """One listener: where an account's messages of one service go."""

    account: str
    service: str
    url: str
    username: str = ""
    password: str = field(default="", repr=False)

    def wire(self) -> dict[str, str]:
        """The listener as ``GET /api/m2m/v1/callbacks/{account}`` lists it."""
        return {
            "accountName": self.account,
            "serviceName": self.service,
            "url": self.url,
            "username": self.username,
            "password": self.password,
        }


@dataclass
class Delivery:
    """One callback message and every attempt to send it."""

    id: int
    account: str
    service: str
    request_id: str
    url: str | None
    body: dict[str, Any] = field(repr=False)
    status: str = "pending"
    """pending, held, retrying, delivered, failed or no-listener."""
    attempts: list[dict[str, Any]] = field(default_factory=list)
    created_at: str = field(default_factory=utc_now)

    def view(self) -> dict[str, Any]:
        """Admin view; the echoed listener password is masked."""
        body = dict(self.body)
        if body.get("password"):
            body["password"] = MASK
        return {
            "id": self.id,
            "accountName": self.account,
            "serviceName": self.service,
            "requestId": self.request_id,
            "url": self.url,
            "status": self.status,
            "attempts": list(self.attempts),
            "body": body,
            "createdAt": self.created_at,
        }


class CallbackCenter:
    """Registrations per account and service, and the outgoing message queue."""

    def __init__(
        self, lock: threading.RLock, config: SimulatorConfig, faults: FaultInjector, dispatcher: Dispatcher
    ) -> None:
        self._lock = lock
        self._config = config
        self._faults = faults
        self._dispatcher = dispatcher
        self._registrations: dict[tuple[str, str], Registration] = {}
        self._deliveries: list[Delivery] = []
        self._held: list[Delivery] = []
        self._ids = itertools.count(1)
        self._http = requests.Session()
        # Callbacks go to the registered URL directly, never through a proxy from the environment.
        self._http.trust_env = False

    # -- registrations ---------------------------------------------------------------------------

    def register(self, account: str, service: str, url: str, username: str = "", password: str = "") -> None:
        """Register a listener; registering the same service again replaces it."""
        with self._lock:
            self._registrations[(account, service)] = Registration(account, service, url, username, password)

    def deregister(self, account: str, service: str) -> bool:
        """Remove a listener; False when none was registered."""
        with self._lock:
            return self._registrations.pop((account, service), None) is not None

    def registrations(self, account: str | None = None) -> list[Registration]:
        """Listeners of one account, or of every account."""
        with self._lock:
            return [r for r in self._registrations.values() if account is None or r.account == account]

    # -- deliveries ------------------------------------------------------------------------------

    def emit(self, account: str, service: str, request_id: str, payload: dict[str, Any]) -> Delivery:
        """Queue a message for the account's listener of ``service`` (recorded even when none exists)."""
        with self._lock:
            reg = self._registrations.get((account, service))
            body: dict[str, Any] = {
                "username": reg.username if reg else "",
                "password": reg.password if reg else "",
                "requestId": request_id,
                **payload,
            }
            delivery = Delivery(next(self._ids), account, service, request_id, reg.url if reg else None, body)
            self._deliveries.append(delivery)
            if reg is None:
                delivery.status = "no-listener"
            elif self._faults.settings.hold_callbacks:
                delivery.status = "held"
                self._held.append(delivery)
            else:
                self._send_later(delivery, self._faults.settings.callback_delay_seconds)
            return delivery

    def release(self, reverse: bool = False) -> int:
        """Send the held callbacks, in the order they were produced or reversed; returns how many."""
        with self._lock:
            held, self._held = self._held, []
            for delivery in reversed(held) if reverse else held:
                delivery.status = "pending"
                self._send_later(delivery, 0.0)
            return len(held)

    def deliveries(self, request_id: str | None = None) -> list[dict[str, Any]]:
        """Admin views of the messages produced so far, optionally of one request."""
        with self._lock:
            return [d.view() for d in self._deliveries if request_id is None or d.request_id == request_id]

    def clear_deliveries(self) -> None:
        """Forget the delivery log (held messages stay held)."""
        with self._lock:
            self._deliveries = [d for d in self._deliveries if d.status == "held"]

    def _send_later(self, delivery: Delivery, delay: float) -> None:
        self._dispatcher.schedule(delay, lambda: self._attempt(delivery, 1))

    def _attempt(self, delivery: Delivery, count: int) -> None:
        """Send once; schedule a resend unless acknowledged or the threshold is reached."""
        threshold = self._config.callback_max_threshold
        message = {**delivery.body, "callbackCount": count, "maxCallbackThreshold": threshold}
        ok = self._post(delivery, message, count, duplicate=False)
        with self._lock:
            if ok:
                delivery.status = "delivered"
            elif count < threshold:
                delivery.status = "retrying"
                self._dispatcher.schedule(
                    self._config.callback_resend_seconds, lambda: self._attempt(delivery, count + 1)
                )
            else:
                delivery.status = "failed"
            duplicate = ok and self._faults.settings.duplicate_callbacks
        if duplicate:
            self._post(delivery, message, count, duplicate=True)

    def _post(self, delivery: Delivery, message: dict[str, Any], count: int, duplicate: bool) -> bool:
        status: int | None = None
        error: str | None = None
        try:
            response = self._http.post(
                str(delivery.url), json=message, timeout=self._config.callback_timeout_seconds
            )
            status = response.status_code
        except requests.RequestException as exc:
            error = type(exc).__name__
        with self._lock:
            delivery.attempts.append(
                {
                    "callbackCount": count,
                    "httpStatus": status,
                    "error": error,
                    "duplicate": duplicate,
                    "at": utc_now(),
                }
            )
        return status is not None and 200 <= status < 300
