"""``UsageSegmentationLabel``: one label on one device, sharing the label-set lifecycle."""

from __future__ import annotations

from typing import Any

from ..models.resources import LabelArgs as SingleLabelArgs
from .labels import LabelSetProvider


class SingleLabelProvider(LabelSetProvider):
    """A label set of exactly one label; account_name, device_id and name are replace fields of its args."""

    args_model = SingleLabelArgs
    kind = "UsageSegmentationLabel"

    def label_map(self, props: dict[str, Any]) -> dict[str, str]:
        """The one label, keyed ``<eid>/<name>`` (none once a refresh found it removed)."""
        if not props.get("device_id") or "value" not in props:
            return {}
        return {f"{props['device_id']}/{props['name']}": props["value"]}

    def with_labels(self, props: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
        """``props`` with the one label's value from ``labels``, or without a value when it is gone."""
        rest = {k: v for k, v in props.items() if k != "value"}
        return {**rest, "value": labels[f"{props['device_id']}/{props['name']}"]} if labels else rest


def __getattr__(name: str) -> Any:
    # The resource classes are generated into .classes; this module's old names stay importable.
    if name in ("UsageSegmentationLabel",):
        from . import classes

        return getattr(classes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
