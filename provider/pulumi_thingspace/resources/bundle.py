"""What the compact (bundle) resources share: check with a change summary, diff by hash, delta by line.

A bundle's device set is one canonical text input (see ``models/compact.py``). Check validates it in
one pass, stores its SHA-256 and entry count beside it and adds ``change_summary``: what an update
would set and remove, computed from the old and new checked inputs, so that a preview (and a review
tool reading ``pulumi preview --json``) tells what changes without a per-device engine diff. Diff
compares hashes and ignores the summary, so an ``up`` with no change is "same".
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pulumi.dynamic import CheckFailure, CheckResult, DiffResult
from pulumi.output import Unknown

from ..models.compact import SAMPLE, SUMMARY, CompactSet, CompactSetError, sha256_text
from ..models.resources import ResourceArgs
from .base import own
from .checking import check_inputs, contains_unknown, diff_inputs


@dataclass(frozen=True)
class BundleForm:
    """How one bundle resource holds its set: the text input, its parser and how a line names a key."""

    field: str
    parse: Callable[[str, str], CompactSet]
    count_field: str
    key_of: Callable[[str], str] | None = None

    @property
    def sha_field(self) -> str:
        """The input holding the canonical text's SHA-256."""
        return f"{self.field}_sha256"

    @property
    def derived(self) -> tuple[str, str, str]:
        """Inputs check computes (a refreshed state hands them back; the program never sets them)."""
        return (self.count_field, self.sha_field, SUMMARY)

    def text(self, props: dict[str, Any]) -> str:
        """The canonical text recorded in ``props`` ("" when there is none)."""
        value = props.get(self.field)
        return value if isinstance(value, str) else ""

    def keys(self, lines: list[str]) -> list[str]:
        """The keys of canonical lines."""
        return list(map(self.key_of, lines)) if self.key_of else lines

    def outputs(self, inputs: dict[str, Any]) -> dict[str, Any]:
        """Checked inputs as recorded outputs: the summary describes a pending change, not the state."""
        return {k: v for k, v in inputs.items() if k != SUMMARY}


def line_delta(old_text: str, new_text: str) -> tuple[list[str], list[str]]:
    """(removed lines, added lines) between two canonical texts; a changed label is one of each.

    The common leading and trailing lines are cut off first (a few slice comparisons), so a small
    change to a large set costs no split or set of every line.
    """
    if old_text == new_text:
        return [], []
    start = old_text.rfind("\n", 0, _common_prefix(old_text, new_text)) + 1
    tail = _common_suffix(old_text, new_text, min(len(old_text), len(new_text)) - start)
    # The common tail counts from just after a newline inside it, so it holds whole lines in both.
    cut = old_text.find("\n", len(old_text) - tail) if tail else -1
    keep = len(old_text) - cut if cut != -1 else 0
    old = _lines(old_text[start : len(old_text) - keep])
    new = _lines(new_text[start : len(new_text) - keep])
    return sorted(old - new), sorted(new - old)


def _lines(text: str) -> set[str]:
    return set(text.split("\n")) - {""} if text else set()


def _common_prefix(a: str, b: str) -> int:
    """Length of the longest common prefix, by halving windows (no per-character loop)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[lo:mid] == b[lo:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str, limit: int) -> int:
    """Length of the longest common suffix, at most ``limit``."""
    lo, hi = 0, max(limit, 0)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid : len(a) - lo] == b[len(b) - mid : len(b) - lo]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def change_summary(form: BundleForm, old_text: str, new: CompactSet) -> dict[str, Any]:
    """``{"set", "removed", "first_set", "first_removed"}`` from the old canonical text to ``new``."""
    if not old_text:
        return {"set": new.count, "removed": 0, "first_set": new.first_keys, "first_removed": []}
    removed, added = line_delta(old_text, new.text)
    return {
        "set": len(added),
        "removed": len(removed),
        "first_set": heapq.nsmallest(SAMPLE, form.keys(added)),
        "first_removed": heapq.nsmallest(SAMPLE, form.keys(removed)),
    }


def check_bundle(
    form: BundleForm, model: type[ResourceArgs], olds: dict[str, Any], news: dict[str, Any]
) -> CheckResult:
    """Validate the scalar inputs with ``model`` and the set in one pass; add hash, count and summary."""
    raw = {k: v for k, v in own(news).items() if k not in form.derived}
    result = check_inputs(model, raw)
    if result.failures:
        return result
    inputs: dict[str, Any] = dict(result.inputs or {})
    text = inputs.get(form.field)
    if not isinstance(text, str) or contains_unknown(text):  # one string: no walk
        inputs.update(dict.fromkeys(form.derived, Unknown()))  # type: ignore[no-untyped-call]
        return CheckResult(inputs, [])
    try:
        bundle = form.parse(form.field, text)
    except CompactSetError as exc:
        return CheckResult(raw, [CheckFailure("", reason) for reason in exc.reasons()])
    inputs[form.field] = bundle.text
    inputs[form.count_field] = bundle.count
    inputs[form.sha_field] = bundle.sha256
    inputs[SUMMARY] = change_summary(form, form.text(own(olds)), bundle)
    return CheckResult(inputs, [])


def diff_bundle(
    form: BundleForm,
    model: type[ResourceArgs],
    olds: dict[str, Any],
    news: dict[str, Any],
    *,
    delete_before_replace: bool = False,
) -> DiffResult:
    """Scalar inputs compared as values, the set by its hash; the summary never counts as a change."""
    new_sha = news.get(form.sha_field)
    text_changed = contains_unknown(new_sha) or new_sha != olds.get(form.sha_field)
    return diff_inputs(
        model,
        olds,
        news,
        delete_before_replace=delete_before_replace,
        skip=(form.field,),
        also_changed=(form.field,) if text_changed else (),
    )


def recorded_inputs(form: BundleForm, model: type[ResourceArgs], outs: dict[str, Any]) -> dict[str, Any]:
    """The inputs a refresh hands back: the model's fields plus hash and count (no summary)."""
    names = {*model.model_fields, form.count_field, form.sha_field}
    return {k: v for k, v in outs.items() if k in names}


def reset_text(form: BundleForm, props: dict[str, Any], lines: list[str]) -> dict[str, Any]:
    """``props`` with the set replaced by the canonical ``lines`` (already sorted and valid)."""
    text = "\n".join(lines)
    return {**props, form.field: text, form.count_field: len(lines), form.sha_field: sha256_text(text)}
