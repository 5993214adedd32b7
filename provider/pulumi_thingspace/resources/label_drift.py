"""Refresh of the label resources: the recorded labels, corrected by the callback sink's label ledger.

Labels are write-only in ThingSpace, but the sink sees the result of every label request on the
account, whichever tool sent it. A label the ledger reports with another value takes that value; a
label the ledger reports removed is dropped; a label the ledger never saw keeps its recorded value. So
``pulumi refresh`` shows labels changed outside Pulumi, and the next ``pulumi up`` sets them back
through the usual update delta. Without a sink, refresh returns the recorded state unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..models.compact import label_line
from .base import ThingSpaceProvider, notify


@dataclass(frozen=True)
class Drift:
    """How the ledger differs from the recorded labels (only built when it does)."""

    changed: dict[str, str]
    """Recorded labels the ledger reports with another value: key -> the ledger's value."""
    removed: frozenset[str]
    """Recorded labels the ledger reports removed."""

    @property
    def keys(self) -> frozenset[str]:
        """Every drifted key."""
        return self.removed.union(self.changed)

    def apply(self, recorded: Mapping[str, str]) -> dict[str, str]:
        """``recorded`` with changed values replaced and removed labels dropped (order kept)."""
        changed, removed = self.changed, self.removed
        return {k: changed.get(k, v) for k, v in recorded.items() if k not in removed}

    def lines(self, lines: Iterable[str], keys: Iterable[str]) -> list[str]:
        """Canonical label ``lines`` (with their ``keys``, in the same order) corrected: a changed label's
        line rewritten, a removed label's line dropped. Keys keep their order, so the text stays sorted."""
        changed, removed = self.changed, self.removed
        out = []
        for line, key in zip(lines, keys, strict=True):
            if key in changed:
                device_id, _, name = key.partition("/")
                out.append(label_line(device_id, name, changed[key]))
            elif key not in removed:
                out.append(line)
        return out


def ledger_drift(
    provider: ThingSpaceProvider, what: str, id_: str, account: object, recorded: Mapping[str, str]
) -> Drift | None:
    """Ask the sink's ledger about ``recorded`` (one request); None without a sink or without drift.

    Says once per call how many labels the ledger never saw (they keep their recorded values). A sink
    without a ledger (an older sink, another listener) is said once per process and changes nothing.
    """
    ledger = provider.ledger()
    if ledger is None or not recorded or not isinstance(account, str):
        return None
    from ..ledger import LedgerUnsupported

    try:
        answer = ledger.lookup(account, list(recorded))
    except LedgerUnsupported as exc:
        notify(f"warning: {exc}: refresh keeps the recorded labels", once_key="ledger-unsupported")
        return None
    finally:
        ledger.close()
    if answer.unseen:
        notify(
            f"{what} {id_}: {answer.unseen} of {len(recorded)} label(s) were never reported to the callback "
            "sink's ledger, so refresh keeps their recorded values"
        )
    changed = {k: v for k, v in answer.set.items() if k in recorded and recorded[k] != v}
    removed = frozenset(k for k in answer.removed if k in recorded)
    return Drift(changed, removed) if changed or removed else None
