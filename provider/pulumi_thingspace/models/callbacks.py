"""Callback listener registration bodies."""

from __future__ import annotations

from pydantic import Field, SecretStr

from .base import WireRequest, WireResponse


class RegisterCallbackRequest(WireRequest):
    """``POST /api/m2m/v1/callbacks/{account}`` body; the field is ``name``, not ``serviceName``."""

    name: str
    url: str
    username: str | None = None
    password: SecretStr | None = None

    def wire(self) -> dict[str, str]:
        """Return the body with the password revealed, for the HTTP call only."""
        body = {"name": self.name, "url": self.url}
        if self.username is not None:
            body["username"] = self.username
        if self.password is not None:
            body["password"] = self.password.get_secret_value()
        return body


class CallbackListenerInfo(WireResponse):
    """One registered listener as ``GET /api/m2m/v1/callbacks/{account}`` lists it."""

    account_name: str | None = None
    service_name: str
    url: str | None = None
    username: str | None = None
    password: str | None = Field(default=None, repr=False)


class CallbackActionResult(WireResponse):
    """Register/deregister answer."""

    account_name: str | None = None
    service_name: str | None = None
