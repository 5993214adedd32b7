"""The ThingSpace resources: five per-device forms and three compact bundles, declared in ``registry``.

The classes Python programs use are generated into ``classes`` (``make schema``); each lifecycle lives in
its family's module (``labels``, ``licenses``, ...), which the provider process imports by itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .classes import (
        CallbackListener,
        DeviceRetirement,
        DeviceRetirementBundle,
        FotaLicenseAssignment,
        FotaLicenseBundle,
        UsageSegmentationLabel,
        UsageSegmentationLabelBundle,
        UsageSegmentationLabels,
    )
    from .inputs import DeviceArgs, LabelArgs

_MODULES = {
    "CallbackListener": ".classes",
    "DeviceArgs": ".inputs",
    "DeviceRetirement": ".classes",
    "DeviceRetirementBundle": ".classes",
    "FotaLicenseAssignment": ".classes",
    "FotaLicenseBundle": ".classes",
    "LabelArgs": ".inputs",
    "UsageSegmentationLabel": ".classes",
    "UsageSegmentationLabelBundle": ".classes",
    "UsageSegmentationLabels": ".classes",
}

__all__ = [
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
]

__getattr__, __dir__ = lazy_exports(__name__, _MODULES)
