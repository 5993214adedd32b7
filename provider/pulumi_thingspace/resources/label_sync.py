"""Label changes shared by both label resources: plan the difference, send it, verify the outcome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, NoReturn

from ..client.errors import ThingSpaceError
from ..errors import UserError
from ..models.resources import LabelsState
from . import label_undo
from .base import ThingSpaceProvider, notify
from .claims import LABELS
from .conflicts import ensure_unclaimed
from .failures import REFRESH_NEXT, DeviceFailuresError, StoppedChangeError
from .label_lines import outcomes, to_labels

if TYPE_CHECKING:
    pass

UNVERIFIED_HINT = (
    "label outcomes are not verified: ThingSpace reports per-device results only to a callback listener. "
    "Set thingspace:callbackResultsUrl and thingspace:callbackResultsToken to wait for them."
)


@dataclass(frozen=True)
class LabelPlan:
    """Label pairs to remove and to set, each as ``{"<eid>/<name>": value}``."""

    remove: dict[str, str]
    set: dict[str, str]

    @classmethod
    def between(cls, old: dict[str, str], new: dict[str, str]) -> LabelPlan:
        """Dropped pairs and the old pair of a changed value are removed; added and changed ones set."""
        remove = {k: v for k, v in old.items() if new.get(k) != v}
        put = {k: v for k, v in new.items() if old.get(k) != v}
        return cls(remove, put)


def apply_labels(
    provider: ThingSpaceProvider,
    what: str,
    account: str,
    plan: LabelPlan,
    owner: str,
    *,
    create: bool = False,
) -> LabelsState:
    """Remove then set for resource ``owner``; wait for callback results when configured; raise naming
    every failed device. A pair that another resource of this process set is not removed (see
    :mod:`.claims`). A failed ``create`` (a plan that only sets) is undone before it raises: the engine
    records no resource for it, so nothing could remove its labels later (see :mod:`.label_undo`).
    """
    ensure_unclaimed(owner, account, plan.set)  # another resource giving a label another value
    client = provider.client
    kept = LABELS.release(owner, account, plan.remove)
    if kept:
        plan = LabelPlan({k: v for k, v in plan.remove.items() if k not in kept}, plan.set)
    LABELS.claim(owner, account, plan.set)
    resource = f"{what} in account {account}"
    undo = partial(label_undo.undo_create, provider, resource, account, owner, plan.set) if create else None
    request_ids: list[str] = []
    try:
        if plan.remove:
            request_ids += client.remove_labels(account, to_labels(plan.remove))
        if plan.set:
            request_ids += client.set_labels(account, to_labels(plan.set))
    except ThingSpaceError as exc:
        accepted = request_ids + [str(rid) for rid in exc.sent_before]
        if undo:
            undo(accepted=accepted, sent=exc.sent_count, cause=exc)
        raise_stopped(resource, exc, accepted)
    results = provider.results()
    if results is None or not request_ids:
        if request_ids:
            notify(UNVERIFIED_HINT, once_key="unverified")
        return LabelsState(request_ids=request_ids)
    expected = [(k, "remove") for k in plan.remove] + [(k, "set") for k in plan.set]
    try:
        reported = results.wait(request_ids)
    except UserError as exc:  # the sink could not be read, or results did not arrive in time
        if undo:
            completed = getattr(exc, "completed", {})  # a timeout keeps the results that did arrive
            undo(accepted=request_ids, reported=completed, cause=exc)
        raise_stopped(resource, exc, request_ids)
    finally:
        results.close()
    outcome, missing = outcomes(reported)
    failures = []
    for key, action in expected:
        ok, description = outcome.get((key, action), (False, missing))
        if not ok:
            failures.append((f"{key} ({action})", description))
    if failures:
        if undo:
            undo(accepted=request_ids, reported=reported, failures=failures)
        error = DeviceFailuresError(resource, "label change", failures, len(expected), note=REFRESH_NEXT)
        confirmed = {(k, a) for (k, a), (ok, _) in outcome.items() if ok}
        error.done = (
            frozenset(k for k in plan.remove if (k, "remove") in confirmed),
            frozenset(k for k in plan.set if (k, "set") in confirmed),
        )
        raise error
    return LabelsState(request_ids=request_ids, results=dict.fromkeys(plan.set, "Success"), verified=True)


def raise_stopped(resource: str, cause: UserError, accepted: Sequence[str]) -> NoReturn:
    """Raise the error of a change that a request or its results stopped; when ThingSpace had accepted
    some of its requests, say that the stack may not match the devices and the next run should refresh."""
    if not accepted:
        raise cause
    note = (
        f"ThingSpace had accepted {len(accepted)} request(s) of this change before it stopped, but a failed "
        "change records nothing, so the stack may not match the devices: fix the cause and run "
        "`pulumi up --refresh` next"
    )
    raise StoppedChangeError(resource, cause, note) from cause
