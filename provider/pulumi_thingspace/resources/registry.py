"""The one declaration of every resource: its name, family, models, module and provider.

Everything else is derived from this table: the dynamic classes' type names, ``schema.json``, the
provider plugin's dispatch, the review tool's families and the generated reference. A resource's
inputs, outputs, secrets, replacements and docs live in its args and state models (``models``); its
lifecycle lives in its provider class, shared by the dynamic provider and the plugin.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..models.bundles import (
    LabelBundleArgs,
    LabelBundleState,
    LicenseBundleArgs,
    LicenseBundleState,
    RetirementBundleArgs,
    RetirementBundleState,
)
from ..models.resources import (
    LabelArgs,
    LabelsArgs,
    LabelsState,
    LicenseArgs,
    LicenseState,
    ListenerArgs,
    ListenerState,
    ResourceArgs,
    RetirementArgs,
    RetirementState,
)

if TYPE_CHECKING:
    from .base import ThingSpaceProvider

PACKAGE = "thingspace"
LABELS, LICENSES, RETIREMENT, LISTENER = "labels", "licenses", "retirement", "listener"


@dataclass(frozen=True)
class ResourceModels:
    """One resource: its type name, family, input (args) and extra output (state) models, and code."""

    name: str
    """The type name, e.g. ``UsageSegmentationLabels``."""
    family: str
    """``labels``, ``licenses``, ``retirement`` or ``listener``: resources reviewed and policed alike."""
    args: type[ResourceArgs]
    state: type[BaseModel] | None
    module: str
    """The module under ``pulumi_thingspace.resources`` that holds the class and its provider."""
    provider_class: str
    """The lifecycle (a ``ThingSpaceProvider``) in ``module``."""

    @property
    def token(self) -> str:
        """The plugin's type token, e.g. ``thingspace:index:UsageSegmentationLabels``."""
        return f"{PACKAGE}:index:{self.name}"

    @property
    def dynamic_token(self) -> str:
        """The type token the engine records for the dynamic class, e.g. ``pulumi-python:dynamic/...``."""
        return f"pulumi-python:dynamic/{PACKAGE}:{self.name}"

    def _module(self) -> Any:
        return importlib.import_module(f"{__package__}.{self.module}")

    @property
    def cls(self) -> type[Any]:
        """The dynamic resource class Python programs use."""
        return getattr(self._module(), self.name)  # type: ignore[no-any-return]

    def provider(self) -> ThingSpaceProvider:
        """A new instance of the resource's lifecycle."""
        return getattr(self._module(), self.provider_class)()  # type: ignore[no-any-return]

    def secret_fields(self) -> set[str]:
        """Inputs and outputs marked secret."""
        fields = dict(self.args.model_fields)
        fields.update(self.state.model_fields if self.state else {})
        return {n for n, f in fields.items() if _extra(f).get("secret")}


def _extra(field: Any) -> dict[str, Any]:
    return field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}


RESOURCES: tuple[ResourceModels, ...] = (
    ResourceModels("UsageSegmentationLabels", LABELS, LabelsArgs, LabelsState, "labels", "LabelSetProvider"),
    ResourceModels("UsageSegmentationLabel", LABELS, LabelArgs, LabelsState, "label", "SingleLabelProvider"),
    ResourceModels(
        "FotaLicenseAssignment", LICENSES, LicenseArgs, LicenseState, "licenses", "LicenseProvider"
    ),
    ResourceModels(
        "DeviceRetirement", RETIREMENT, RetirementArgs, RetirementState, "retirement", "RetirementProvider"
    ),
    ResourceModels("CallbackListener", LISTENER, ListenerArgs, ListenerState, "listener", "ListenerProvider"),
    ResourceModels(
        "UsageSegmentationLabelBundle",
        LABELS,
        LabelBundleArgs,
        LabelBundleState,
        "label_bundle",
        "LabelBundleProvider",
    ),
    ResourceModels(
        "FotaLicenseBundle",
        LICENSES,
        LicenseBundleArgs,
        LicenseBundleState,
        "license_bundle",
        "LicenseBundleProvider",
    ),
    ResourceModels(
        "DeviceRetirementBundle",
        RETIREMENT,
        RetirementBundleArgs,
        RetirementBundleState,
        "retirement_bundle",
        "RetirementBundleProvider",
    ),
)

BY_NAME: dict[str, ResourceModels] = {r.name: r for r in RESOURCES}


def by_token(token: str) -> ResourceModels | None:
    """The resource of a plugin token (``thingspace:index:X``) or dynamic token; None for others."""
    name = token.rsplit(":", 1)[-1]
    res = BY_NAME.get(name)
    return res if res is not None and token in (res.token, res.dynamic_token) else None
