"""Usage segmentation label bodies and the CarrierService callback that reports their outcome."""

from __future__ import annotations

from typing import Any, NamedTuple, Protocol

from pydantic import BaseModel, ConfigDict, Field

from .base import WireRequest, WireResponse
from .devices import DeviceId
from .identifiers import LABEL_NAME_MAX, LABEL_VALUE_MAX, Eid

MAX_LABELS_PER_REQUEST = 2000


class Label(BaseModel):
    """A label name/value pair (name <= 20, value <= 50 characters)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=LABEL_NAME_MAX)
    value: str = Field(min_length=1, max_length=LABEL_VALUE_MAX)


class DeviceLabel(BaseModel):
    """One label on one device, as users declare it: ``{device_id, name, value}``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    device_id: Eid
    name: str = Field(min_length=1, max_length=LABEL_NAME_MAX)
    value: str = Field(min_length=1, max_length=LABEL_VALUE_MAX)

    @property
    def key(self) -> str:
        """``<eid>/<name>``: the identity of a label on a device."""
        return f"{self.device_id}/{self.name}"


class LabelLike(Protocol):
    """What a label request needs of a label: ``DeviceLabel`` (validated) and ``WireLabel`` both fit."""

    @property
    def device_id(self) -> str:
        """EID of the device."""

    @property
    def name(self) -> str:
        """Label name."""

    @property
    def value(self) -> str:
        """Label value."""


class WireLabel(NamedTuple):
    """A label that was already validated (a checked input): sent as it is, with no model per label."""

    device_id: str
    name: str
    value: str


class LabelEntry(WireRequest):
    """One entry of the ``labels`` array: ``{"deviceIds": [{"id", "kind": "EID"}], "label": {...}}``."""

    device_ids: list[DeviceId]
    label: Label

    @classmethod
    def of(cls, item: DeviceLabel) -> LabelEntry:
        """The wire entry for a declared label."""
        return cls(
            device_ids=[DeviceId(kind="EID", id=item.device_id)],
            label=Label(name=item.name, value=item.value),
        )


class LabelsRequest(WireRequest):
    """Set (POST) or remove (DELETE) body for ``/api/m2m/v1/devices/actions/usagesegmentationlabels``."""

    account_name: str
    labels: list[LabelEntry] = Field(min_length=1, max_length=MAX_LABELS_PER_REQUEST)


class ReportedLabel(WireResponse):
    """A label as a callback reports it: read tolerantly, whatever ThingSpace echoes."""

    name: str = ""
    value: str = ""


class LabelLineResult(WireResponse):
    """One label line of a CarrierService callback."""

    device_ids: list[DeviceId] = Field(default_factory=list)
    label: ReportedLabel | None = None
    action: str = ""
    line_status: str = ""
    description: str | None = None

    @property
    def ok(self) -> bool:
        """True when the line succeeded (compared case-insensitively)."""
        return self.line_status.lower() == "success"

    @property
    def device_id(self) -> str:
        """The first device identifier on the line."""
        return self.device_ids[0].id if self.device_ids else ""


class UsageSegmentationLabelsResponse(WireResponse):
    """The label part of a callback; counts are strings on the wire."""

    usage_segmentation_labels: list[LabelLineResult] = Field(default_factory=list)
    total_label_count: str | None = None
    failed_label_count: str | None = None
    success_label_count: str | None = None


class DeviceResponse(WireResponse):
    """``deviceResponse`` of a CarrierService callback."""

    usage_segmentation_labels_response: UsageSegmentationLabelsResponse | None = None


class FaultResponse(BaseModel):
    """``faultResponse`` of a failure callback."""

    model_config = ConfigDict(extra="allow")

    faultcode: str = ""
    faultstring: str = ""


class CarrierCallback(WireResponse):
    """A CarrierService callback body (label set/remove, deactivate results)."""

    username: str | None = None
    password: str | None = Field(default=None, repr=False)
    request_id: str
    device_response: DeviceResponse | None = None
    device_ids: list[DeviceId] | None = None
    fault_response: FaultResponse | None = None
    status: str | None = None
    callback_count: int = 1
    max_callback_threshold: int | None = None

    @property
    def label_lines(self) -> list[LabelLineResult]:
        """Every label line this callback reports."""
        dr = self.device_response
        if dr is None or dr.usage_segmentation_labels_response is None:
            return []
        return dr.usage_segmentation_labels_response.usage_segmentation_labels

    def without_credentials(self) -> dict[str, Any]:
        """The body with the echoed username and password removed (what a sink may store)."""
        body = self.wire()
        body.pop("password", None)
        body.pop("username", None)
        return body
