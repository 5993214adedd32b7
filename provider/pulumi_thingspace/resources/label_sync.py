"""Label changes shared by both label resources: plan the difference, send it, verify the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

from ..models.labels import WireLabel
from ..models.resources import LabelsState
from .base import ThingSpaceProvider, notify
from .claims import LABELS
from .failures import DeviceFailuresError

UNVERIFIED_HINT = (
    "label outcomes are not verified: ThingSpace reports per-device results only to a callback listener. "
    "Set thingspace:callbackResultsUrl and thingspace:callbackResultsToken to wait for them."
)


@dataclass(frozen=True)
class LabelPlan:
    """Label pairs to remove and to set, each as ``{"<eid>/<name>": value}``."""

    remove: dict[str, str]
    set: dict[str, str]

    @classmethod
    def between(cls, old: dict[str, str], new: dict[str, str]) -> LabelPlan:
        """Dropped pairs and the old pair of a changed value are removed; added and changed ones set."""
        remove = {k: v for k, v in old.items() if new.get(k) != v}
        put = {k: v for k, v in new.items() if old.get(k) != v}
        return cls(remove, put)


class WireLabels(Sequence[WireLabel]):
    """Wire-ready labels of a label map in key order, built one request chunk at a time.

    The client slices this sequence 2,000 labels per request, so at most one chunk of label tuples
    exists at once however large the set is. Checked inputs were validated in check(), so no label is
    validated (or wrapped in a model) twice.
    """

    def __init__(self, label_map: dict[str, str]) -> None:
        self._map = label_map
        self._keys = sorted(label_map)

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> WireLabel: ...

    @overload
    def __getitem__(self, index: slice) -> list[WireLabel]: ...

    def __getitem__(self, index: int | slice) -> WireLabel | list[WireLabel]:
        if isinstance(index, slice):
            return [self._label(key) for key in self._keys[index]]
        return self._label(self._keys[index])

    def _label(self, key: str) -> WireLabel:
        device_id, _, name = key.partition("/")
        return WireLabel(device_id, name, self._map[key])


def to_labels(label_map: dict[str, str]) -> Sequence[WireLabel]:
    """Wire-ready labels from a label map, in key order."""
    return WireLabels(label_map)


def apply_labels(
    provider: ThingSpaceProvider, what: str, account: str, plan: LabelPlan, owner: str
) -> LabelsState:
    """Remove then set for resource ``owner``; wait for callback results when configured; raise naming
    every failed device. A pair that another resource of this process set is not removed (see
    :mod:`.claims`).
    """
    client = provider.client
    kept = LABELS.release(owner, account, plan.remove)
    if kept:
        plan = LabelPlan({k: v for k, v in plan.remove.items() if k not in kept}, plan.set)
    LABELS.claim(owner, account, plan.set)
    request_ids: list[str] = []
    if plan.remove:
        request_ids += client.remove_labels(account, to_labels(plan.remove))
    if plan.set:
        request_ids += client.set_labels(account, to_labels(plan.set))
    results = provider.results()
    if results is None or not request_ids:
        if request_ids:
            notify(UNVERIFIED_HINT, once_key="unverified")
        return LabelsState(request_ids=request_ids)
    expected = [(k, "remove") for k in plan.remove] + [(k, "set") for k in plan.set]
    outcome: dict[tuple[str, str], tuple[bool, str]] = {}
    missing = "no result was reported for this label"
    try:
        reported = results.wait(request_ids)
    finally:
        results.close()
    for lines in reported.values():
        for line in lines:
            if not line.label_name and not line.ok:  # a request-level fault names no label
                missing = f"request failed: {line.description}"
            outcome[(f"{line.device_id}/{line.label_name}", line.action.lower())] = (
                line.ok,
                line.description,
            )
    failures = []
    for key, action in expected:
        ok, description = outcome.get((key, action), (False, missing))
        if not ok:
            failures.append((f"{key} ({action})", description))
    if failures:
        raise DeviceFailuresError(f"{what} in account {account}", "label change", failures, len(expected))
    return LabelsState(request_ids=request_ids, results=dict.fromkeys(plan.set, "Success"), verified=True)
