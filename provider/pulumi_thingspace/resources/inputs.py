"""What Python programs may pass to the dynamic classes, and how it becomes the provider's inputs.

The generated classes (:mod:`.classes`) call these converters on the inputs the declarations name in
their ``python`` field option (see ``models``): helper dataclasses become dicts, device and label sets
become the bundles' canonical text. Each works on plain values and on ``pulumi.Output`` alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath
from typing import Any

import pulumi

from ..models.compact import label_text


@dataclass(frozen=True)
class LabelArgs:
    """One label on one device; a plain dict with the same keys is accepted too."""

    device_id: str
    name: str
    value: str


@dataclass(frozen=True)
class DeviceArgs:
    """A device identifier; a plain dict ``{"kind": ..., "id": ...}`` is accepted too."""

    kind: str
    id: str


def plain_labels(labels: Any) -> Any:
    """Turn ``LabelArgs`` instances into dicts, inside plain lists or Outputs alike."""
    if isinstance(labels, pulumi.Output):
        return labels.apply(plain_labels)
    if isinstance(labels, Sequence) and not isinstance(labels, str):
        return [asdict(item) if isinstance(item, LabelArgs) else item for item in labels]
    return labels


def plain_devices(devices: Any) -> Any:
    """Turn ``DeviceArgs`` instances into dicts, inside plain lists or Outputs alike."""
    if isinstance(devices, pulumi.Output):
        return devices.apply(plain_devices)
    if isinstance(devices, Sequence) and not isinstance(devices, str):
        return [asdict(d) if isinstance(d, DeviceArgs) else d for d in devices]
    return devices


def labels_from(labels: Any) -> Any:
    """Label text from ``LabelArgs`` or dicts (in the given order) or a file path; Outputs alike."""
    if isinstance(labels, pulumi.Output):
        return labels.apply(labels_from)
    if isinstance(labels, str):
        return labels
    if isinstance(labels, PurePath):
        return Path(labels).read_text(encoding="utf-8")
    rows = []
    for item in labels:
        if isinstance(item, LabelArgs):
            rows.append((item.device_id, item.name, item.value))
        else:
            rows.append((item.get("device_id"), item.get("name"), item.get("value")))
    return label_text(rows)


def one_per_line(items: Any) -> Any:
    """A list of identifiers as text with one per line (text and Outputs pass through)."""
    if isinstance(items, pulumi.Output):
        return items.apply(one_per_line)
    if isinstance(items, str):
        return items
    return "\n".join(map(str, items))


def device_lines(devices: Any) -> Any:
    """``DeviceArgs``, ``{kind, id}`` dicts or ``kind:id`` strings as text, one device per line."""
    if isinstance(devices, pulumi.Output):
        return devices.apply(device_lines)
    if isinstance(devices, str):
        return devices
    lines = []
    for d in devices:
        if isinstance(d, DeviceArgs):
            lines.append(f"{d.kind}:{d.id}")
        elif isinstance(d, Mapping):
            lines.append(f"{d.get('kind')}:{d.get('id')}")
        else:
            lines.append(str(d))
    return one_per_line(lines)
