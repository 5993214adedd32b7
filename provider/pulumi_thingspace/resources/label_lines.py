"""Label lines both ways: a label map as wire-ready labels, and reported callback lines as outcomes.

Shared by a label change (``label_sync``) and the undo of a failed create (``label_undo``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, overload

from ..models.labels import WireLabel

if TYPE_CHECKING:
    from ..results import LineOutcome


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


def outcomes(
    reported: Mapping[str, list[LineOutcome]],
) -> tuple[dict[tuple[str, str], tuple[bool, str]], str]:
    """``{("<eid>/<name>", "set"|"remove"): (ok, description)}`` of reported lines, and the reason to give
    a label with no line ("no result", or the fault of a request that failed as a whole)."""
    outcome: dict[tuple[str, str], tuple[bool, str]] = {}
    missing = "no result was reported for this label"
    for lines in reported.values():
        for line in lines:
            if not line.label_name and not line.ok:  # a request-level fault names no label
                missing = f"request failed: {line.description}"
            outcome[(f"{line.device_id}/{line.label_name}", line.action.lower())] = (
                line.ok,
                line.description,
            )
    return outcome, missing
