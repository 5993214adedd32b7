"""What the harness records: the stack's resource state and the steps of each run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from .values import without_provider

__all__ = ["ResourceState", "StepOp", "StepRecord"]

StepOp = Literal["create", "update", "replace", "same", "delete", "read", "refresh-delete"]
"""Kinds of step: the first five as in ``pulumi preview``; ``read`` is a Read call (``refresh`` or
``Resource.get``); ``refresh-delete`` is a resource that ``refresh`` found gone and dropped."""


@dataclass(frozen=True)
class StepRecord:
    """One step of a run, in the order the harness performed it.

    Attributes:
        op: The kind of step.
        urn: The resource's URN.
        name: The resource's logical name.
        delete_before_replace: For ``replace``: True if the old resource was deleted before the new
            one was created; False if the new one was created first and the old one deleted at the end
            of the run (the engine's default).
    """

    op: StepOp
    urn: str
    name: str
    delete_before_replace: bool = False


@dataclass
class ResourceState:
    """The engine's state of one dynamic resource, as ``pulumi stack export`` would hold it.

    ``inputs`` and ``outputs`` are plain values (secrets unwrapped; numbers are floats, as after any
    trip through the engine) and include ``__provider``; ``secret_outputs`` names the outputs the
    engine would store encrypted.
    """

    urn: str
    name: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    secret_outputs: frozenset[str] = field(default_factory=frozenset)
    external: bool = False

    def public_outputs(self) -> dict[str, Any]:
        """Outputs without ``__provider`` (a copy)."""
        return without_provider(self.outputs)
