"""The ThingSpace resources, one module each: five per-device forms and three compact bundles."""

from .label import UsageSegmentationLabel
from .label_bundle import UsageSegmentationLabelBundle
from .labels import LabelArgs, UsageSegmentationLabels
from .license_bundle import FotaLicenseBundle
from .licenses import FotaLicenseAssignment
from .listener import CallbackListener
from .retirement import DeviceArgs, DeviceRetirement
from .retirement_bundle import DeviceRetirementBundle

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
