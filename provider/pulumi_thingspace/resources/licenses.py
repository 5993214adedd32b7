"""``FotaLicenseAssignment``: FOTA firmware licenses held by a set of devices (IMEIs)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import ValidationError

from ..client.errors import ThingSpaceError
from ..models.licenses import LicenseResponse
from ..models.resources import LicenseArgs, LicenseState
from . import license_undo
from .base import ImportNotSupportedError, ThingSpaceProvider, brief, own
from .checking import check_inputs, diff_inputs
from .claims import LICENSES
from .failures import DeviceFailuresError
from .license_undo import removal_failures


def _status(resp: LicenseResponse) -> dict[str, dict[str, str]]:
    return {d.device_id: {"status": d.status, "reason": d.reason or ""} for d in resp.device_list}


class LicenseProvider(ThingSpaceProvider):
    """Assigns licenses to added IMEIs and removes the ones it owns when they are dropped."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate IMEIs; the set becomes a map so one added IMEI previews as one key."""
        return check_inputs(LicenseArgs, news)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Only the account forces a replacement."""
        # As for labels: the old assignment must release its licenses before the new one assigns them.
        return diff_inputs(LicenseArgs, olds, news, delete_before_replace=True)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Assign a license to every IMEI; already-licensed devices count as success."""
        args = LicenseArgs.model_validate(own(props))
        id_ = uuid.uuid4().hex
        return CreateResult(id_, {**args.checked(), **self.assign_all(args, id_).model_dump()})

    def assign_all(self, args: LicenseArgs, owner: str) -> LicenseState:
        """Assign a license to every IMEI of ``args``; raise naming every device that failed.

        Creates call this: a failed one removes the licenses it assigned before it raises, since the
        engine records no resource that could remove them later (see :mod:`.license_undo`).
        """
        try:
            state, failures = self._assign(args, args.imeis(), LicenseState(), owner)
        except ThingSpaceError as exc:
            answered = [d for page in license_undo.pages(exc) for d in page.device_list]
            license_undo.undo_assignment(self, args, owner, answered, cause=exc)
        if failures:
            license_undo.undo_assignment(self, args, owner, license_undo.answers(state), failures=failures)
        return state

    importable = True
    import_hint = "import id is `<account>/<imei>[,<imei>...]`, e.g. `0000123456-00001/351234567890123`"

    def imported(self, id_: str) -> dict[str, Any]:
        """``<account>/<imei>,<imei>...``: the IMEIs that hold a license become owned by the stack."""
        account, _, imeis = id_.partition("/")
        try:
            args = LicenseArgs.model_validate({"account_name": account, "device_imeis": imeis.split(",")})
        except ValidationError as exc:
            raise ImportNotSupportedError(f"cannot be imported: {self.import_hint}: {brief(exc)}") from None
        return {**args.checked(), "adopt": True, "owned_imeis": args.imeis()}

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Ask ThingSpace which IMEIs hold a license; a lost license disappears from state."""
        outs = own(props)
        args = LicenseArgs.model_validate({k: outs[k] for k in LicenseArgs.model_fields if k in outs})
        state = LicenseState.model_validate({k: v for k, v in outs.items() if k in LicenseState.model_fields})
        held = self.client.licensed_imeis(args.account_name, args.imeis(), args.api_version)
        inputs = args.checked()
        inputs["device_imeis"] = {i: True for i in args.imeis() if i in held}
        state.owned_imeis = [i for i in state.owned_imeis if i in held]
        for imei in set(args.imeis()) - held:
            state.device_status[imei] = {"status": "NotLicensed", "reason": "no license found on refresh"}
        return ReadResult(id_, {**inputs, **state.model_dump()}, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Assign the added IMEIs, remove the dropped ones this resource owns."""
        args = LicenseArgs.model_validate(own(news))
        state = LicenseState.model_validate({k: v for k, v in olds.items() if k in LicenseState.model_fields})
        state = self.change(args, set(olds.get("device_imeis") or {}), state, id_)
        return UpdateResult({**args.checked(), **state.model_dump()})

    def change(self, args: LicenseArgs, old: set[str], state: LicenseState, owner: str) -> LicenseState:
        """Assign the IMEIs added since ``old``, remove the dropped ones this resource owns."""
        new = set(args.imeis())
        if args.adopt:
            state.owned_imeis = sorted(set(state.owned_imeis) | (old & new))
        dropped = sorted((old - new) & set(state.owned_imeis))
        removal_failures: list[tuple[str, str]] = []
        if dropped:
            state, removal_failures = self._remove(args, dropped, state, owner)
        added = sorted(new - old)
        state, failures = self._assign(args, added, state, owner)
        self._raise(args, "license change", removal_failures + failures, len(added) + len(dropped))
        return state

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Remove the licenses this resource owns; a device already without one is fine."""
        args = LicenseArgs.model_validate({k: props[k] for k in LicenseArgs.model_fields if k in props})
        self.remove_owned(args, sorted(props.get("owned_imeis") or []), id_)

    def remove_owned(self, args: LicenseArgs, owned: list[str], owner: str) -> None:
        """Remove the licenses of ``owned``; raise naming every device that failed."""
        if owned:
            _, failures = self._remove(args, owned, LicenseState(), owner)
            self._raise(args, "license removal", failures, len(owned))

    kind = "FotaLicenseAssignment"

    def _raise(self, args: LicenseArgs, action: str, failures: list[tuple[str, str]], total: int) -> None:
        if failures:
            what = f"{self.kind} in account {args.account_name}"
            raise DeviceFailuresError(what, action, failures, total)

    def _assign(
        self, args: LicenseArgs, imeis: Sequence[str], state: LicenseState, owner: str
    ) -> tuple[LicenseState, list[tuple[str, str]]]:
        failures: list[tuple[str, str]] = []
        owned = set(state.owned_imeis)
        if imeis:
            resp = self.client.assign_licenses(args.account_name, imeis, args.api_version)
            held: dict[str, object] = {}
            for d in resp.device_list:
                if not d.ok:
                    failures.append((d.device_id, d.reason or d.status))
                    continue
                held[d.device_id] = True
                if args.adopt or not d.already_assigned:
                    owned.add(d.device_id)
            LICENSES.claim(owner, args.account_name, held)
            state = self._counts(state, resp)
        state.owned_imeis = sorted(owned & set(args.imeis()))
        return state, failures

    def _remove(
        self, args: LicenseArgs, imeis: Sequence[str], state: LicenseState, owner: str
    ) -> tuple[LicenseState, list[tuple[str, str]]]:
        # A license another resource of this process assigned stays (see .claims); not ours to remove.
        kept = LICENSES.release(owner, args.account_name, dict.fromkeys(imeis, True))
        state.owned_imeis = [i for i in state.owned_imeis if i not in kept]
        imeis = [i for i in imeis if i not in kept]
        if not imeis:
            return state, []
        resp = self.client.remove_licenses(args.account_name, imeis, args.api_version)
        failures = removal_failures(resp.device_list)
        failed = {f[0] for f in failures}
        state.owned_imeis = [i for i in state.owned_imeis if i not in set(imeis) - failed]
        for imei in set(imeis) - failed:
            state.device_status.pop(imei, None)
        return self._counts(state, resp), failures

    @staticmethod
    def _counts(state: LicenseState, resp: LicenseResponse) -> LicenseState:
        state.lic_count = resp.lic_count if resp.lic_count is not None else state.lic_count
        state.lic_used_count = (
            resp.lic_used_count if resp.lic_used_count is not None else state.lic_used_count
        )
        state.device_status.update(_status(resp))
        return state


def __getattr__(name: str) -> Any:
    # The resource classes are generated into .classes; this module's old names stay importable.
    if name in ("FotaLicenseAssignment",):
        from . import classes

        return getattr(classes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
