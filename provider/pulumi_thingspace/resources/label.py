"""``UsageSegmentationLabel``: one label on one device, sharing the label-set lifecycle."""

from __future__ import annotations

from typing import Any

import pulumi

from ..models.resources import LabelArgs as SingleLabelArgs
from .base import ThingSpaceResource
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


class UsageSegmentationLabel(ThingSpaceResource, module="thingspace", name="UsageSegmentationLabel"):
    """One usage segmentation label on one device (EID).

    ``pulumi refresh`` sees the label changed or removed outside Pulumi only through a callback sink's
    label ledger (``thingspace:callbackResultsUrl``); without a sink, refresh returns the recorded label.
    """

    account_name: pulumi.Output[str]
    device_id: pulumi.Output[str]
    name: pulumi.Output[str]
    value: pulumi.Output[str]
    request_ids: pulumi.Output[list[str]]
    results: pulumi.Output[dict[str, str]]
    verified: pulumi.Output[bool]

    def __init__(
        self,
        resource_name: str,
        account_name: pulumi.Input[str],
        device_id: pulumi.Input[str],
        name: pulumi.Input[str],
        value: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {
            "account_name": account_name,
            "device_id": device_id,
            "name": name,
            "value": value,
            "request_ids": None,
            "results": None,
            "verified": None,
        }
        super().__init__(SingleLabelProvider(), resource_name, props, opts)
