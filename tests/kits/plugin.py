"""Requests as the Pulumi engine builds them for the plugin: URNs, property maps, provider settings."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import Computed, PropertyValue

from pulumi_thingspace.config import SETTINGS
from pulumi_thingspace.simulator import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USERNAME

SECRET_KEYS = {s.key for s in SETTINGS if s.secret}


def urn(type_name: str, name: str) -> str:
    """The URN the engine sends for a plugin resource ``thingspace:index:<type_name>``."""
    return f"urn:pulumi:dev::fleet::thingspace:index:{type_name}::{name}"


def pv(value: Any, secret: bool = False) -> PropertyValue:
    """A property value as the engine unmarshals it: numbers are floats, lists and maps nest values."""
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, dict):
        return PropertyValue({k: pv(v) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, list):
        return PropertyValue([pv(v) for v in value], is_secret=secret)
    if isinstance(value, int) and not isinstance(value, bool):
        return PropertyValue(float(value), is_secret=secret)
    return PropertyValue(value, is_secret=secret)


def props(values: dict[str, Any]) -> dict[str, PropertyValue]:
    """A property map (``{"accountName": ..., ...}``) as the engine sends it."""
    return {k: pv(v) for k, v in values.items()}


def provider_args(base_url: str, **extra: Any) -> dict[str, PropertyValue]:
    """An explicit provider's inputs for the simulator's demo tenant, secrets wrapped as the engine does."""
    settings: dict[str, Any] = {
        "baseUrl": base_url,
        "clientId": DEMO_CLIENT_ID,
        "clientSecret": DEMO_CLIENT_SECRET,
        "username": DEMO_USERNAME,
        "password": DEMO_PASSWORD,
        **extra,
    }
    return {k: pv(v, secret=k in SECRET_KEYS) for k, v in settings.items()}


def configure_request(args: dict[str, PropertyValue]) -> rpc.ConfigureRequest:
    """``Configure`` for an explicit provider: its inputs in ``args``, no stack config variables."""
    return rpc.ConfigureRequest(variables={}, args=args, accept_secrets=True, accept_resources=True)


def value_of(value: PropertyValue) -> Any:
    """A response's property value as plain data (secrets unwrapped; numbers stay floats)."""
    inner = value.value
    if isinstance(inner, tuple):
        return [value_of(v) for v in inner]
    if isinstance(inner, Mapping):
        return {k: value_of(v) for k, v in inner.items()}
    return inner


def values_of(properties: Mapping[str, PropertyValue]) -> dict[str, Any]:
    """A response's property map as plain data."""
    return {k: value_of(v) for k, v in properties.items()}


COMPUTED = "<computed>"


def structure(value: PropertyValue) -> Any:
    """A property value as comparable data: ``(secret, value)`` all the way down, unknowns as
    :data:`COMPUTED`, number types kept (the SDK's ``Computed`` cannot be compared with ``==``)."""
    inner = value.value
    if isinstance(inner, Computed):
        shown: Any = COMPUTED
    elif isinstance(inner, tuple):
        shown = [structure(v) for v in inner]
    elif isinstance(inner, Mapping):
        shown = {k: structure(v) for k, v in inner.items()}
    else:
        shown = (type(inner).__name__, inner)
    return (value.is_secret, shown)
