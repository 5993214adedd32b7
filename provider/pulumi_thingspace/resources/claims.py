"""Which resource put a label or a license in place, so that another resource's delete keeps it.

The engine runs one provider process per deployment. When it replaces a resource create-before-delete
(`pulumi up --replace`, or a resource renamed without an alias), the new resource sets its labels or
assigns its licenses first, and the old one's delete would then take them away although the program
still declares them. Every set or assignment is therefore recorded with the id of the resource that
made it, and a removal skips what another resource of this process still holds. A resource's own
removals release its records first, so an update or a destroy still removes what only it declared.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

Item = tuple[str, ...]


class Claims:
    """Thread-safe records of ``item -> ids of the resources that put it in place``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[Item, set[str]] = {}

    def claim(self, owner: str, items: Iterable[Item]) -> None:
        """Record ``items`` as put in place by resource ``owner``."""
        with self._lock:
            for item in items:
                self._owners.setdefault(item, set()).add(owner)

    def release(self, owner: str, items: Iterable[Item]) -> list[Item]:
        """Drop ``owner``'s records of ``items``; return the items another resource still holds."""
        kept = []
        with self._lock:
            for item in items:
                holders = self._owners.get(item)
                if holders is None:
                    continue
                holders.discard(owner)
                if holders:
                    kept.append(item)
                else:
                    del self._owners[item]
        return kept

    def clear(self) -> None:
        """Forget every record (for tests that run many unrelated resources in one process)."""
        with self._lock:
            self._owners.clear()


LABELS = Claims()
"""``(account, "<eid>/<name>", value)`` per resource id."""

LICENSES = Claims()
"""``(account, imei)`` per resource id."""
