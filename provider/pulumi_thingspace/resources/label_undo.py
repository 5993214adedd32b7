"""Undo a label-set create that failed part-way, so that no label it applied is left owned by no stack.

The engine records no resource for a failed create, so a label the create did apply could never be
removed by the program: dropping the resource would not delete it. The undo removes the labels whose
set ThingSpace accepted (requests that returned a requestId), less the lines the callback results
reported as failed, in the same 2,000-label chunks as any change, then raises the create's error
saying that nothing stayed applied, or exactly which labels may still be applied and why.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NoReturn

from ..client.errors import ThingSpaceError
from ..errors import UserError
from .base import ThingSpaceProvider, notify
from .claims import LABELS
from .failures import DeviceFailuresError, StoppedChangeError, Undone
from .label_lines import outcomes, to_labels

if TYPE_CHECKING:
    from ..results import LineOutcome

HOW_TO_REMOVE = (
    "To remove them, declare exactly these labels in a UsageSegmentationLabels resource, run `pulumi up`, "
    "then drop that resource and run `pulumi up` again"
)
NO_SINK = "no callback sink is configured, and ThingSpace reports outcomes only there"


def undo_create(
    provider: ThingSpaceProvider,
    resource: str,
    account: str,
    owner: str,
    labels: Mapping[str, str],
    *,
    accepted: Sequence[str],
    sent: int | None = None,
    cause: UserError | None = None,
    reported: Mapping[str, list[LineOutcome]] | None = None,
    failures: Sequence[tuple[str, str]] = (),
) -> NoReturn:
    """Remove what the failed create of ``owner`` applied, release its claims and raise its error.

    ``labels`` is the create's label map. ThingSpace accepted the requests ``accepted``, which carried
    its first ``sent`` labels in key order (all when None); ``reported`` holds the results that arrived
    (None: wait for them now). ``cause`` is the error that stopped the create, or None when the create
    ran to its end and ``failures`` name the devices that failed.
    """
    if cause is not None and not accepted:  # the first request failed: nothing to undo, nothing to say
        LABELS.release(owner, account, labels)
        raise cause
    # A sink that could not be read (or answered too late) in this create is not waited on again.
    sink = _Sink(provider, usable=cause is None or isinstance(cause, ThingSpaceError))
    keys = sorted(labels)  # the order the create sent them in
    sent_keys = keys if sent is None else keys[:sent]
    if reported is None:
        reported, _ = sink.wait(accepted)  # also lets ThingSpace finish the sets before they are undone
    outcome, _ = outcomes(reported)
    set_failed = {k: outcome[(k, "set")][1] for k in sent_keys if not outcome.get((k, "set"), (True, ""))[0]}
    # The resource is never recorded: drop every claim it made, and leave what another resource holds.
    kept = LABELS.release(owner, account, labels)
    remove = {k: labels[k] for k in sent_keys if k not in set_failed and k not in kept}
    undone = _remove(provider, sink, resource, account, remove)
    if cause is None:
        raise DeviceFailuresError(
            resource, "label change", failures, len(labels), note=undone.note(), tail=undone.tail()
        )
    set_failures = [(f"{k} (set)", reason) for k, reason in set_failed.items()]
    note = undone.note("fix the cause")
    raise StoppedChangeError(resource, cause, note, set_failures, undone.tail()) from cause


def _remove(
    provider: ThingSpaceProvider, sink: _Sink, resource: str, account: str, remove: dict[str, str]
) -> Undone:
    """Remove ``remove`` in chunks; what stayed applied, as far as ThingSpace's answers tell."""
    if not remove:
        return Undone("labels", 0)
    notify(f"{resource}: the create failed; removing the label(s) it applied: {len(remove):,}")
    keys = sorted(remove)
    stayed: list[tuple[str, str]] = []
    why = ""
    try:
        request_ids = provider.client.remove_labels(account, to_labels(remove))
        confirm = keys
    except ThingSpaceError as exc:
        request_ids, confirm = [str(rid) for rid in exc.sent_before], keys[: exc.sent_count]
        why = f"a removal request was rejected: {exc}"
        stayed = [(f"{k}={remove[k]}", "its removal request was rejected") for k in keys[exc.sent_count :]]
    reported, unknown = sink.wait(request_ids)
    if sink.problem:
        return Undone("labels", len(remove), stayed, why, sink.problem, HOW_TO_REMOVE)
    outcome, _ = outcomes(reported)
    for key in confirm:
        line = outcome.get((key, "remove"))
        if line is None:
            stayed.append((f"{key}={remove[key]}", f"removal not confirmed: {unknown}"))
        elif not line[0]:
            stayed.append((f"{key}={remove[key]}", f"removal failed: {line[1] or 'no reason given'}"))
    return Undone("labels", len(remove), stayed, why, how_to_remove=HOW_TO_REMOVE)


class _Sink:
    """The create's callback results, read until the sink fails once (then the outcome is unverified)."""

    def __init__(self, provider: ThingSpaceProvider, usable: bool) -> None:
        self.provider = provider
        self.problem = "" if usable else "the callback results of the create could not be read"
        if not self.problem and not provider.settings.callback_results_url:
            self.problem = NO_SINK

    def wait(self, request_ids: Sequence[str]) -> tuple[dict[str, list[LineOutcome]], str]:
        """The results that arrived, and the reason to give a label that has none."""
        from ..results import ResultsError, ResultsTimeout  # with a sink only, as in ThingSpaceProvider

        results = None if self.problem or not request_ids else self.provider.results()
        if results is None:
            return {}, self.problem
        try:
            return results.wait(request_ids), "no result was reported"
        except ResultsTimeout as exc:
            return dict(exc.completed), f"no result arrived within {exc.timeout:g}s"
        except ResultsError as exc:
            self.problem = f"the callback results could not be read: {exc}"
            return {}, self.problem
        finally:
            results.close()
