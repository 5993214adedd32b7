"""Turn preview steps into :class:`~.model.ResourceReview` records, one reviewer per resource kind.

Request counts use the provider's own limits (:mod:`pulumi_thingspace.client.batching`) and its own
label delta (:class:`~pulumi_thingspace.resources.label_sync.LabelPlan`), so the summary and the
provider cannot disagree about how a change is sent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from typing import Any

from ..client.batching import DEVICES_PER_DELETE, LABELS_PER_REQUEST
from ..resources.label_sync import LabelPlan
from .kinds import COUNT_FIELDS, LABELS, LICENSES, LISTENER, RETIREMENT, SUMMARY, family
from .model import (
    AT_LEAST,
    AT_MOST,
    DEVICES_DELETED,
    EXACT,
    LABELS_CHANGED,
    LABELS_REMOVED,
    LABELS_SET,
    LICENSES_ASSIGNED,
    LICENSES_REMOVED,
    LISTENERS_CREATED,
    LISTENERS_DELETED,
    LISTENERS_REPLACED,
    KeyChange,
    Requests,
    ResourceReview,
    Review,
)
from .parse import UNKNOWN, Preview, ReviewInputError, Step

CHANGING_OPS = {"create": "create", "update": "update", "replace": "replace", "create-replacement": "replace"}
"""Step operations that change ThingSpace, by the operation a review reports."""
DEFAULT_SERVICE = "CarrierService"


def chunks(count: int, size: int) -> int:
    """Requests needed to send ``count`` items ``size`` at a time."""
    return math.ceil(count / size) if count > 0 else 0


def _changes(*items: tuple[str, Iterable[str]]) -> tuple[KeyChange, ...]:
    out = []
    for kind, keys in items:
        ordered = tuple(sorted(keys))
        if ordered:
            out.append(KeyChange(kind, len(ordered), ordered))
    return tuple(out)


def _requests(*parts: tuple[str, int], bound: str = EXACT) -> Requests:
    return Requests(tuple((purpose, n) for purpose, n in parts if n), bound)


def key_map(value: Any) -> dict[str, Any] | None:
    """A checked device set (``{key: ...}``); None when unknown until apply or hidden as a secret."""
    return dict(value) if isinstance(value, Mapping) else None


def old_props(step: Step) -> Mapping[str, Any]:
    """What the resource holds now: its outputs, else its recorded inputs."""
    return step.old_outputs or step.old_inputs


def account_of(step: Step) -> str | None:
    """The account the step acts on (the new one, for a replacement)."""
    for props in (step.new_inputs, old_props(step)):
        account = props.get("account_name")
        if isinstance(account, str) and account != UNKNOWN:
            return account
    return None


def label_map(props: Mapping[str, Any]) -> dict[str, Any] | None:
    """Labels as ``{"<eid>/<name>": value}``, for a label set or a single label; None when unknown."""
    if "labels" in props:
        return key_map(props["labels"])
    device_id, name = props.get("device_id"), props.get("name")
    if not isinstance(device_id, str) or not isinstance(name, str) or UNKNOWN in (device_id, name):
        return None
    return {f"{device_id}/{name}": props.get("value")}


def _count(summary: Mapping[str, Any], field: str, where: str) -> int:
    value = summary.get(field)
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 or value != int(value):
        raise ReviewInputError(f"{where}.{field}: must be a whole number >= 0, got {value!r}")
    return int(value)


def _keys(summary: Mapping[str, Any], field: str, where: str) -> tuple[str, ...]:
    value = summary.get(field, [])
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise ReviewInputError(f"{where}.{field}: must be a list of keys")
    return tuple(value)


def recorded_count(props: Mapping[str, Any], fam: str) -> int | None:
    """How many entries a compact resource's set holds, from its recorded count field."""
    value = props.get(COUNT_FIELDS[fam])
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def compact_delta(step: Step, op: str, fam: str) -> tuple[KeyChange, KeyChange, list[str]]:
    """What a compact resource adds and drops: from ``change_summary``, or its counts on delete."""
    where = f"{step.path}.newState.inputs.{SUMMARY}"
    notes: list[str] = []
    if op == "delete":
        count = recorded_count(old_props(step), fam)
        if count is None:
            notes.append("compact form: the number of entries is not recorded; not counted")
        return KeyChange("set", 0), KeyChange("removed", count or 0), notes
    summary = step.new_inputs.get(SUMMARY)
    if summary == UNKNOWN:
        notes.append("the set is known only after apply: not counted")
        return KeyChange("set", 0), KeyChange("removed", 0), notes
    if not isinstance(summary, Mapping):
        raise ReviewInputError(f"{where}: must be an object with set, removed, first_set and first_removed")
    added = KeyChange("set", _count(summary, "set", where), _keys(summary, "first_set", where))
    dropped = KeyChange("removed", _count(summary, "removed", where), _keys(summary, "first_removed", where))
    if op == "replace":
        total = recorded_count(step.new_inputs, fam)
        before = recorded_count(old_props(step), fam)
        added = replace(added, count=total if total is not None else added.count)
        dropped = KeyChange("removed", before if before is not None else dropped.count)
    notes.append(f"compact form: counts from its {SUMMARY} (a changed label is one set and one removal)")
    return added, dropped, notes


def review_compact(step: Step, op: str, fam: str, license_chunk: int) -> ResourceReview:
    """A compact (bundle) resource: its ``change_summary`` says what is added and dropped."""
    added, dropped, notes = compact_delta(step, op, fam)
    bound = AT_LEAST if any("not counted" in n for n in notes) else EXACT
    if fam == RETIREMENT:
        if op == "delete":
            return review_retirement(step, op, license_chunk)
        changes: tuple[KeyChange, ...] = (replace(added, kind=DEVICES_DELETED),)
        requests = retirement_requests(step, added.count, bound)
        notes += retirement_notes(step, added.count)
    elif fam == LICENSES:
        changes = (replace(added, kind=LICENSES_ASSIGNED), replace(dropped, kind=LICENSES_REMOVED))
        if dropped.count:
            notes.append("only licenses this resource assigned are removed")
            bound = AT_MOST if bound == EXACT else bound
        requests = _requests(
            ("license removes", chunks(dropped.count, license_chunk)),
            ("license assigns", chunks(added.count, license_chunk)),
            bound=bound,
        )
    else:
        changes = (replace(added, kind=LABELS_SET), replace(dropped, kind=LABELS_REMOVED))
        requests = _requests(
            ("label removes", chunks(dropped.count, LABELS_PER_REQUEST)),
            ("label sets", chunks(added.count, LABELS_PER_REQUEST)),
            bound=bound,
        )
    kept = tuple(c for c in changes if c.count)
    return ResourceReview(
        step.name, step.kind or step.type, op, account_of(step), kept, requests, tuple(notes)
    )


def review_labels(step: Step, op: str, license_chunk: int) -> ResourceReview:
    """Labels set, changed and removed, and the set/remove requests (removes are sent first)."""
    old = label_map(old_props(step)) if op in ("update", "replace", "delete") else {}
    new = label_map(step.new_inputs) if op != "delete" else {}
    notes = []
    unknown = old is None or new is None
    if unknown:
        notes.append("labels are known only after apply: not counted")
    old, new = old or {}, new or {}
    plan = LabelPlan(old, new) if op == "replace" else LabelPlan.between(old, new)
    pending = sum(1 for v in plan.set.values() if v == UNKNOWN)
    if pending:
        notes.append(f"{pending} label value(s) known only after apply, counted as changes")
    changes = _changes(
        (LABELS_SET, (k for k in plan.set if k not in old or op == "replace")),
        (LABELS_CHANGED, (k for k in plan.set if k in old and op != "replace")),
        (LABELS_REMOVED, (k for k in plan.remove if k not in new or op == "replace")),
    )
    requests = _requests(
        ("label removes", chunks(len(plan.remove), LABELS_PER_REQUEST)),
        ("label sets", chunks(len(plan.set), LABELS_PER_REQUEST)),
        bound=AT_LEAST if unknown else EXACT,
    )
    return ResourceReview(
        step.name, step.kind or step.type, op, account_of(step), changes, requests, tuple(notes)
    )


def review_licenses(step: Step, op: str, license_chunk: int) -> ResourceReview:
    """Licenses assigned and removed (only those this resource owns are removed)."""
    before = old_props(step)
    old = set(key_map(before.get("device_imeis")) or {}) if op != "create" else set()
    new_map = key_map(step.new_inputs.get("device_imeis")) if op != "delete" else {}
    owned = {i for i in before.get("owned_imeis") or [] if isinstance(i, str)} if op != "create" else set()
    notes = []
    if new_map is None:
        notes.append("IMEIs are known only after apply: not counted")
    new = set(new_map or {})
    if op in ("create", "replace"):
        assigned, removed = new, owned if op == "replace" else set()
    elif op == "delete":
        assigned, removed = set(), owned
    else:
        assigned, removed = new - old, (old - new) & owned
        kept = (old - new) - owned
        if kept:
            notes.append(f"{len(kept)} dropped IMEI(s) keep the license they held before this resource")
    changes = _changes((LICENSES_ASSIGNED, assigned), (LICENSES_REMOVED, removed))
    requests = _requests(
        ("license removes", chunks(len(removed), license_chunk)),
        ("license assigns", chunks(len(assigned), license_chunk)),
        bound=AT_LEAST if new_map is None else EXACT,
    )
    return ResourceReview(
        step.name, step.kind or step.type, op, account_of(step), changes, requests, tuple(notes)
    )


def retirement_requests(step: Step, count: int, bound: str) -> Requests:
    """``DEVICES_PER_DELETE`` devices per delete, and per deactivation first with ``deactivate_first``.

    Gone devices are skipped.
    """
    deactivate = bool(step.new_inputs.get("deactivate_first"))
    return _requests(
        ("device deactivations", chunks(count, DEVICES_PER_DELETE) if deactivate else 0),
        ("device deletes", chunks(count, DEVICES_PER_DELETE)),
        bound=AT_LEAST if bound == AT_LEAST else AT_MOST,
    )


def retirement_notes(step: Step, count: int) -> list[str]:
    """What a reviewer of a retirement must know: protection, and what happens to active devices."""
    notes = []
    if not step.protect:
        notes.append("not protected: set protect=True so `pulumi destroy` cannot drop this record silently")
    if count:
        if step.new_inputs.get("deactivate_first"):
            notes.append("devices already gone are skipped; active ones are deactivated first")
        else:
            notes.append(
                "devices already gone are skipped; an active device fails the apply before any delete"
            )
    return notes


def review_retirement(step: Step, op: str, license_chunk: int) -> ResourceReview:
    """Devices deleted: every listed device on create, the added ones on update, none on delete."""
    if op == "delete":
        note = "removing the record never touches devices (deleted devices cannot be restored)"
        return ResourceReview(step.name, step.kind or step.type, op, account_of(step), notes=(note,))
    devices = key_map(step.new_inputs.get("devices"))
    retired = set(key_map(old_props(step).get("retired")) or {}) if op == "update" else set()
    notes = [] if devices is not None else ["devices are known only after apply: not counted"]
    deleted = set(devices or {}) - retired
    notes += retirement_notes(step, len(deleted))
    requests = retirement_requests(step, len(deleted), AT_LEAST if devices is None else AT_MOST)
    changes = _changes((DEVICES_DELETED, deleted))
    return ResourceReview(
        step.name, step.kind or step.type, op, account_of(step), changes, requests, tuple(notes)
    )


def review_listener(step: Step, op: str, license_chunk: int) -> ResourceReview:
    """Listeners created, replaced (deregistered first) and deleted."""
    props = step.new_inputs if op != "delete" else old_props(step)
    key = f"{account_of(step) or '?'}/{props.get('service_name') or DEFAULT_SERVICE}"
    kind = {"create": LISTENERS_CREATED, "replace": LISTENERS_REPLACED, "delete": LISTENERS_DELETED}.get(op)
    requests = _requests(
        ("listener deregistrations", 1 if op in ("replace", "delete") else 0),
        ("listener registrations", 1 if op in ("create", "replace") else 0),
    )
    changes = _changes((kind, [key])) if kind else ()
    return ResourceReview(step.name, step.kind or step.type, op, account_of(step), changes, requests)


Reviewer = Callable[[Step, str, int], ResourceReview]
REVIEWERS: dict[str, Reviewer] = {
    LABELS: review_labels,
    LICENSES: review_licenses,
    RETIREMENT: review_retirement,
    LISTENER: review_listener,
}


def is_compact(step: Step, op: str) -> bool:
    """A bundle resource: its check adds ``change_summary`` (or, deleted, it recorded a count field)."""
    fam = family(step.kind or "")
    if fam is None or fam == LISTENER:
        return False
    props = old_props(step) if op == "delete" else step.new_inputs
    return SUMMARY in props or COUNT_FIELDS[fam] in props


def review_step(step: Step, license_chunk: int) -> ResourceReview | None:
    """The review of one step; None for steps that change nothing in ThingSpace."""
    op = "delete" if step.op == "delete" else CHANGING_OPS.get(step.op)
    if op is None or step.kind is None:
        return None
    fam = family(step.kind)
    if fam is None:
        note = "not reviewed: a ThingSpace resource type this version of thingspace-review does not know"
        return ResourceReview(step.name, step.kind, op, account_of(step), notes=(note,))
    if is_compact(step, op):
        result = review_compact(step, op, fam, license_chunk)
    else:
        result = REVIEWERS[fam](step, op, license_chunk)
    if step.replace_reasons:
        reason = f"replaced because {', '.join(step.replace_reasons)} changed"
        result = replace(result, notes=(reason, *result.notes))
    return result


def review(preview: Preview, license_chunk: int) -> Review:
    """Every ThingSpace change of the preview; resources that delete devices come first."""
    reviews = [r for r in (review_step(s, license_chunk) for s in preview.steps) if r is not None]
    reviews.sort(key=lambda r: 0 if r.count(DEVICES_DELETED) else 1)
    return Review(tuple(reviews), preview.stack, preview.errors, license_chunk)
