"""What a preview will change in ThingSpace: per resource, the keys per change kind and the requests.

The records here carry no behaviour beyond adding up; :mod:`.changes` fills them from preview steps
and :mod:`.render` turns them into Markdown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

LABELS_SET = "labels set"
LABELS_CHANGED = "labels changed"
LABELS_REMOVED = "labels removed"
LICENSES_ASSIGNED = "licenses assigned"
LICENSES_REMOVED = "licenses removed"
LISTENERS_CREATED = "listeners created"
LISTENERS_REPLACED = "listeners replaced"
LISTENERS_DELETED = "listeners deleted"
DEVICES_DELETED = "devices DELETED"

KINDS: tuple[str, ...] = (
    DEVICES_DELETED,
    LABELS_SET,
    LABELS_CHANGED,
    LABELS_REMOVED,
    LICENSES_ASSIGNED,
    LICENSES_REMOVED,
    LISTENERS_CREATED,
    LISTENERS_REPLACED,
    LISTENERS_DELETED,
)
"""Change kinds in the order a summary shows them: irreversible first."""

EXACT, AT_MOST, AT_LEAST = "", "at most", "at least"


@dataclass(frozen=True)
class KeyChange:
    """One kind of change on one resource: how many keys, and (some of) which, sorted."""

    kind: str
    count: int
    keys: tuple[str, ...] = ()


@dataclass(frozen=True)
class Requests:
    """ThingSpace write requests, per purpose; ``bound`` says whether the count is exact or a bound."""

    parts: tuple[tuple[str, int], ...] = ()
    bound: str = EXACT

    @property
    def count(self) -> int:
        """All requests."""
        return sum(n for _, n in self.parts)

    def __add__(self, other: Requests) -> Requests:
        merged: dict[str, int] = dict(self.parts)
        for purpose, n in other.parts:
            merged[purpose] = merged.get(purpose, 0) + n
        return Requests(tuple(merged.items()), combine_bounds((self.bound, other.bound)))


def combine_bounds(bounds: Iterable[str]) -> str:
    """The bound of a sum: exact only if every part is; mixed directions give ``about``."""
    kinds = {b for b in bounds if b != EXACT}
    if not kinds:
        return EXACT
    return kinds.pop() if len(kinds) == 1 else "about"


@dataclass(frozen=True)
class ResourceReview:
    """The ThingSpace effect of one resource step."""

    name: str
    kind: str
    op: str
    account: str | None = None
    changes: tuple[KeyChange, ...] = ()
    requests: Requests = field(default_factory=Requests)
    notes: tuple[str, ...] = ()

    def count(self, kind: str) -> int:
        """Keys changed of ``kind`` on this resource."""
        return sum(c.count for c in self.changes if c.kind == kind)


@dataclass(frozen=True)
class Review:
    """Every resource the preview changes, and the preview's own errors."""

    resources: tuple[ResourceReview, ...]
    stack: str | None = None
    errors: tuple[str, ...] = ()
    license_chunk_size: int = 0

    def total(self, kind: str) -> int:
        """Keys changed of ``kind`` over all resources."""
        return sum(r.count(kind) for r in self.resources)

    @property
    def requests(self) -> Requests:
        """All ThingSpace write requests of the change."""
        total = Requests()
        for r in self.resources:
            total = total + r.requests
        return total

    @property
    def devices_deleted(self) -> int:
        """Devices the change deletes (irreversibly)."""
        return self.total(DEVICES_DELETED)
