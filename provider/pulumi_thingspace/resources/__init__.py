"""The five ThingSpace resources, one module each."""

from .label import UsageSegmentationLabel
from .labels import LabelArgs, UsageSegmentationLabels
from .licenses import FotaLicenseAssignment
from .listener import CallbackListener
from .retirement import DeviceArgs, DeviceRetirement

__all__ = [
    "CallbackListener",
    "DeviceArgs",
    "DeviceRetirement",
    "FotaLicenseAssignment",
    "LabelArgs",
    "UsageSegmentationLabel",
    "UsageSegmentationLabels",
]
