"""``UsageSegmentationLabelBundle``: a large label set that crosses Pulumi as one text value."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..models.bundles import LabelBundleArgs
from ..models.compact import label_key, parse_labels
from .base import ThingSpaceProvider, own
from .bundle import BundleForm, check_bundle, diff_bundle, line_delta, recorded_inputs, reset_text
from .conflicts import check_declared
from .label_drift import ledger_drift
from .label_sync import LabelPlan, apply_labels
from .labels import LabelSetProvider

FORM = BundleForm("labels", parse_labels, "label_count", key_of=label_key)
KIND = "UsageSegmentationLabelBundle"
PARSE_CHUNK = 2000


def label_map(lines: Sequence[str]) -> dict[str, str]:
    """``{"<eid>/<name>": value}`` of canonical label lines (parsed a chunk at a time, to bound memory)."""
    out: dict[str, str] = {}
    for start in range(0, len(lines), PARSE_CHUNK):
        rows = json.loads("[" + ",".join(lines[start : start + PARSE_CHUNK]) + "]")
        out.update((f"{d}/{n}", v) for d, n, v in rows)
    return out


class TextLabels(Mapping[str, str]):
    """The label map of a canonical text, parsed on first lookup: a check that meets no other label
    resource in its account never parses it."""

    def __init__(self, text: str, count: int) -> None:
        self._text = text
        self._count = count

    @cached_property
    def _labels(self) -> dict[str, str]:
        return label_map(self._text.split("\n"))

    def __getitem__(self, key: str) -> str:
        return self._labels[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._labels)

    def __len__(self) -> int:
        return self._count


class LabelBundleProvider(ThingSpaceProvider):
    import_hint = LabelSetProvider.import_hint
    """The label-set lifecycle of ``label_sync`` on a canonical text: deltas computed line by line."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every label in one pass; store canonical text, hash, count and change summary.

        A label another resource of the program gives another value fails here (see ``conflicts``).
        """
        result = check_bundle(FORM, LabelBundleArgs, olds, news)
        inputs = result.inputs or {}
        text, count = inputs.get(FORM.field), inputs.get(FORM.count_field)
        if not isinstance(text, str) or not isinstance(count, int):  # unknown during a preview
            return result
        return check_declared(result, TextLabels(text, count))

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Labels compared by hash; only the account forces a replacement."""
        return diff_bundle(FORM, LabelBundleArgs, olds, news, delete_before_replace=True)  # as labels.py

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Set every label; a create that fails part-way is undone before it reports the failure."""
        inputs = FORM.outputs(own(props))
        plan = LabelPlan({}, label_map(FORM.text(inputs).split("\n")))
        id_ = uuid.uuid4().hex
        change = apply_labels(self, KIND, inputs["account_name"], plan, id_, create=True)
        outs = {**inputs, "request_ids": change.request_ids, "verified": change.verified}
        return CreateResult(id_, outs)

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """The recorded state, corrected by the callback sink's label ledger when a sink is configured.

        One ledger request for the whole set; on drift the canonical text is rebuilt from the corrected
        labels, so its hash and count follow (see ``label_drift``).
        """
        outs = own(props)
        text = FORM.text(outs)
        # Without a sink there is nothing to compare with: the text is not even parsed.
        lines = text.split("\n") if text and self.settings.callback_results_url else []
        recorded = label_map(lines)
        drift = ledger_drift(self, KIND, id_, outs.get("account_name"), recorded)
        if drift is not None:
            # ``verified`` stands: the ledger's values are themselves reported outcomes.
            outs = reset_text(FORM, outs, drift.lines(lines, recorded))
        return ReadResult(id_, outs, recorded_inputs(FORM, LabelBundleArgs, outs))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Send only the difference: removed lines removed first, then added lines set."""
        inputs = FORM.outputs(own(news))
        removed, added = line_delta(FORM.text(olds), FORM.text(inputs))
        plan = LabelPlan(label_map(removed) if removed else {}, label_map(added) if added else {})
        verified = bool(olds.get("verified"))
        request_ids = list(olds.get("request_ids") or [])
        if plan.remove or plan.set:
            change = apply_labels(self, KIND, inputs["account_name"], plan, id_)
            request_ids, verified = change.request_ids, verified and change.verified
        return UpdateResult({**inputs, "request_ids": request_ids, "verified": verified})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Remove every label this resource set."""
        text = FORM.text(props)
        if text:
            plan = LabelPlan(label_map(text.split("\n")), {})
            apply_labels(self, KIND, props["account_name"], plan, id_)


def __getattr__(name: str) -> Any:
    # The resource classes are generated into .classes; this module's old names stay importable.
    if name in ("UsageSegmentationLabelBundle",):
        from . import classes

        return getattr(classes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
