"""Pulumi provider for Verizon ThingSpace fleet state.

Resources: ``UsageSegmentationLabels``, ``UsageSegmentationLabel``, ``FotaLicenseAssignment``,
``DeviceRetirement`` and ``CallbackListener``. ``ThingSpaceClient`` is the HTTP client they use, usable on
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
        FotaLicenseAssignment,
        LabelArgs,
        UsageSegmentationLabel,
        UsageSegmentationLabels,
    )

_RESOURCES = {
    "CallbackListener",
    "DeviceArgs",
    "DeviceRetirement",
    "FotaLicenseAssignment",
    "LabelArgs",
    "UsageSegmentationLabel",
    "UsageSegmentationLabels",
}

__all__ = [
    "CallbackListener",
    "Credentials",
    "DeviceArgs",
    "DeviceRetirement",
    "FotaLicenseAssignment",
    "LabelArgs",
    "ThingSpaceClient",
    "UsageSegmentationLabel",
    "UsageSegmentationLabels",
]


def __getattr__(name: str) -> Any:
    if name in _RESOURCES:
        return getattr(importlib.import_module(".resources", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
