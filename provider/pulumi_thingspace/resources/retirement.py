"""``DeviceRetirement``: devices deleted from an account (destructive on create; protect it)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult
from pydantic import ValidationError

from ..client.batching import DEVICES_PER_DELETE
from ..models.devices import Device, DeviceId
from ..models.resources import RetirementArgs
from .base import ImportNotSupportedError, ThingSpaceProvider, brief, notify, own
from .checking import check_inputs, diff_inputs
from .failures import DeviceFailuresError

PER_DEVICE_LOOKUP_MAX = 25  # above this, one paged account listing is cheaper than one read per device
GONE = "does not exist"


def _device(key: str) -> DeviceId:
    kind, _, ident = key.partition(":")
    return DeviceId(kind=kind, id=ident)


class RetirementProvider(ThingSpaceProvider):
    """Deletes devices, deactivating them first only when told to; never restores anything."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate identifiers per kind; the set becomes a map keyed ``<kind>:<id>``."""
        return check_inputs(RetirementArgs, news)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Only the account forces a replacement; added devices are retired by an update."""
        return diff_inputs(RetirementArgs, olds, news)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Check every device's state, then (deactivate and) delete them ``DEVICES_PER_DELETE`` at a time."""
        args = RetirementArgs.model_validate(own(props))
        retired = self._retire(args, args.device_keys())
        return CreateResult(uuid.uuid4().hex, {**args.checked(), "retired": retired})

    importable = True
    import_hint = "import id is `<account>/<kind>:<id>[,<kind>:<id>...]` of devices already deleted"

    def imported(self, id_: str) -> dict[str, Any]:
        """``<account>/<kind>:<id>,...`` of devices already deleted; a device that exists fails the import."""
        account, _, keys = id_.partition("/")
        devices = [{"kind": k, "id": i} for k, _, i in (key.partition(":") for key in keys.split(","))]
        try:
            args = RetirementArgs.model_validate({"account_name": account, "devices": devices})
        except ValidationError as exc:
            raise ImportNotSupportedError(f"cannot be imported: {self.import_hint}: {brief(exc)}") from None
        present = sorted(self._lookup(args.account_name, args.device_keys()))
        if present:
            raise ImportNotSupportedError(
                f"cannot be imported: {len(present)} of the devices exist in account {account}, and "
                f"importing a retirement records devices that are already deleted: {', '.join(present)}"
            )
        return {**args.checked(), "retired": dict.fromkeys(args.device_keys(), "already_absent")}

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """A device that exists again leaves the state, so the next ``up`` retires it again."""
        outs = own(props)
        retired: dict[str, str] = dict(outs.get("retired") or {})
        back = set(self._lookup(outs["account_name"], sorted(retired)))
        for key in back:
            retired.pop(key, None)
            notify(f"device {key} exists again in account {outs['account_name']}; the next up retires it")
        inputs = {k: v for k, v in outs.items() if k in RetirementArgs.model_fields}
        inputs["devices"] = {k: v for k, v in (outs.get("devices") or {}).items() if k not in back}
        return ReadResult(id_, {**inputs, "retired": retired}, inputs)

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Retire devices added to the list; devices removed from it are left alone."""
        args = RetirementArgs.model_validate(own(news))
        before: dict[str, str] = dict(olds.get("retired") or {})
        added = [k for k in args.device_keys() if k not in before]
        done = {**before, **(self._retire(args, added) if added else {})}
        retired = {k: done[k] for k in args.device_keys() if k in done}
        return UpdateResult({**args.checked(), "retired": retired})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Deleting this resource never touches devices: deleted devices cannot be restored."""
        notify(
            f"DeviceRetirement for account {props.get('account_name')} removed from the stack; "
            "retired devices stay deleted (ThingSpace cannot restore them)"
        )

    def _retire(self, args: RetirementArgs, keys: Sequence[str]) -> dict[str, str]:
        what = f"DeviceRetirement in account {args.account_name}"
        present = self._lookup(args.account_name, keys)
        retired = {k: "already_absent" for k in keys if k not in present}
        active = {k: d.state or "unknown" for k, d in present.items() if d.state != "deactive"}
        if active and not args.deactivate_first:
            reasons = [(k, f"state is {s}, not deactive") for k, s in active.items()]
            raise DeviceFailuresError(
                what,
                "retirement",
                reasons,
                len(keys),
                note="nothing was deleted; deactivate these devices, or set deactivate_first and "
                "etf_waiver, and run `pulumi up` again",
            )
        if active:
            self._deactivate(args, sorted(active))
        results = self.client.delete_devices(args.account_name, [_device(k) for k in sorted(present)])
        by_id = {k.partition(":")[2]: k for k in present}
        failures = []
        for r in results:
            key = next((by_id[d.id] for d in r.device_ids if d.id in by_id), None)
            if key is None:
                continue
            if r.ok or GONE in (r.message or "").lower():
                retired[key] = "deleted" if r.ok else "already_absent"
            else:
                failures.append((key, r.message or r.status))
        if failures:
            raise DeviceFailuresError(what, "deletion", failures, len(keys))
        return retired

    def _deactivate(self, args: RetirementArgs, keys: list[str]) -> None:
        # The API documents no limit for deactivate; use the delete limit.
        for i in range(0, len(keys), DEVICES_PER_DELETE):
            chunk = [_device(k) for k in keys[i : i + DEVICES_PER_DELETE]]
            self.client.deactivate_devices(args.account_name, chunk, bool(args.etf_waiver))
        deadline = time.monotonic() + args.deactivate_timeout_seconds
        interval = 0.5
        pending = keys
        while True:
            states = self._lookup(args.account_name, pending)
            pending = [k for k in pending if k in states and states[k].state != "deactive"]
            if not pending:
                return
            if time.monotonic() + interval > deadline:
                reasons = [(k, f"still {states[k].state or 'unknown'}") for k in pending]
                raise DeviceFailuresError(
                    f"DeviceRetirement in account {args.account_name}",
                    "deactivation",
                    reasons,
                    len(keys),
                    note=f"these were not deactive after {args.deactivate_timeout_seconds:g} s, so nothing "
                    "was deleted; run `pulumi up` again once they are deactive",
                )
            time.sleep(interval)
            interval = min(interval * 2, 5.0)

    def _lookup(self, account: str, keys: Sequence[str]) -> dict[str, Device]:
        """The devices among ``keys`` that exist, keyed like ``keys``."""
        if not keys:
            return {}
        if len(keys) <= PER_DEVICE_LOOKUP_MAX:
            found = {k: self.client.get_device(account, _device(k)) for k in keys}
            return {k: d for k, d in found.items() if d is not None}
        index: dict[str, Device] = {}
        for device in self.client.list_devices(account):
            for ident in device.device_ids:
                index[ident.key()] = device
        return {k: index[k] for k in keys if k in index}


def __getattr__(name: str) -> Any:
    # The resource classes are generated into .classes; this module's old names stay importable.
    if name in ("DeviceRetirement",):
        from . import classes

        return getattr(classes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
