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
    """The module under ``pulumi_thingspace.resources`` that holds the lifecycle."""
    provider_class: str
    """The lifecycle (a ``ThingSpaceProvider``) in ``module``."""
    doc: str
    """What the resource manages and how refresh and import see it (the class docstring, the schema's
    description and the reference page)."""

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
        """The dynamic resource class Python programs use (generated into ``classes``)."""
        from . import classes

        return getattr(classes, self.name)  # type: ignore[no-any-return]

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


USAGESEGMENTATIONLABELS_DOC = """
Usage segmentation labels on devices, managed as one set keyed by (device EID, label name).

Labels are write-only in ThingSpace: ``pulumi refresh`` sees labels changed outside Pulumi only
through a callback sink's label ledger (``thingspace:callbackResultsUrl``), which records every
label result reported on the account; without a sink, refresh returns the recorded labels."""

USAGESEGMENTATIONLABEL_DOC = """
One usage segmentation label on one device (EID).

``pulumi refresh`` sees the label changed or removed outside Pulumi only through a callback sink's
label ledger (``thingspace:callbackResultsUrl``); without a sink, refresh returns the recorded label."""

FOTALICENSEASSIGNMENT_DOC = """
FOTA firmware licenses assigned to devices by IMEI (v3 by default, v1 on request).

``pulumi refresh`` reads which IMEIs still hold a license; the next ``up`` restores lost ones."""

DEVICERETIREMENT_DOC = """
Devices deleted from a ThingSpace account. DESTRUCTIVE on create: use ``protect=True``.

Deleting the resource never restores devices. ``pulumi refresh`` reports devices that exist again."""

CALLBACKLISTENER_DOC = """
A callback listener (CarrierService by default) registered for an account.

Register it before label changes (``depends_on``): ThingSpace reports label results only there."""

USAGESEGMENTATIONLABELBUNDLE_DOC = """
Usage segmentation labels for a large fleet, passed to Pulumi as one canonical text.

Same lifecycle as ``UsageSegmentationLabels`` (updates send only the difference), but the set
crosses the engine as one string and diff compares its SHA-256, so previews stay fast at 100,000
labels. A preview shows changed labels as changed lines and ``change_summary``. ``labels`` is a list
of label objects, text (JSON lines or CSV with the header ``device_id,name,value``) or a
``pathlib.Path`` to such a file (line numbers in errors are the file's).

``pulumi refresh`` sees labels changed outside Pulumi only through a callback sink's label ledger
(``thingspace:callbackResultsUrl``); without a sink, refresh returns the recorded labels."""

FOTALICENSEBUNDLE_DOC = """
FOTA firmware licenses for a large IMEI set, passed to Pulumi as one text (one IMEI per line).

Same lifecycle as ``FotaLicenseAssignment``; diff compares the set's SHA-256 and a preview shows
added and dropped IMEIs as changed lines and in ``change_summary``."""

DEVICERETIREMENTBUNDLE_DOC = """
Devices deleted from an account, for large sets: one ``<kind>:<id>`` per line. DESTRUCTIVE.

Same lifecycle as ``DeviceRetirement`` (use ``protect=True``; deleting the resource never restores
devices); diff compares the set's SHA-256 and a preview lists added devices in ``change_summary``."""


RESOURCES: tuple[ResourceModels, ...] = (
    ResourceModels(
        "UsageSegmentationLabels",
        LABELS,
        LabelsArgs,
        LabelsState,
        "labels",
        "LabelSetProvider",
        USAGESEGMENTATIONLABELS_DOC,
    ),
    ResourceModels(
        "UsageSegmentationLabel",
        LABELS,
        LabelArgs,
        LabelsState,
        "label",
        "SingleLabelProvider",
        USAGESEGMENTATIONLABEL_DOC,
    ),
    ResourceModels(
        "FotaLicenseAssignment",
        LICENSES,
        LicenseArgs,
        LicenseState,
        "licenses",
        "LicenseProvider",
        FOTALICENSEASSIGNMENT_DOC,
    ),
    ResourceModels(
        "DeviceRetirement",
        RETIREMENT,
        RetirementArgs,
        RetirementState,
        "retirement",
        "RetirementProvider",
        DEVICERETIREMENT_DOC,
    ),
    ResourceModels(
        "CallbackListener",
        LISTENER,
        ListenerArgs,
        ListenerState,
        "listener",
        "ListenerProvider",
        CALLBACKLISTENER_DOC,
    ),
    ResourceModels(
        "UsageSegmentationLabelBundle",
        LABELS,
        LabelBundleArgs,
        LabelBundleState,
        "label_bundle",
        "LabelBundleProvider",
        USAGESEGMENTATIONLABELBUNDLE_DOC,
    ),
    ResourceModels(
        "FotaLicenseBundle",
        LICENSES,
        LicenseBundleArgs,
        LicenseBundleState,
        "license_bundle",
        "LicenseBundleProvider",
        FOTALICENSEBUNDLE_DOC,
    ),
    ResourceModels(
        "DeviceRetirementBundle",
        RETIREMENT,
        RetirementBundleArgs,
        RetirementBundleState,
        "retirement_bundle",
        "RetirementBundleProvider",
        DEVICERETIREMENTBUNDLE_DOC,
    ),
)

BY_NAME: dict[str, ResourceModels] = {r.name: r for r in RESOURCES}


def by_token(token: str) -> ResourceModels | None:
    """The resource of a plugin token (``thingspace:index:X``) or dynamic token; None for others."""
    name = token.rsplit(":", 1)[-1]
    res = BY_NAME.get(name)
    return res if res is not None and token in (res.token, res.dynamic_token) else None
