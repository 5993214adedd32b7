"""Errors raised by the offline engine harness.

They carry what a test needs to assert on (resource name, property failures, the provider's own
message) and keep their ``str()`` short: no harness or Pulumi runtime traceback is attached.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CheckFailedError",
    "HarnessError",
    "ProviderOperationError",
    "ProviderServerError",
    "final_exception_message",
]


class HarnessError(Exception):
    """Base class of every error raised by :mod:`pulumi_thingspace.testing`."""


class ProviderServerError(HarnessError):
    """The dynamic provider server could not be started, configured or reached."""


class CheckFailedError(HarnessError):
    """The provider's ``check`` rejected a resource's inputs, as ``pulumi preview``/``up`` would report.

    Attributes:
        resource_name: Logical name of the resource in the program.
        resource_type: Its type token, e.g. ``pulumi-python:dynamic/labels:DeviceLabel``.
        failures: Every ``(property, reason)`` pair the provider returned, in the provider's order.
    """

    def __init__(self, resource_name: str, resource_type: str, failures: Sequence[tuple[str, str]]) -> None:
        self.resource_name = resource_name
        self.resource_type = resource_type
        self.failures: list[tuple[str, str]] = list(failures)
        lines = [f"  - {prop or '<resource>'}: {reason}" for prop, reason in self.failures]
        super().__init__(
            f"check failed for resource '{resource_name}' ({resource_type}):\n" + "\n".join(lines)
        )

    @property
    def properties(self) -> list[str]:
        """The property names that failed, in the provider's order."""
        return [prop for prop, _ in self.failures]


class ProviderOperationError(HarnessError):
    """A provider operation (Check, Diff, Create, Update, Delete, Read) raised or the call failed.

    Attributes:
        resource_name: Logical name of the resource the operation was for.
        operation: The gRPC method, e.g. ``"Create"``.
        message: The provider's exception line(s), e.g. ``"RuntimeError: device not found"``.
        details: The full details the server sent (for ``UNKNOWN`` errors, the provider's traceback).
        code: Name of the gRPC status code, ``"UNKNOWN"`` when the provider method raised.
    """

    def __init__(self, resource_name: str, operation: str, details: str, code: str = "UNKNOWN") -> None:
        self.resource_name = resource_name
        self.operation = operation
        self.details = details
        self.code = code
        if code == "UNKNOWN":
            self.message = final_exception_message(details)
        else:
            self.message = f"{code}: {details.strip()}"
        super().__init__(f"{operation} failed for resource '{resource_name}': {self.message}")


def final_exception_message(details: str) -> str:
    """Return the final exception line(s) of a Python traceback, or ``details`` if it is not one.

    The dynamic provider server aborts a failed call with ``traceback.format_exc()``; the exception
    text is everything after the last indented frame line of the last traceback in it.
    """
    lines = details.rstrip().splitlines()
    if not any(line.startswith("Traceback (most recent call last)") for line in lines):
        return details.strip()
    # The message starts after the last frame's indented source lines; its own lines may be indented.
    start = max((i for i, line in enumerate(lines) if line.startswith('  File "')), default=-1) + 1
    while start < len(lines) and lines[start].startswith((" ", "\t")):
        start += 1
    tail = [line for line in lines[start:] if line.strip()]
    return "\n".join(tail) if tail else details.strip()
