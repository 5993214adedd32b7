"""The ThingSpace resources, one module each: five per-device forms and three compact bundles.

Each name is imported from its module on first use, so a provider process that serves one resource
type imports that resource's module alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .label import UsageSegmentationLabel
    from .label_bundle import UsageSegmentationLabelBundle
    from .labels import LabelArgs, UsageSegmentationLabels
    from .license_bundle import FotaLicenseBundle
    from .licenses import FotaLicenseAssignment
    from .listener import CallbackListener
    from .retirement import DeviceArgs, DeviceRetirement
    from .retirement_bundle import DeviceRetirementBundle

_MODULES = {
    "CallbackListener": ".listener",
    "DeviceArgs": ".retirement",
    "DeviceRetirement": ".retirement",
    "DeviceRetirementBundle": ".retirement_bundle",
    "FotaLicenseAssignment": ".licenses",
    "FotaLicenseBundle": ".license_bundle",
    "LabelArgs": ".labels",
    "UsageSegmentationLabel": ".label",
    "UsageSegmentationLabelBundle": ".label_bundle",
    "UsageSegmentationLabels": ".labels",
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
