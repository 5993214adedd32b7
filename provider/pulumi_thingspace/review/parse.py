"""Read ``pulumi preview --json`` output into :class:`Preview` and :class:`Step` records.

Only what a review needs is kept: each step's operation, resource type and name, old inputs and outputs,
new inputs, protection and replace reasons, plus the preview's config and error diagnostics. Anything
that is not preview JSON is rejected with a :class:`ReviewInputError` naming the field and the rule.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pulumi.runtime.rpc import UNKNOWN as _UNKNOWN

from .kinds import kind_of, snake_props

UNKNOWN: str = _UNKNOWN
"""The sentinel a preview shows for a value known only after ``pulumi up``."""

SECRET = "[secret]"
"""What ``pulumi preview --json`` shows instead of a secret value."""

STEP_OPS = frozenset(
    {
        "same",
        "create",
        "update",
        "replace",
        "delete",
        "create-replacement",
        "delete-replaced",
        "read",
        "read-replacement",
        "refresh",
        "read-discard",
        "discard-replaced",
        "remove-pending-replace",
        "import",
        "import-replacement",
    }
)
"""Every step operation the Pulumi engine reports (``display.StepOp``)."""


class ReviewInputError(ValueError):
    """The input is not usable preview JSON; the message names the field and the rule."""


@dataclass(frozen=True)
class Step:
    """One resource step of a preview."""

    path: str
    op: str
    urn: str
    type: str
    old_inputs: Mapping[str, Any] = field(default_factory=dict)
    old_outputs: Mapping[str, Any] = field(default_factory=dict)
    new_inputs: Mapping[str, Any] = field(default_factory=dict)
    protect: bool = False
    replace_reasons: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The resource's name: the last URN segment."""
        return self.urn.rsplit("::", 1)[-1]

    @property
    def kind(self) -> str | None:
        """``DeviceRetirement`` etc. for this package's resources, else None."""
        return kind_of(self.type)


@dataclass(frozen=True)
class Preview:
    """The steps, stack config and errors of one ``pulumi preview --json`` run."""

    steps: tuple[Step, ...]
    config: Mapping[str, Any] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def stack(self) -> str | None:
        """The stack name, from the first step's URN (``urn:pulumi:<stack>::<project>::...``)."""
        for step in self.steps:
            head = step.urn.split("::", 1)[0]
            if head.startswith("urn:pulumi:"):
                return head[len("urn:pulumi:") :]
        return None


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ReviewInputError(f"{where}: must be an object, got {type(value).__name__}")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ReviewInputError(f"{where}: must be a non-empty string")
    return value


def parse_step(raw: Any, path: str) -> Step:
    """One entry of ``steps``; raise :class:`ReviewInputError` naming the bad field."""
    step = _object(raw, path)
    op = _string(step.get("op"), f"{path}.op")
    if op not in STEP_OPS:
        raise ReviewInputError(
            f"{path}.op: unknown operation {op!r}; expected one of {', '.join(sorted(STEP_OPS))}"
        )
    urn = _string(step.get("urn"), f"{path}.urn")
    old = _object(step.get("oldState"), f"{path}.oldState")
    new = _object(step.get("newState"), f"{path}.newState")
    state = new or old
    parts = urn.split("::")
    type_ = state.get("type") or (parts[2].rsplit("$", 1)[-1] if len(parts) >= 4 else None)
    reasons = step.get("replaceReasons") or []
    if not isinstance(reasons, list) or not all(isinstance(r, str) for r in reasons):
        raise ReviewInputError(f"{path}.replaceReasons: must be a list of property names")
    return Step(
        path=path,
        op=op,
        urn=urn,
        type=_string(type_, f"{path}.newState.type"),
        old_inputs=snake_props(type_, _object(old.get("inputs"), f"{path}.oldState.inputs")),
        old_outputs=snake_props(type_, _object(old.get("outputs"), f"{path}.oldState.outputs")),
        new_inputs=snake_props(type_, _object(new.get("inputs"), f"{path}.newState.inputs")),
        protect=bool(state.get("protect")),
        replace_reasons=tuple(reasons),
    )


def _errors(diagnostics: Any) -> tuple[str, ...]:
    if not isinstance(diagnostics, list):
        return ()
    return tuple(
        str(d.get("message", "")).strip()
        for d in diagnostics
        if isinstance(d, Mapping) and d.get("severity") == "error" and str(d.get("message", "")).strip()
    )


def parse_preview(text: str) -> Preview:
    """Parse the text ``pulumi preview --json`` wrote; raise :class:`ReviewInputError` on anything else."""
    if not text.strip():
        raise ReviewInputError(
            "input: empty; pass the output of `pulumi preview --json` as a file or on stdin"
        )
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise ReviewInputError(
            f"input: not JSON (line {err.lineno}, column {err.colno}: {err.msg}); "
            "pass the output of `pulumi preview --json`"
        ) from None
    top = _object(data, "input")
    if "steps" not in top:
        raise ReviewInputError(
            "steps: missing; the input is not `pulumi preview --json` output "
            "(was --json given, and did the preview start?)"
        )
    raw_steps = top["steps"]
    if not isinstance(raw_steps, list):
        raise ReviewInputError(f"steps: must be a list, got {type(raw_steps).__name__}")
    steps = tuple(parse_step(raw, f"steps[{i}]") for i, raw in enumerate(raw_steps))
    return Preview(
        steps=steps, config=_object(top.get("config"), "config"), errors=_errors(top.get("diagnostics"))
    )
