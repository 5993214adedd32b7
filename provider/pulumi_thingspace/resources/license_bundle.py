"""``FotaLicenseBundle``: FOTA licenses for a large IMEI set that crosses Pulumi as one text value."""

from __future__ import annotations

import uuid
from typing import Any

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ReadResult, UpdateResult

from ..models.bundles import LicenseBundleArgs
from ..models.compact import parse_imeis
from ..models.resources import LicenseArgs, LicenseState
from .base import ThingSpaceProvider, own
from .bundle import BundleForm, check_bundle, diff_bundle, recorded_inputs, reset_text
from .licenses import LicenseProvider

FORM = BundleForm("device_imeis", parse_imeis, "imei_count")


def _args(props: dict[str, Any], imeis: list[str]) -> LicenseArgs:
    # The set was validated in check; the license lifecycle takes it as a list without re-validating it.
    return LicenseArgs.model_construct(
        account_name=props["account_name"],
        device_imeis=imeis,
        api_version=props.get("api_version", "v3"),
        adopt=bool(props.get("adopt", False)),
    )


def _imeis(props: dict[str, Any]) -> list[str]:
    text = FORM.text(props)
    return text.split("\n") if text else []


def _outputs(inputs: dict[str, Any], imeis: list[str], state: LicenseState) -> dict[str, Any]:
    """Small outputs: the licenses not owned (usually none) stand for the owned ones."""
    unowned = sorted(set(imeis) - set(state.owned_imeis))
    return {
        **inputs,
        "unowned_imeis": unowned,
        "lic_count": state.lic_count,
        "lic_used_count": state.lic_used_count,
    }


def _state(outs: dict[str, Any]) -> LicenseState:
    unowned = set(outs.get("unowned_imeis") or [])
    return LicenseState(
        owned_imeis=[i for i in _imeis(outs) if i not in unowned],
        lic_count=outs.get("lic_count"),
        lic_used_count=outs.get("lic_used_count"),
    )


class LicenseBundleProvider(LicenseProvider):
    """The ``FotaLicenseAssignment`` lifecycle on a canonical IMEI text."""

    kind = "FotaLicenseBundle"
    importable = False
    import_hint = "import the IMEIs as a FotaLicenseAssignment instead"

    def imported(self, id_: str) -> dict[str, Any]:
        """Bundles are not imported: their set is a file the program owns."""
        return ThingSpaceProvider.imported(self, id_)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        """Validate every IMEI in one pass; store canonical text, hash, count and change summary."""
        return check_bundle(FORM, LicenseBundleArgs, olds, news)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """IMEIs compared by hash; only the account forces a replacement."""
        return diff_bundle(FORM, LicenseBundleArgs, olds, news, delete_before_replace=True)  # as licenses.py

    def create(self, props: dict[str, Any]) -> CreateResult:
        """Assign a license to every IMEI; already-licensed devices count as success."""
        inputs = FORM.outputs(own(props))
        imeis = _imeis(inputs)
        id_ = uuid.uuid4().hex
        state = self.assign_all(_args(inputs, imeis), id_)
        return CreateResult(id_, _outputs(inputs, imeis, state))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        """Ask ThingSpace which IMEIs hold a license; a lost license leaves the set until the next up."""
        outs = own(props)
        imeis = _imeis(outs)
        held = self.client.licensed_imeis(outs["account_name"], imeis, outs.get("api_version", "v3"))
        kept = [i for i in imeis if i in held]
        outs = reset_text(FORM, outs, kept)
        outs["unowned_imeis"] = [i for i in outs.get("unowned_imeis") or [] if i in held]
        return ReadResult(id_, outs, recorded_inputs(FORM, LicenseBundleArgs, outs))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """Assign the added IMEIs, remove the dropped ones this resource owns."""
        inputs = FORM.outputs(own(news))
        imeis = _imeis(inputs)
        state = self.change(_args(inputs, imeis), set(_imeis(olds)), _state(olds), id_)
        return UpdateResult(_outputs(inputs, imeis, state))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """Remove the licenses this resource owns; a device already without one is fine."""
        self.remove_owned(_args(props, []), _state(props).owned_imeis, id_)


def __getattr__(name: str) -> Any:
    # The resource classes are generated into .classes; this module's old names stay importable.
    if name in ("FotaLicenseBundle",):
        from . import classes

        return getattr(classes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
