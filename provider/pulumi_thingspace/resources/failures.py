"""The one error a resource raises when some devices could not be changed."""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import UserError


class DeviceFailuresError(UserError):
    """Raised after everything that could be applied was applied; names every failed device."""

    def __init__(self, resource: str, action: str, failures: Iterable[tuple[str, str]], total: int) -> None:
        self.failures = sorted(set(failures))
        lines = "\n".join(f"  - {device}: {reason or 'no reason given'}" for device, reason in self.failures)
        super().__init__(
            f"{resource}: {action} failed for {len(self.failures)} of {total} devices "
            f"(everything else was applied; fix these and run `pulumi up` again):\n{lines}"
        )
