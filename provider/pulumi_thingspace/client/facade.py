"""ThingSpaceClient: one object per set of credentials, safe to share between threads."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import requests

from ..models import (
    CallbackActionResult,
    CallbackListenerInfo,
    DeleteResult,
    Device,
    DeviceId,
    LicenseResponse,
)
from ..models.labels import LabelLike
from . import callbacks as callbacks_api
from . import devices as devices_api
from . import labels as labels_api
from . import licenses as licenses_api
from .auth import Credentials, SessionManager, TokenManager
from .batching import DEFAULT_LICENSE_CHUNK
from .endpoints import DEFAULT_BASE_URL
from .requestor import Requestor
from .transport import RetryPolicy, Transport


class ThingSpaceClient:
    """HTTP client for the ThingSpace M2M and FOTA APIs; usable without Pulumi.

    The bearer token and the M2M session are cached and renewed under locks, transient failures are
    retried under ``retry``, and ``calls`` counts the HTTP requests sent per endpoint name
    (``labels.set``, ``devices.delete``, ``oauth.token``, ...). ``keep_going``, when given, is called
    before every API request (each chunk of a chunked call, each page of a listing) and raises to stop
    the operation there. ``sleep`` and ``clock`` exist for tests.
    """

    def __init__(
        self,
        credentials: Credentials,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30.0,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 - frozen, so one shared default is safe
        license_chunk_size: int = DEFAULT_LICENSE_CHUNK,
        http: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        keep_going: Callable[[], None] | None = None,
    ) -> None:
        if license_chunk_size < 1:
            raise ValueError("license_chunk_size must be at least 1")
        self.calls: Counter[str] = Counter()
        self.license_chunk_size = license_chunk_size
        self._credentials = credentials
        self._transport = Transport(
            base_url,
            timeout=timeout,
            retry=retry,
            http=http,
            calls=self.calls,
            secrets=self._secrets,
            sleep=sleep,
            clock=clock,
        )
        self._tokens = TokenManager(self._transport, credentials, clock)
        self._sessions = SessionManager(self._transport, credentials, self._tokens)
        self._api = Requestor(self._transport, self._tokens, self._sessions, keep_going)

    @property
    def base_url(self) -> str:
        """Scheme and host the client talks to."""
        return self._transport.base_url

    def __repr__(self) -> str:
        creds = self._credentials
        return (
            f"ThingSpaceClient(base_url={self.base_url!r}, client_id={creds.client_id!r}, "
            f"username={creds.username!r})"
        )

    def _secrets(self) -> Iterator[str]:
        yield self._credentials.client_secret
        yield self._credentials.password
        yield from self._tokens.recent
        yield from self._sessions.recent

    # Authentication

    def access_token(self) -> str:
        """The OAuth bearer token (cached; renewed when less than 60 s remain)."""
        return self._tokens.get()

    def session_token(self) -> str:
        """The M2M session token (cached; logs in only when there is none or after an expiry)."""
        return self._sessions.get()

    # Labels

    def set_labels(self, account_name: str, labels: Sequence[LabelLike]) -> list[str]:
        """Set usage segmentation labels, 2,000 per request; return the requestIds in order."""
        return labels_api.set_labels(self._api, account_name, labels)

    def remove_labels(self, account_name: str, labels: Sequence[LabelLike]) -> list[str]:
        """Remove usage segmentation labels, 2,000 per request; return the requestIds in order."""
        return labels_api.remove_labels(self._api, account_name, labels)

    # FOTA licenses

    def assign_licenses(
        self, account_name: str, imeis: Sequence[str], api_version: str = "v3"
    ) -> LicenseResponse:
        """Assign FOTA licenses in chunks of ``license_chunk_size``; results merged across chunks."""
        return licenses_api.assign_licenses(
            self._api, account_name, imeis, api_version, self.license_chunk_size
        )

    def remove_licenses(
        self, account_name: str, imeis: Sequence[str], api_version: str = "v3"
    ) -> LicenseResponse:
        """Remove FOTA licenses in chunks of ``license_chunk_size``; results merged across chunks."""
        return licenses_api.remove_licenses(
            self._api, account_name, imeis, api_version, self.license_chunk_size
        )

    def licensed_imeis(self, account_name: str, imeis: Sequence[str], api_version: str = "v3") -> set[str]:
        """Which of ``imeis`` hold a FOTA license now."""
        return licenses_api.licensed_imeis(self._api, account_name, imeis, api_version)

    def subscription(self, account_name: str) -> dict[str, Any]:
        """The account's FOTA subscription (``purchaseType``, ``licenseCount``, ``licenseUsedCount``, ...)."""
        return licenses_api.subscription(self._api, account_name)

    # Devices

    def list_devices(self, account_name: str) -> list[Device]:
        """Every device of the account (follows HTTP 202 paging)."""
        return devices_api.list_devices(self._api, account_name)

    def get_device(self, account_name: str, device: DeviceId) -> Device | None:
        """The device with this identifier, or None when it is not in the account."""
        return devices_api.get_device(self._api, account_name, device)

    def deactivate_devices(self, account_name: str, devices: Sequence[DeviceId], etf_waiver: bool) -> str:
        """Deactivate devices (reason code FF); return the requestId."""
        return devices_api.deactivate_devices(self._api, account_name, devices, etf_waiver)

    def delete_devices(self, account_name: str, devices: Sequence[DeviceId]) -> list[DeleteResult]:
        """Delete deactivated devices, ``DEVICES_PER_DELETE`` per request; return each device's result."""
        return devices_api.delete_devices(self._api, account_name, devices)

    # Callback listeners

    def register_callback(
        self,
        account_name: str,
        service_name: str,
        url: str,
        username: str | None = None,
        password: str | None = None,
    ) -> CallbackActionResult:
        """Register (or replace) the callback listener for a service."""
        return callbacks_api.register_callback(self._api, account_name, service_name, url, username, password)

    def list_callbacks(self, account_name: str) -> list[CallbackListenerInfo]:
        """The account's registered callback listeners."""
        return callbacks_api.list_callbacks(self._api, account_name)

    def deregister_callback(self, account_name: str, service_name: str) -> None:
        """Deregister a service's listener; raises ApiError when none is registered."""
        callbacks_api.deregister_callback(self._api, account_name, service_name)

    def close(self) -> None:
        """Release the HTTP connection pool (only when the client created it); the session idles out."""
        self._transport.close()

    def __enter__(self) -> ThingSpaceClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
