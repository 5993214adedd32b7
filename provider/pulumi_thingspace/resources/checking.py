"""Generic check and diff for args models, including unknown values during preview."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, DiffResult
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pydantic import ValidationError

from ..models.resources import ResourceArgs
from .base import own


def contains_unknown(value: Any) -> bool:
    """True when ``value`` is, or holds, a value not known until apply time."""
    # Exact type checks first: this runs over every label of sets with 100,000 of them.
    kind = type(value)
    if kind is str:
        return bool(value == rpc.UNKNOWN)
    if kind is dict:
        return any(map(contains_unknown, value.values()))
    if kind is list or kind is tuple:
        return any(map(contains_unknown, value))
    if value is None or kind in (bool, int, float):
        return False
    return isinstance(value, Unknown) or (isinstance(value, str) and value == rpc.UNKNOWN)


def _reason(err: Any) -> tuple[str, str, str]:
    """``(property, path inside it or "", message)`` of one pydantic error."""
    loc = [str(p) for p in err.get("loc", ())]
    prop = loc[0] if loc else ""
    path = prop + "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in loc[1:]) if loc[1:] else ""
    msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ").removeprefix(f"{prop}: ")
    if not prop and ": " in msg:
        # A model-level rule that names its field, or a path inside it such as "labels[3]".
        named, msg = msg.split(": ", 1)
        prop = re.split(r"[\[.]", named, maxsplit=1)[0]
        path = named if named != prop else ""
    return prop, path, msg


def check_inputs(model: type[ResourceArgs], news: dict[str, Any]) -> CheckResult:
    """Validate ``news`` with ``model``; return canonical inputs or one failure per property.

    The engine prints a property failure as "property P value V has a problem: REASON", V being the
    whole input value. So a failure inside a device set (``labels[3].device_id``) is reported on the
    resource with its path instead: a set of 100,000 labels is never printed, and no field is named
    twice.
    """
    raw = own(news)
    try:
        # Known inputs (every up, most previews) validate at once; only a failure looks for unknowns.
        return CheckResult(model.model_validate(raw).checked(), [])
    except ValidationError:
        pass
    unknown = {k for k, v in raw.items() if contains_unknown(v)}
    known = {k: v for k, v in raw.items() if k not in unknown}
    try:
        args = model.model_validate(known)
    except ValidationError as exc:
        failures: dict[str, list[str]] = {}
        for err in exc.errors():
            prop, path, msg = _reason(err)
            if prop in unknown or (unknown and err.get("type") == "missing"):
                continue  # decided once the value is known
            if not prop:
                prop = next(iter(model.model_fields))
            key = "" if path else prop
            failures.setdefault(key, []).append(f"{path}: {msg}" if path else msg)
        return CheckResult(raw, [CheckFailure(p, "; ".join(r)) for p, r in failures.items()])
    checked = args.checked()
    checked.update({k: raw[k] for k in unknown})
    return CheckResult(checked, [])


def failure_input(failure: CheckFailure) -> str:
    """The input a failure concerns: its property, or the root of the path its reason starts with."""
    return failure.property or re.split(r"[\[.: ]", failure.reason, maxsplit=1)[0]


def diff_inputs(
    model: type[ResourceArgs],
    olds: dict[str, Any],
    news: dict[str, Any],
    *,
    delete_before_replace: bool = False,
    skip: Iterable[str] = (),
    also_changed: Iterable[str] = (),
) -> DiffResult:
    """Compare only the resource's own inputs (but ``skip``); say which changes force a replacement.

    ``delete_before_replace=True`` is sent with every answer, not only with a replacement this diff
    asks for: the engine also uses it for replacements it decides itself (``pulumi up --replace``).
    """
    skipped = set(skip)
    changed: list[str] = list(also_changed)
    for name, field in model.model_fields.items():
        if name in skipped:
            continue
        default = None if field.is_required() else field.get_default(call_default_factory=True)
        # An unknown new value never equals a recorded one, so no walk for unknowns is needed.
        if not _equal(olds.get(name, default), news.get(name, default)):
            changed.append(name)
    replace_fields = set(model.replace_fields())
    replaces = [n for n in changed if n in replace_fields]
    return DiffResult(
        changes=bool(changed),
        replaces=replaces,
        delete_before_replace=True if delete_before_replace else None,
    )


def _equal(old: Any, new: Any) -> bool:
    """Equal as the engine means it, without copying: numbers as numbers (3 == 3.0), tuples as lists."""
    if old == new:
        return True
    if isinstance(old, (list, tuple)) and isinstance(new, (list, tuple)):
        return len(old) == len(new) and all(map(_equal, old, new))
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(_equal(v, new[k]) for k, v in old.items())
    return False
