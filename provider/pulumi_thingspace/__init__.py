"""Pulumi provider for Verizon ThingSpace fleet state.

Resources: ``UsageSegmentationLabels``, ``UsageSegmentationLabel``, ``FotaLicenseAssignment``,
``DeviceRetirement`` and ``CallbackListener``; for large fleets the compact forms
``UsageSegmentationLabelBundle``, ``FotaLicenseBundle`` and ``DeviceRetirementBundle``.
``ThingSpaceClient`` is the HTTP client they use, usable on
its own. Resource classes are loaded on first use so that the client, simulator and sink do not import
the Pulumi SDK.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .client import Credentials, ThingSpaceClient

if TYPE_CHECKING:
    from .resources import (
        CallbackListener,
        DeviceArgs,
        DeviceRetirement,
        DeviceRetirementBundle,
        FotaLicenseAssignment,
        FotaLicenseBundle,
        LabelArgs,
        UsageSegmentationLabel,
        UsageSegmentationLabelBundle,
        UsageSegmentationLabels,
    )

_RESOURCES = {
    "CallbackListener",
    "DeviceArgs",
    "DeviceRetirement",
    "DeviceRetirementBundle",
    "FotaLicenseAssignment",
    "FotaLicenseBundle",
    "LabelArgs",
    "UsageSegmentationLabel",
    "UsageSegmentationLabelBundle",
    "UsageSegmentationLabels",
}

__all__ = [
    "CallbackListener",
    "Credentials",
    "DeviceArgs",
    "DeviceRetirement",
    "DeviceRetirementBundle",
    "FotaLicenseAssignment",
    "FotaLicenseBundle",
    "LabelArgs",
    "ThingSpaceClient",
    "UsageSegmentationLabel",
    "UsageSegmentationLabelBundle",
    "UsageSegmentationLabels",
]


def __getattr__(name: str) -> Any:
    if name in _RESOURCES:
        return getattr(importlib.import_module(".resources", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
