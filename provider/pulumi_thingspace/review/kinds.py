"""The package's resource types by family, for the review and the policy pack alike.

A family groups a resource with its compact (bundle) form: ``DeviceRetirement`` and
``DeviceRetirementBundle`` both delete devices, and both are reviewed and policed the same way.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from ..models.compact import SUMMARY as SUMMARY
from ..resources import registry
from ..schema.typemap import prop_name, snake_name

TYPE_PREFIX = "pulumi-python:dynamic/thingspace:"
"""Type token prefix of this package's dynamic resources (the plugin's are ``thingspace:index:``)."""

LABELS, LICENSES, RETIREMENT, LISTENER = (
    registry.LABELS,
    registry.LICENSES,
    registry.RETIREMENT,
    registry.LISTENER,
)

COUNT_FIELDS = {LABELS: "label_count", LICENSES: "imei_count", RETIREMENT: "device_count"}
"""The input in which a compact resource records how many entries its set has."""


def kind_of(resource_type: str) -> str | None:
    """``DeviceRetirement`` for its dynamic or plugin type token; None for other packages' resources."""
    res = registry.by_token(resource_type)
    return res.name if res else None


def family(kind: str) -> str | None:
    """The family of a resource kind (``labels``, ``licenses``, ``retirement``, ``listener``), or None."""
    res = registry.BY_NAME.get(kind)
    return res.family if res else None


def type_family(resource_type: str) -> str | None:
    """The family of a full type token; None for resources of other packages."""
    kind = kind_of(resource_type)
    return family(kind) if kind else None


@functools.cache
def _snake_names(kind: str) -> dict[str, str]:
    res = registry.BY_NAME[kind]
    names = [*res.args.model_fields, *(res.state.model_fields if res.state else {})]
    return {prop_name(n): n for n in names}


def snake_props(resource_type: str | None, props: Mapping[str, Any]) -> Mapping[str, Any]:
    """A plugin resource's camelCase properties under the model (dynamic) names; others unchanged."""
    res = registry.by_token(resource_type or "")
    if res is None or resource_type != res.token:
        return props
    names = _snake_names(res.name)
    return {names.get(k) or snake_name(k): v for k, v in props.items()}
