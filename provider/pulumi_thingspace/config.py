"""Provider settings: stack config ``thingspace:*`` first, then ``THINGSPACE_*`` environment variables."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import SplitResult, urlsplit

from .client.batching import DEFAULT_LICENSE_CHUNK
from .client.endpoints import DEFAULT_BASE_URL
from .errors import UserError

DEFAULT_CALLBACK_TIMEOUT = 300.0


def api_base_url(value: Any) -> str:
    """``scheme://host[:port]`` of the API, without a trailing slash; raise ValueError naming the rule."""
    parts = urlsplit(str(value))
    faults = _url_faults(parts)
    if not faults and parts.path not in ("", "/"):
        faults.append("has a path")
    if faults:
        raise ValueError(f"must be scheme and host only, like {DEFAULT_BASE_URL}, but it {', '.join(faults)}")
    return f"{parts.scheme}://{parts.netloc}"


def http_url(value: Any) -> str:
    """An absolute http(s) URL with a host, without query or fragment; raise ValueError naming the rule."""
    parts = urlsplit(str(value))
    faults = _url_faults(parts)
    if faults:
        raise ValueError(f"must be an http:// or https:// URL with a host, but it {', '.join(faults)}")
    return str(value).rstrip("/")


def _url_faults(parts: SplitResult) -> list[str]:
    """What is wrong with a URL, naming parts only: never its value, which may carry a password."""
    if parts.scheme not in ("http", "https"):
        has = f"has the scheme {parts.scheme!r}" if parts.scheme and parts.netloc else "has no scheme"
        return [f"{has} (http:// or https:// expected)"]
    faults = [] if parts.hostname else ["has no host"]
    if parts.query or parts.fragment:
        faults.append("has a query or fragment")
    return faults


def positive(value: Any) -> Any:
    """The value itself when greater than 0; raise ValueError otherwise (NaN included)."""
    if not value > 0:
        raise ValueError("must be greater than 0")
    return value


@dataclass(frozen=True)
class Setting:
    """One provider setting: its stack config key, environment variable, description and rule."""

    key: str
    env: str
    description: str
    secret: bool = False
    default: Any = None
    type: str = "string"
    rule: Callable[[Any], Any] | None = None
    """Checks (and normalises) a value that is set; raises ValueError saying the rule it broke."""
    requires: tuple[str, ...] = ()
    """Settings that must be set too whenever this one is."""


SETTINGS: tuple[Setting, ...] = (
    Setting("clientId", "THINGSPACE_CLIENT_ID", "OAuth client id (application key) of the ThingSpace app."),
    Setting("clientSecret", "THINGSPACE_CLIENT_SECRET", "OAuth client secret of the ThingSpace app.", True),
    Setting("username", "THINGSPACE_USERNAME", "Connectivity Management (UWS) user for the M2M session."),
    Setting("password", "THINGSPACE_PASSWORD", "Password of the Connectivity Management user.", True),
    Setting(
        "baseUrl",
        "THINGSPACE_BASE_URL",
        "Scheme and host of the API, with no path (for example https://thingspace.verizon.com).",
        default=DEFAULT_BASE_URL,
        rule=api_base_url,
    ),
    Setting(
        "callbackResultsUrl",
        "THINGSPACE_CALLBACK_RESULTS_URL",
        "Base http(s) URL of a callback sink (needs callbackResultsToken); when set, label changes wait for "
        "their per-device results and refresh reads the sink's label ledger.",
        rule=http_url,
        requires=("callbackResultsToken",),
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
        rule=positive,
    ),
    Setting(
        "licenseChunkSize",
        "THINGSPACE_LICENSE_CHUNK_SIZE",
        "IMEIs per FOTA license assign/remove request (the API documents no limit).",
        default=DEFAULT_LICENSE_CHUNK,
        type="integer",
        rule=positive,
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
        """Read each setting from ``config_get("thingspace:<key>")``, falling back to the environment.

        Every value set is checked against its setting's rule here, so a broken setting fails the first
        provider call of a preview with one line naming each broken setting and its rule.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        problems: list[str] = []
        for s in SETTINGS:
            raw = config_get(f"thingspace:{s.key}") if config_get else None
            source = f"thingspace:{s.key}"
            if raw in (None, ""):
                raw = env.get(s.env) or None
                source += f" (from {s.env})"
            try:
                values[s.key] = _convert(s, raw)
            except ValueError as exc:
                values[s.key] = s.default
                problems.append(f"{source} {exc}")
        for s in SETTINGS:
            for key in s.requires if values[s.key] is not None else ():
                if values[key] is None:
                    how = _how_to_set(_setting(key))
                    problems.append(f"thingspace:{s.key} is set, so thingspace:{key} must be set too: {how}")
        if problems:
            raise ConfigurationError("invalid provider settings: " + "; ".join(problems))
        return cls(
            client_id=values["clientId"],
            client_secret=values["clientSecret"],
            username=values["username"],
            password=values["password"],
            base_url=values["baseUrl"],
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
    """The setting's value from ``raw`` (None: its default); ValueError saying the rule it broke."""
    if raw is None:
        return s.default
    try:
        if s.type == "number":
            value: Any = float(raw)
        elif s.type == "integer":
            value = int(float(raw))
        else:
            value = str(raw)
    except (TypeError, ValueError):
        shown = "a secret value" if s.secret else repr(raw)
        raise ValueError(f"must be a number ({s.type}), got {shown}") from None
    return s.rule(value) if s.rule else value
