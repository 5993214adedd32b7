"""The errors a resource raises when some devices could not be changed, and what that left applied."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..errors import UserError

APPLIED = "everything else was applied; fix these and run `pulumi up` again"
"""What a failed change that recorded its outcome left behind (the default note)."""

REFRESH_NEXT = (
    "everything else was applied, but a failed change records nothing, so the stack may not match the "
    "devices: fix these and run `pulumi up --refresh` next"
)
"""What a failed label update or delete left behind: only a refresh brings the stack up to date."""


def device_lines(failures: Iterable[tuple[str, str]]) -> str:
    """One ``  - <device>: <reason>`` line per failure."""
    return "\n".join(f"  - {device}: {reason or 'no reason given'}" for device, reason in failures)


class DeviceFailuresError(UserError):
    """Raised after everything that could be applied was applied; names every failed device.

    ``note`` says what the failure left behind and what to do; ``tail`` follows the device list.
    """

    def __init__(
        self,
        resource: str,
        action: str,
        failures: Iterable[tuple[str, str]],
        total: int,
        *,
        note: str = APPLIED,
        tail: str = "",
    ) -> None:
        self.failures = sorted(set(failures))
        self.done: tuple[frozenset[str], frozenset[str]] | None = None
        """Keys whose removal and whose setting ThingSpace confirmed, when results were read."""
        self.outs: dict[str, Any] | None = None
        """The outputs that describe what the devices now hold, when known. The dynamic provider can
        only report them (the engine records nothing of a failed update); the plugin records them, so
        the next ``up`` retries exactly what failed."""
        super().__init__(
            f"{resource}: {action} failed for {len(self.failures)} of {total} devices "
            f"({note}):\n{device_lines(self.failures)}{tail}"
        )


class StoppedChangeError(UserError):
    """A change stopped by a failed request (or unreadable results): the cause, then what it left behind."""

    def __init__(
        self,
        resource: str,
        cause: Exception,
        note: str,
        failures: Iterable[tuple[str, str]] = (),
        tail: str = "",
    ) -> None:
        self.cause = cause
        self.failures = sorted(set(failures))
        listed = ""
        if self.failures:
            listed = f"\nDevices ThingSpace reported as failed:\n{device_lines(self.failures)}"
        super().__init__(f"{resource}: {cause}\n{note[:1].upper()}{note[1:]}.{listed}{tail}")


@dataclass(frozen=True)
class Undone:
    """What undoing a failed create did: how much it had applied, and what stayed applied and why."""

    noun: str
    """``labels`` or ``licenses``."""
    applied: int
    """Items the failed create had applied (as far as ThingSpace's answers tell), all sent for removal."""
    stayed: list[tuple[str, str]] = field(default_factory=list)
    """``(item, why)`` of every item that may still be applied: its removal failed or was not confirmed."""
    why: str = ""
    """What stopped the undo itself, e.g. a rejected removal request ("" when nothing did)."""
    unverified: str = ""
    """Why the removal's outcome cannot be known, e.g. no callback sink ("" when it was verified)."""
    how_to_remove: str = ""
    """How a user removes what stayed applied, as a sentence."""
    verb: str = "applied"
    """What the create did to an item: ``applied`` (labels) or ``assigned`` (licenses)."""

    def note(self, fix: str = "fix these") -> str:
        """What the undo left behind, then what to do next."""
        again = f"{fix} and run `pulumi up` again"
        applied = f"{self.applied:,} {self.noun if self.applied != 1 else self.noun[:-1]}"
        if self.stayed:
            return (
                f"the create was undone only in part: {len(self.stayed):,} of the {applied} it had "
                f"{self.verb} may still be {self.verb}, owned by no stack (listed below); {again}"
            )
        if not self.applied:
            return f"the create was undone: nothing had been {self.verb}, so nothing stayed; {again}"
        if self.unverified:
            return (
                f"the create was undone: ThingSpace accepted the removal of the {applied} it had "
                f"{self.verb} (not verified: {self.unverified}), so nothing should stay {self.verb}; {again}"
            )
        were = "was" if self.applied == 1 else "were"
        return (
            f"the create was undone: the {applied} it had {self.verb} {were} removed again, so nothing "
            f"stayed {self.verb}; {again}"
        )

    def tail(self) -> str:
        """The list of what may still be applied and how to remove it ("" when nothing stayed)."""
        if not self.stayed:
            return ""
        head = f"{self.noun.capitalize()} that may still be {self.verb} ({len(self.stayed):,})"
        why = f"The undo stopped: {self.why}\n" if self.why else ""
        return f"\n{why}{head}. {self.how_to_remove}:\n{device_lines(sorted(self.stayed))}"
