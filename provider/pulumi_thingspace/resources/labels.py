"""``UsageSegmentationLabels``: a set of labels keyed by (device EID, label name)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..models.resources import LabelsArgs, LabelsState
from .base import ThingSpaceProvider, own
from .checking import check_inputs, contains_unknown, diff_inputs
from .conflicts import check_declared
from .failures import DeviceFailuresError
from .label_drift import Drift, ledger_drift
from .label_sync import LabelPlan, apply_labels


def merge_state(
    label_map: dict[str, str], previous: Mapping[str, Any], change: LabelsState, sent: Iterable[str] = ()
) -> dict[str, Any]:
    """Outputs after a change: each label's known result (older ones only for labels not sent again)."""
    resent = set(sent)
    before = {k: v for k, v in (previous.get("results") or {}).items() if k not in resent}
    results = {k: v for k in label_map if (v := change.results.get(k, before.get(k))) is not None}
    return {
        "request_ids": change.request_ids,
        "results": results,
        "verified": bool(label_map) and len(results) == len(label_map),
    }


class LabelSetProvider(ThingSpaceProvider):
    """Lifecycle of a label set; subclasses only say how inputs map to labels."""

    args_model: type[LabelsArgs] | Any = LabelsArgs
    kind = "UsageSegmentationLabels"
    import_hint = (
        "labels are write-only in ThingSpace, so there is nothing to read back; declare the labels in "
        "the program (setting a label to the value it already holds changes nothing on the device)"
    )

    def label_map(self, props: dict[str, Any]) -> dict[str, str]:
        """The labels the inputs declare, keyed ``<eid>/<name>``."""
        return dict(props.get("labels") or {})

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate and normalise; labels become a map so one added label previews as one key.

        A label another resource of the program gives another value fails here (see ``conflicts``).
        """
        result = check_inputs(self.args_model, news)
        return check_declared(result, None if result.failures else self.declared(result.inputs))

    def declared(self, inputs: dict[str, Any]) -> Mapping[str, str] | None:
        """The labels checked ``inputs`` declare, by reference; None while any of them is unknown."""
        labels = inputs.get("labels")
        if isinstance(labels, dict):  # checked, so known
            return labels
        if "labels" in self.args_model.model_fields or contains_unknown(inputs):
            return None
        return self.label_map(inputs)  # a form with one label in flat inputs

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Only the account forces a replacement; label changes are sent as a delta."""
        # Replacing a set that keeps the same labels must remove before it sets, or the old one's
        # delete would take the new one's labels away.
        return diff_inputs(self.args_model, olds, news, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Set every label; a create that fails part-way is undone before it reports the failure."""
        inputs = own(props)
        labels = self.label_map(inputs)
        id_ = uuid.uuid4().hex
        plan = LabelPlan({}, labels)
        change = apply_labels(self, self.kind, inputs["account_name"], plan, id_, create=True)
        return CreateResult(id_, {**inputs, **merge_state(labels, {}, change)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The recorded state, corrected by the callback sink's label ledger when a sink is configured.

        Labels are write-only in ThingSpace; see ``label_drift`` for what the ledger can show.
        """
        outs = own(props)
        drift = ledger_drift(self, self.kind, id_, outs.get("account_name"), self.label_map(outs))
        if drift is not None:
            outs = self.drifted(outs, drift)
        inputs = {k: outs[k] for k in self.args_model.model_fields if k in outs}
        return ReadResult(id_, outs, inputs)

    def drifted(self, outs: dict[str, Any], drift: Drift) -> dict[str, Any]:
        """``outs`` with the ledger's labels; the results of drifted labels are stale, so dropped."""
        labels = drift.apply(self.label_map(outs))
        stale = drift.keys
        results = {k: v for k, v in (outs.get("results") or {}).items() if k in labels and k not in stale}
        verified = bool(labels) and len(results) == len(labels)
        return {**self.with_labels(outs, labels), "results": results, "verified": verified}

    def with_labels(self, props: dict[str, Any], labels: dict[str, str]) -> dict[str, Any]:
        """``props`` declaring ``labels`` instead of their own."""
        return {**props, "labels": labels}

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Send only the difference: dropped and changed pairs removed, added and changed pairs set."""
        inputs = own(news)
        old_map, new_map = self.label_map(olds), self.label_map(inputs)
        plan = LabelPlan.between(old_map, new_map)
        if plan.remove or plan.set:
            try:
                change = apply_labels(self, self.kind, inputs["account_name"], plan, id_)
            except DeviceFailuresError as exc:
                if exc.done is not None:
                    exc.outs = self.partial(inputs, olds, plan, exc.done)
                raise
        else:
            change = LabelsState(request_ids=list(olds.get("request_ids") or []))
        return UpdateResult({**inputs, **merge_state(new_map, olds, change, plan.set)})

    def partial(
        self, inputs: dict[str, Any], olds: dict[str, Any], plan: LabelPlan, done: tuple[frozenset[str], ...]
    ) -> dict[str, Any]:
        """The outputs of a failed update: the old labels with the confirmed removals and sets applied."""
        removed, put = done
        labels = {k: v for k, v in self.label_map(olds).items() if k not in removed}
        labels.update({k: plan.set[k] for k in put})
        results = {k: v for k, v in (olds.get("results") or {}).items() if k in labels and k not in plan.set}
        results.update(dict.fromkeys(put, "Success"))
        partial = {**self.with_labels(inputs, labels), "request_ids": list(olds.get("request_ids") or [])}
        return {**partial, "results": results, "verified": bool(labels) and len(results) == len(labels)}

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Remove every label this resource set."""
        labels = self.label_map(props)
        if labels:
            apply_labels(self, self.kind, props["account_name"], LabelPlan(labels, {}), id_)


def __getattr__(name: str) -> Any:
    # The resource classes are generated into .classes; this module's old names stay importable.
    if name in ("UsageSegmentationLabels",):
        from . import classes

        return getattr(classes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
