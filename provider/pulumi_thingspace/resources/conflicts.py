"""Two resources of one program that give one (device, label name) two values.

ThingSpace keeps one value per device and label name. If two resources set it to different values, the
last writer wins and the other resource's state is silently wrong. The engine checks every resource of
the program in every preview and update, in one provider process per deployment, so each label
resource declares its labels in ``check`` under its URN (:func:`declare`) and the second one fails
there, naming both; create and update look again before sending anything (:func:`ensure_unclaimed`).
Outside the SDK's provider server no URN is known: there the labels other resources set in this process
(:mod:`.claims`, by resource id) are compared instead.

Label maps are kept by reference. Sets of at most :data:`SMALL` labels are also indexed by key, so a
program of thousands of one-label resources stays linear; larger sets are compared map against map.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult
from pulumi.runtime import rpc

from ..errors import UserError
from . import claims
from .claims import Conflict, first_conflict
from .engine import current_urn, resource_title

SMALL = 32
"""Declared sets of at most this many labels are indexed by key."""


class LabelConflictError(UserError):
    """Two resources of the program give one device's label two values."""


class Declarations:
    """Thread-safe ``owner -> (account, {key: value})`` with a finder of conflicting values."""

    def __init__(self, wildcard: object = rpc.UNKNOWN) -> None:
        """``wildcard``: a value that conflicts with nothing (an unknown during preview)."""
        self._lock = threading.Lock()
        self._wildcard = wildcard
        self._held: dict[str, tuple[str, Mapping[str, object]]] = {}
        self._small: dict[str, dict[str, dict[str, object]]] = {}  # account -> key -> owner -> value
        self._large: dict[str, dict[str, Mapping[str, object]]] = {}  # account -> owner -> entries

    def declare(self, owner: str, account: str, entries: Mapping[str, object]) -> Conflict | None:
        """Replace what ``owner`` declares with ``entries``; return its first conflict with another owner.

        A conflicting declaration is kept too, so that the other resource fails before it writes.
        """
        with self._lock:
            self._drop(owner)
            found = self._find(owner, account, entries)
            self._held[owner] = (account, entries)
            if len(entries) > SMALL:
                self._large.setdefault(account, {})[owner] = entries
            else:
                index = self._small.setdefault(account, {})
                for key, value in entries.items():
                    index.setdefault(key, {})[owner] = value
        return found

    def conflict(self, owner: str, account: str, entries: Mapping[str, object]) -> Conflict | None:
        """The first key of ``entries`` another owner declares at a different value."""
        if not entries:
            return None
        with self._lock:
            return self._find(owner, account, entries)

    def clear(self) -> None:
        """Forget every declaration (for tests that run many unrelated programs in one process)."""
        with self._lock:
            self._held.clear()
            self._small.clear()
            self._large.clear()

    def _drop(self, owner: str) -> None:
        held = self._held.pop(owner, None)
        if held is None:
            return
        account, entries = held
        if self._large.get(account, {}).pop(owner, None) is not None:
            return
        index = self._small.get(account, {})
        for key in entries:
            holders = index.get(key, {})
            holders.pop(owner, None)
            if not holders:
                index.pop(key, None)

    def _find(self, owner: str, account: str, entries: Mapping[str, object]) -> Conflict | None:
        index = self._small.get(account, {})
        keys = (k for k in index if k in entries) if len(index) < len(entries) else iter(entries)
        for key in keys:
            mine = entries[key]
            for other, theirs in index.get(key, {}).items():
                if other != owner and mine != theirs and self._wildcard not in (mine, theirs):
                    return Conflict(key, mine, other, theirs)
        return first_conflict(owner, entries, self._large.get(account, {}), self._wildcard)


LABELS = Declarations()
"""Labels each label resource declared in ``check``, by URN, in this provider process."""


def describe(owner: str, found: Conflict) -> str:
    """One line naming the key, both values and both resources."""
    return (
        f"label {found.key} is set to {found.value!r} by {resource_title(owner)} and to "
        f"{found.other_value!r} by {resource_title(found.other)}: ThingSpace keeps one value per device "
        "and label name, so declare it in one resource only"
    )


def declare(account: Any, labels: Mapping[str, object]) -> str | None:
    """In ``check``: record the labels of the resource being checked; why they conflict, or None.

    Outside the provider server (no URN) or while the account is unknown nothing is recorded: create
    and update look again.
    """
    urn = current_urn()
    if urn is None or not labels or not isinstance(account, str) or account == rpc.UNKNOWN:
        return None
    found = LABELS.declare(urn, account, labels)
    return describe(urn, found) if found else None


def check_declared(result: CheckResult, labels: Mapping[str, object] | None) -> CheckResult:
    """``result``, failing when its checked ``labels`` (None while unknown) conflict with another resource's.

    The failure names no property, so the engine prints its reason alone, without the whole set.
    """
    if result.failures or labels is None:
        return result
    reason = declare((result.inputs or {}).get("account_name"), labels)
    return CheckResult(result.inputs, [CheckFailure("", reason)]) if reason else result


def ensure_unclaimed(owner_id: str, account: str, labels: Mapping[str, object]) -> None:
    """Before a create or update sends ``labels``: raise when another resource holds one at another value.

    Compares with what other resources declared (by URN) in the provider server, else with what other
    resources of this process set (by resource id).
    """
    if not labels:
        return
    urn = current_urn()
    if urn is not None:
        owner, found = urn, LABELS.conflict(urn, account, labels)
    else:
        owner, found = owner_id, claims.LABELS.conflict(owner_id, account, labels)
    if found:
        raise LabelConflictError(describe(owner, found))
