"""What one run of the program reports, however it was run (``pulumi up`` or the offline harness)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

PAST = {
    "create": "created",
    "update": "updated",
    "replace": "replaced",
    "delete": "deleted",
    "same": "unchanged",
    "read": "read",
    "refresh-delete": "dropped",
}
SYMBOL = {"create": "+", "update": "~", "replace": "+-", "delete": "-", "same": "="}


class DemoError(Exception):
    """The program could not be run; the message says what failed."""


@dataclass
class RunResult:
    """Outcome of one ``up``."""

    lines: list[str]
    """What changed, one line per resource (or the CLI's own lines), ready to print."""
    summary: str
    """E.g. ``4 created`` or ``4 unchanged``."""
    changed: bool
    """True when any resource was not ``same``."""
    exports: dict[str, Any] = field(default_factory=dict)
    """Stack outputs, secrets in plain text (never printed)."""


class Runner(Protocol):
    """Runs the program once per call, keeping the stack's state between calls."""

    description: str

    def preview(self) -> list[str]:
        """What the first ``up`` will do, one line per change (the CLI's own ``--diff`` text)."""
        ...

    def up(self, expect_no_changes: bool = False) -> RunResult:
        """Apply the program; ``expect_no_changes`` makes any change a failed run where supported."""
        ...

    def destroy(self) -> RunResult:
        """Delete what the program created, protected resources aside."""
        ...

    def close(self) -> None:
        """Release what the runner started."""
        ...


def step_line(op: str, type_name: str, name: str) -> str:
    """``  + create    CallbackListener          carrier-callbacks``."""
    return f"  {SYMBOL.get(op, ' '):<2} {op:<8} {type_name:<24} {name}"


def summarize(ops: Iterable[str]) -> str:
    """``2 created, 1 unchanged`` in a stable order."""
    counts = Counter(ops)
    order = [op for op in PAST if counts[op]]
    return ", ".join(f"{counts[op]} {PAST[op]}" for op in order) or "no resources"
