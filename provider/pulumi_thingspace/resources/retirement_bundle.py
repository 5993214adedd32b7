"""``DeviceRetirementBundle``: a large set of devices to delete, crossing Pulumi as one text value."""

from __future__ import annotations

import uuid
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..models.bundles import RetirementBundleArgs
from ..models.compact import parse_devices
from ..models.resources import RetirementArgs
from .base import ThingSpaceProvider, notify, own
from .bundle import BundleForm, check_bundle, diff_bundle, line_delta, recorded_inputs, reset_text
from .retirement import RetirementProvider

FORM = BundleForm("devices", parse_devices, "device_count")


def _args(props: dict[str, Any]) -> RetirementArgs:
    # The set was validated in check; the retirement steps need only the account and the options.
    return RetirementArgs.model_construct(
        account_name=props["account_name"],
        devices=[],
        deactivate_first=bool(props.get("deactivate_first", False)),
        etf_waiver=props.get("etf_waiver"),
        deactivate_timeout_seconds=float(props.get("deactivate_timeout_seconds", 600.0)),
    )


def _counts(retired: dict[str, str]) -> dict[str, int]:
    deleted = sum(1 for outcome in retired.values() if outcome == "deleted")
    return {"deleted_count": deleted, "absent_count": len(retired) - deleted}


class RetirementBundleProvider(RetirementProvider):
    importable = False
    import_hint = "import the devices as a DeviceRetirement instead"

    def imported(self, id_: str) -> dict[str, Any]:
        """Bundles are not imported: their set is a file the program owns."""
        return ThingSpaceProvider.imported(self, id_)

    """The ``DeviceRetirement`` lifecycle on a canonical ``<kind>:<id>`` text; delete touches nothing."""

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every identifier in one pass; store canonical text, hash, count and change summary."""
        return check_bundle(FORM, RetirementBundleArgs, olds, news)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Devices compared by hash; only the account forces a replacement."""
        return diff_bundle(FORM, RetirementBundleArgs, olds, news)

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Check every device's state, then (deactivate and) delete them ``DEVICES_PER_DELETE`` at a time."""
        inputs = FORM.outputs(own(props))
        retired = self._retire(_args(inputs), FORM.text(inputs).split("\n"))
        return CreateResult(uuid.uuid4().hex, {**inputs, **_counts(retired)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """A device that exists again leaves the set, so the next ``up`` retires it again."""
        outs = own(props)
        keys = FORM.text(outs).split("\n")
        back = set(self._lookup(outs["account_name"], keys))
        for key in sorted(back):
            notify(f"device {key} exists again in account {outs['account_name']}; the next up retires it")
        if back:
            outs = reset_text(FORM, outs, [k for k in keys if k not in back])
        return ReadResult(id_, outs, recorded_inputs(FORM, RetirementBundleArgs, outs))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Retire devices added to the set; devices removed from it are left alone."""
        inputs = FORM.outputs(own(news))
        _, added = line_delta(FORM.text(olds), FORM.text(inputs))
        retired = self._retire(_args(inputs), added) if added else {}
        return UpdateResult({**inputs, **_counts(retired)})


def __getattr__(name: str) -> Any:
    # The resource classes are generated into .classes; this module's old names stay importable.
    if name in ("DeviceRetirementBundle",):
        from . import classes

        return getattr(classes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
