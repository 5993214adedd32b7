"""Value conversions between the program, the engine's state and the dynamic provider server.

The engine talks to the dynamic provider with ``acceptSecrets=False``: secret markers are stripped
before every call and copied back onto same-named outputs afterwards (``annotateSecrets``). Unknown
values travel as the :data:`UNKNOWN` sentinel string. These helpers do the same conversions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi.output import Unknown
from pulumi.runtime import rpc

__all__ = [
    "PROVIDER_KEY",
    "UNKNOWN",
    "Secret",
    "contains_secret",
    "secret",
]

UNKNOWN: str = rpc.UNKNOWN
"""The wire sentinel of an unknown (computed) value; it appears in preview inputs."""

PROVIDER_KEY = "__provider"
"""The input/output key under which the SDK stores the pickled provider."""


@dataclass(frozen=True)
class Secret:
    """A stack config value marked secret, like ``pulumi config set --secret``.

    Build it with :func:`secret`. Its repr never shows the value.
    """

    value: Any

    def __repr__(self) -> str:
        return "Secret(***)"


def secret(value: Any) -> Secret:
    """Mark a stack config value as secret: ``Engine(server, config={"token": secret("t0p")})``."""
    return value if isinstance(value, Secret) else Secret(value)


def contains_secret(value: Any) -> bool:
    """Return True if ``value`` is, or contains anywhere, a wire-level secret."""
    if rpc.is_rpc_secret(value):
        return True
    if isinstance(value, Mapping):
        return any(contains_secret(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_secret(v) for v in value)
    return False


def plain(value: Any) -> Any:
    """Strip secret markers recursively and turn ``Unknown`` into the wire sentinel.

    This is what the engine sends to a provider that answered ``acceptSecrets=False``.
    """
    if isinstance(value, Unknown):
        return UNKNOWN
    if rpc.is_rpc_secret(value):
        return plain(rpc.unwrap_rpc_secret(value))
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def secret_keys(props: Mapping[str, Any]) -> set[str]:
    """Top-level keys whose value is or contains a secret."""
    return {key for key, value in props.items() if contains_secret(value)}


def wrap_keys(props: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """Copy ``props`` with the values under ``keys`` marked secret (whole values, like annotateSecrets)."""
    marked = set(keys)
    return {k: rpc.wrap_rpc_secret(v) if k in marked else v for k, v in props.items()}


def without_provider(props: Mapping[str, Any]) -> dict[str, Any]:
    """Copy ``props`` without the pickled provider."""
    return {k: v for k, v in props.items() if k != PROVIDER_KEY}


def to_struct(props: Mapping[str, Any]) -> struct_pb2.Struct:
    """Build a protobuf ``Struct`` (numbers become floats, as on the real wire)."""
    struct = struct_pb2.Struct()
    struct.update(dict(props))
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Convert a protobuf ``Struct`` back into plain Python values."""
    result: dict[str, Any] = json_format.MessageToDict(struct)
    return result


def qualify(project: str, key: str) -> str:
    """Namespace a config key the way the CLI does: ``apiUrl`` -> ``<project>:apiUrl``."""
    return key if ":" in key else f"{project}:{key}"


def config_text(value: Any) -> str:
    """Stack config values are strings; other values are stored JSON-encoded, as ``pulumi config set``."""
    return value if isinstance(value, str) else json.dumps(value)


@dataclass(frozen=True)
class StackConfig:
    """Stack config in the two forms the engine hands out: to providers and to the program."""

    provider_args: dict[str, Any]
    program_values: dict[str, str]
    secret_keys: list[str]

    @classmethod
    def build(cls, project: str, config: Mapping[str, Any]) -> StackConfig:
        """Namespace keys, encode values as strings and wrap secrets for ``Configure``."""
        provider_args: dict[str, Any] = {}
        program_values: dict[str, str] = {}
        secrets: list[str] = []
        for key, raw in config.items():
            full_key = qualify(project, key)
            is_secret = isinstance(raw, Secret)
            text = config_text(raw.value if isinstance(raw, Secret) else raw)
            program_values[full_key] = text
            # The engine sends secret config wrapped; the dynamic server unwraps it before `configure`.
            provider_args[full_key] = rpc.wrap_rpc_secret(text) if is_secret else text
            if is_secret:
                secrets.append(full_key)
        return cls(provider_args, program_values, secrets)
