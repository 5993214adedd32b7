"""Provider settings: stack config ``thingspace:*`` first, then ``THINGSPACE_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .client.batching import DEFAULT_LICENSE_CHUNK
from .errors import UserError

DEFAULT_BASE_URL = "https://thingspace.verizon.com"
DEFAULT_CALLBACK_TIMEOUT = 300.0


@dataclass(frozen=True)
class Setting:
    """One provider setting: its stack config key, environment variable and description."""

    key: str
    env: str
    description: str
    secret: bool = False
    default: Any = None
    type: str = "string"


SETTINGS: tuple[Setting, ...] = (
    Setting("clientId", "THINGSPACE_CLIENT_ID", "OAuth client id (application key) of the ThingSpace app."),
    Setting("clientSecret", "THINGSPACE_CLIENT_SECRET", "OAuth client secret of the ThingSpace app.", True),
    Setting("username", "THINGSPACE_USERNAME", "Connectivity Management (UWS) user for the M2M session."),
    Setting("password", "THINGSPACE_PASSWORD", "Password of the Connectivity Management user.", True),
    Setting("baseUrl", "THINGSPACE_BASE_URL", "Scheme and host of the API.", default=DEFAULT_BASE_URL),
    Setting(
        "callbackResultsUrl",
        "THINGSPACE_CALLBACK_RESULTS_URL",
        "Base URL of a callback sink; when set, label changes wait for their per-device results.",
    ),
    Setting(
        "callbackResultsToken",
        "THINGSPACE_CALLBACK_RESULTS_TOKEN",
        "Bearer token for the callback sink's read API.",
        True,
    ),
    Setting(
        "callbackTimeoutSeconds",
        "THINGSPACE_CALLBACK_TIMEOUT_SECONDS",
        "How long a label change waits for its callback results.",
        default=DEFAULT_CALLBACK_TIMEOUT,
        type="number",
    ),
    Setting(
        "licenseChunkSize",
        "THINGSPACE_LICENSE_CHUNK_SIZE",
        "IMEIs per FOTA license assign/remove request (the API documents no limit).",
        default=DEFAULT_LICENSE_CHUNK,
        type="integer",
    ),
)

_CREDENTIALS = ("clientId", "clientSecret", "username", "password")


class ConfigurationError(UserError):
    """A provider setting is missing or invalid; the message says how to set it."""


def _how_to_set(s: Setting) -> str:
    flag = " --secret" if s.secret else ""
    return f"`pulumi config set{flag} thingspace:{s.key} ...` or the {s.env} environment variable"


@dataclass(frozen=True)
class ProviderSettings:
    """Resolved provider settings. Secret fields never appear in the repr."""

    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL
    callback_results_url: str | None = None
    callback_results_token: str | None = field(default=None, repr=False)
    callback_timeout_seconds: float = DEFAULT_CALLBACK_TIMEOUT
    license_chunk_size: int = DEFAULT_LICENSE_CHUNK

    @classmethod
    def resolve(
        cls, config_get: Callable[[str], Any] | None = None, env: Mapping[str, str] | None = None
    ) -> ProviderSettings:
        """Read each setting from ``config_get("thingspace:<key>")``, falling back to the environment."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for s in SETTINGS:
            raw = config_get(f"thingspace:{s.key}") if config_get else None
            if raw in (None, ""):
                raw = env.get(s.env) or None
            values[s.key] = _convert(s, raw)
        return cls(
            client_id=values["clientId"],
            client_secret=values["clientSecret"],
            username=values["username"],
            password=values["password"],
            base_url=str(values["baseUrl"]).rstrip("/"),
            callback_results_url=values["callbackResultsUrl"],
            callback_results_token=values["callbackResultsToken"],
            callback_timeout_seconds=float(values["callbackTimeoutSeconds"]),
            license_chunk_size=int(values["licenseChunkSize"]),
        )

    def missing_credentials(self) -> list[Setting]:
        """The credential settings that are not set, in the order they are documented."""
        got = (self.client_id, self.client_secret, self.username, self.password)
        return [s for s, v in zip((_setting(k) for k in _CREDENTIALS), got, strict=True) if not v]

    def require_credentials(self) -> tuple[str, str, str, str]:
        """Return (client id, client secret, username, password) or raise one error naming all missing."""
        missing = self.missing_credentials()
        if missing:
            lines = "\n".join(f"  - thingspace:{s.key}: set it with {_how_to_set(s)}" for s in missing)
            raise ConfigurationError(f"missing ThingSpace credentials:\n{lines}")
        return (self.client_id, self.client_secret, self.username, self.password)  # type: ignore[return-value]


def _setting(key: str) -> Setting:
    return next(s for s in SETTINGS if s.key == key)


def _convert(s: Setting, raw: Any) -> Any:
    if raw is None:
        return s.default
    try:
        if s.type == "number":
            value: Any = float(raw)
        elif s.type == "integer":
            value = int(float(raw))
        else:
            return str(raw)
    except (TypeError, ValueError):
        raise ConfigurationError(f"thingspace:{s.key} must be a number ({s.type}), got {raw!r}") from None
    if value <= 0:
        raise ConfigurationError(f"thingspace:{s.key} must be greater than 0")
    return value
