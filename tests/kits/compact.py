"""The compact (bundle) resources' tests: label text of ``{eid: value}``."""

from __future__ import annotations

from collections.abc import Mapping

from pulumi_thingspace.models.compact import label_text

LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"


def text_of(labels: Mapping[str, str], name: str = "VIN") -> str:
    """Label text for ``{eid: value}``."""
    return label_text((eid, name, value) for eid, value in labels.items())
