"""The package's resource types by family, for the review and the policy pack alike.

A family groups a resource with its compact (bundle) form: ``DeviceRetirement`` and
``DeviceRetirementBundle`` both delete devices, and both are reviewed and policed the same way.
"""

from __future__ import annotations

from ..models.compact import SUMMARY as SUMMARY

TYPE_PREFIX = "pulumi-python:dynamic/thingspace:"
"""Type token prefix of this package's resources."""

LABELS, LICENSES, RETIREMENT, LISTENER = "labels", "licenses", "retirement", "listener"

COUNT_FIELDS = {LABELS: "label_count", LICENSES: "imei_count", RETIREMENT: "device_count"}
"""The input in which a compact resource records how many entries its set has."""


def kind_of(resource_type: str) -> str | None:
    """``DeviceRetirement`` for ``pulumi-python:dynamic/thingspace:DeviceRetirement``; None for others."""
    return resource_type[len(TYPE_PREFIX) :] if resource_type.startswith(TYPE_PREFIX) else None


def family(kind: str) -> str | None:
    """The family of a resource kind (``labels``, ``licenses``, ``retirement``, ``listener``), or None."""
    if kind.startswith("DeviceRetirement"):
        return RETIREMENT
    if kind.startswith("FotaLicense"):
        return LICENSES
    if kind.startswith("CallbackListener"):
        return LISTENER
    if "Label" in kind:
        return LABELS
    return None


def type_family(resource_type: str) -> str | None:
    """The family of a full type token; None for resources of other packages."""
    kind = kind_of(resource_type)
    return family(kind) if kind else None
