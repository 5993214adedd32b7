"""Undo a FOTA license create that failed part-way, so no license it assigned is left owned by no stack.

The engine records no resource for a failed create, so a license the create did assign would stay
assigned (and taken from the account's pool) even after the resource is dropped from the program. The
undo removes the licenses the create newly assigned (never one a device held before), in the same
chunks as any change, then raises the create's error saying that nothing stayed assigned, or exactly
which licenses did and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NoReturn

from ..client.errors import ThingSpaceError
from ..errors import UserError
from ..models.licenses import LicenseDeviceResult, LicenseResponse
from ..models.resources import LicenseArgs, LicenseState
from .base import notify
from .claims import LICENSES
from .failures import DeviceFailuresError, StoppedChangeError, Undone

if TYPE_CHECKING:
    from .licenses import LicenseProvider

HOW_TO_REMOVE = (
    "To remove them, declare exactly these IMEIs in a FotaLicenseAssignment with adopt=True, run "
    "`pulumi up`, then drop that resource and run `pulumi up` again"
)


NO_LICENSE = "no license attached"


def removal_failures(answers: Iterable[LicenseDeviceResult]) -> list[tuple[str, str]]:
    """``(imei, reason)`` of every removal that failed; a device already without a license is fine."""
    return [
        (d.device_id, d.reason or d.status)
        for d in answers
        if "fail" in d.status.lower() and NO_LICENSE not in (d.reason or "").lower()
    ]


def undo_assignment(
    provider: LicenseProvider,
    args: LicenseArgs,
    owner: str,
    results: Iterable[LicenseDeviceResult],
    *,
    cause: UserError | None = None,
    failures: Sequence[tuple[str, str]] = (),
) -> NoReturn:
    """Remove the licenses the failed create of ``owner`` assigned, release its claims, raise its error.

    ``results`` are ThingSpace's per-device answers to the create's accepted requests. ``cause`` is the
    error that stopped the create, or None when it ran to its end and ``failures`` name the devices.
    """
    results = list(results)
    assigned = sorted({d.device_id for d in results if d.ok and not d.already_assigned})
    # The resource is never recorded: drop every claim it made, and leave what another resource holds.
    kept = LICENSES.release(owner, args.account_name, dict.fromkeys(args.imeis(), True))
    if cause is not None and not results:  # the first request failed: nothing to undo, nothing to say
        raise cause
    undone = _remove(provider, args, [i for i in assigned if i not in kept])
    what = f"{provider.kind} in account {args.account_name}"
    if cause is None:
        raise DeviceFailuresError(
            what, "license assignment", failures, len(args.imeis()), note=undone.note(), tail=undone.tail()
        )
    refused = [(d.device_id, d.reason or d.status) for d in results if not d.ok]
    raise StoppedChangeError(what, cause, undone.note("fix the cause"), refused, undone.tail()) from cause


def _remove(provider: LicenseProvider, args: LicenseArgs, remove: list[str]) -> Undone:
    """Remove the licenses of ``remove``; what stayed assigned, as ThingSpace answered."""
    if not remove:
        return Undone("licenses", 0, verb="assigned")
    notify(
        f"{provider.kind} in account {args.account_name}: the create failed; removing the license(s) "
        f"it assigned: {len(remove):,}"
    )
    why = ""
    try:
        answered = provider.client.remove_licenses(args.account_name, remove, args.api_version).device_list
        unsent: list[str] = []
    except ThingSpaceError as exc:
        answered = [d for page in pages(exc) for d in page.device_list]
        unsent = remove[exc.sent_count :]
        why = f"a removal request was rejected: {exc}"
    stayed = [(imei, f"removal failed: {reason}") for imei, reason in removal_failures(answered)]
    stayed += [(imei, "its removal request was rejected") for imei in unsent]
    return Undone("licenses", len(remove), stayed, why, how_to_remove=HOW_TO_REMOVE, verb="assigned")


def pages(exc: ThingSpaceError) -> list[LicenseResponse]:
    """The answers of the chunks ThingSpace accepted before ``exc`` stopped a license call."""
    return [page for page in exc.sent_before if isinstance(page, LicenseResponse)]


def answers(state: LicenseState) -> list[LicenseDeviceResult]:
    """The per-device answers a license state recorded (status and reason per IMEI)."""
    return [
        LicenseDeviceResult(device_id=imei, status=s.get("status", ""), reason=s.get("reason") or None)
        for imei, s in state.device_status.items()
    ]
