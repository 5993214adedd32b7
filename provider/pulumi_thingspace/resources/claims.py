"""Which resource put a label or a license in place, so that another resource's delete keeps it.

The engine runs one provider process per deployment. When it replaces a resource create-before-delete
(`pulumi up --replace`, or a resource renamed without an alias), the new resource sets its labels or
assigns its licenses first, and the old one's delete would then take them away although the program
still declares them. Every set or assignment is therefore recorded with the id of the resource that
made it, and a removal skips what another resource of this process still holds. A resource's own
removals release its records first, so an update or a destroy still removes what only it declared.

Records are the resources' own maps (``{"<eid>/<name>": value}``, ``{imei: True}``), kept by
reference: claiming 100,000 labels copies nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import NamedTuple

_ABSENT = object()


class Conflict(NamedTuple):
    """One key that two resources hold at different values."""

    key: str
    value: object
    """The value the resource asking holds or wants."""
    other: str
    """The other resource (its URN, or its id)."""
    other_value: object


def first_conflict(
    owner: str, entries: Mapping[str, object], others: Mapping[str, Mapping[str, object]], wildcard: object
) -> Conflict | None:
    """The first key of ``entries`` that another owner in ``others`` holds at a different value.

    Each pair of maps is compared by walking the smaller one, so a large set costs nothing beside a
    small one. A ``wildcard`` value (an unknown during preview) differs from nothing.
    """
    for other, held in others.items():
        if other == owner or not held:
            continue
        walk, probe = (entries, held) if len(entries) <= len(held) else (held, entries)
        for key in walk:
            if key in probe:
                mine, theirs = entries[key], held[key]
                if mine != theirs and wildcard not in (mine, theirs):
                    return Conflict(key, mine, other, theirs)
    return None


class Claims:
    """Thread-safe records of ``resource id -> account -> {key: value}`` put in place by this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[str, dict[str, Mapping[str, object]]] = {}

    def claim(self, owner: str, account: str, entries: Mapping[str, object]) -> None:
        """Record ``entries`` as put in place in ``account`` by resource ``owner``."""
        if not entries:
            return
        with self._lock:
            accounts = self._owners.setdefault(owner, {})
            held = accounts.get(account)
            accounts[account] = entries if held is None else {**held, **entries}

    def release(self, owner: str, account: str, entries: Mapping[str, object]) -> set[str]:
        """Drop ``owner``'s records of ``entries``; return the keys another resource holds at that value."""
        if not entries:
            return set()
        with self._lock:
            accounts = self._owners.get(owner, {})
            mine = accounts.get(account)
            if mine is not None:
                rest = {k: v for k, v in mine.items() if entries.get(k, _ABSENT) != v}
                if rest:
                    accounts[account] = rest
                else:
                    del accounts[account]
            others = [held[account] for o, held in self._owners.items() if o != owner and account in held]
        if not others:
            return set()
        return {k for k, v in entries.items() if any(m.get(k, _ABSENT) == v for m in others)}

    def conflict(self, owner: str, account: str, entries: Mapping[str, object]) -> Conflict | None:
        """The first key of ``entries`` another resource of this process put in place at another value."""
        if not entries:
            return None
        with self._lock:
            held = {o: accounts[account] for o, accounts in self._owners.items() if account in accounts}
            return first_conflict(owner, entries, held, _ABSENT)

    def clear(self) -> None:
        """Forget every record (for tests that run many unrelated resources in one process)."""
        with self._lock:
            self._owners.clear()


LABELS = Claims()
"""``{"<eid>/<name>": value}`` per resource id and account."""

LICENSES = Claims()
"""``{imei: True}`` per resource id and account."""
