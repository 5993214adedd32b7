"""Pulumi provider for Verizon ThingSpace fleet state.

Resources: ``UsageSegmentationLabels``, ``UsageSegmentationLabel``, ``FotaLicenseAssignment``,
``DeviceRetirement`` and ``CallbackListener``; for large fleets the compact forms
``UsageSegmentationLabelBundle``, ``FotaLicenseBundle`` and ``DeviceRetirementBundle``.
``ThingSpaceClient`` is the HTTP client they use, usable on its own. Every name is loaded on first
use, so that the client, simulator and sink do not import the Pulumi SDK and a Pulumi program does
not import the HTTP client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

if TYPE_CHECKING:
    from .client import Credentials, ThingSpaceClient
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

__getattr__, __dir__ = lazy_exports(
    __name__,
    {name: ".client" if name in ("Credentials", "ThingSpaceClient") else ".resources" for name in __all__},
)
