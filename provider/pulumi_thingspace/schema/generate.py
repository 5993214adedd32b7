"""Build ``schema.json`` from the args/state models, the resource classes and the provider settings."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..config import SETTINGS
from ..models.bundles import (
    LabelBundleArgs,
    LabelBundleState,
    LicenseBundleArgs,
    LicenseBundleState,
    RetirementBundleArgs,
    RetirementBundleState,
)
from ..models.devices import ValidDeviceId
from ..models.identifiers import KIND_NAMES
from ..models.labels import DeviceLabel
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
from ..resources import (
    CallbackListener,
    DeviceRetirement,
    DeviceRetirementBundle,
    FotaLicenseAssignment,
    FotaLicenseBundle,
    UsageSegmentationLabel,
    UsageSegmentationLabelBundle,
    UsageSegmentationLabels,
)
from .reference import render_reference, update_readme
from .typemap import PACKAGE, ObjectType, TypeRegistry, extra, list_element, markdown, plain_default, token

__all__ = ["RESOURCES", "ResourceModels", "build_schema", "dump", "render_reference", "update_readme"]

DISTRIBUTION = "pulumi-thingspace"


@dataclass(frozen=True)
class ResourceModels:
    """A resource class with the models of its inputs (args) and of its extra outputs (state)."""

    cls: type[Any]
    args: type[ResourceArgs]
    state: type[BaseModel] | None = None

    @property
    def name(self) -> str:
        """The class's type name, e.g. ``UsageSegmentationLabels``."""
        return str(self.cls._resource_type_name).rsplit(":", 1)[1]

    @property
    def dynamic_token(self) -> str:
        """The type token the Pulumi engine records, e.g. ``pulumi-python:dynamic/thingspace:...``."""
        return f"pulumi-python:{self.cls._resource_type_name}"


RESOURCES: tuple[ResourceModels, ...] = (
    ResourceModels(UsageSegmentationLabels, LabelsArgs, LabelsState),
    ResourceModels(UsageSegmentationLabel, LabelArgs, LabelsState),
    ResourceModels(FotaLicenseAssignment, LicenseArgs, LicenseState),
    ResourceModels(DeviceRetirement, RetirementArgs, RetirementState),
    ResourceModels(CallbackListener, ListenerArgs, ListenerState),
    ResourceModels(UsageSegmentationLabelBundle, LabelBundleArgs, LabelBundleState),
    ResourceModels(FotaLicenseBundle, LicenseBundleArgs, LicenseBundleState),
    ResourceModels(DeviceRetirementBundle, RetirementBundleArgs, RetirementBundleState),
)

# Element models of list inputs; the single-label inputs document the same three fields.
OBJECT_TYPES: dict[type[BaseModel], ObjectType] = {
    DeviceLabel: ("Label", None, {n: f.description or n for n, f in LabelArgs.model_fields.items()}),
    ValidDeviceId: (
        "Device",
        "A device identifier: `{kind, id}`, the id in the kind's format.",
        {
            "kind": f"Identifier kind, in any letter case: {KIND_NAMES}.",
            "id": "The identifier in the kind's format, e.g. an EID is 32 digits, an IMEI 15.",
        },
    ),
}

# Value type of the map a list input is checked and stored as (label value, else set membership).
STORED_VALUE: dict[type[BaseModel], str] = {DeviceLabel: "string"}

PACKAGE_NOTE = (
    "The resources are Pulumi dynamic resources implemented in Python: this schema is their "
    "machine-checkable contract (property names, types, required inputs, secrets, replacements), "
    "not a build input for generated SDKs. Property names are the provider's own snake_case keys; "
    "each resource's description gives the type token the engine records."
)


def _documented(field_name: str, field: FieldInfo) -> str:
    if not field.description:
        raise ValueError(f"field {field_name} has no description; add Field(description=...)")
    return field.description


def _flags(spec: dict[str, Any], field: FieldInfo) -> dict[str, Any]:
    flags = extra(field)
    if flags.get("replace"):
        spec["replaceOnChanges"] = True
        spec["willReplaceOnChanges"] = True
    if flags.get("secret"):
        spec["secret"] = True
    return spec


def _always_present(field: FieldInfo) -> bool:
    """Required fields and fields with a non-null default are in every output."""
    return field.is_required() or field.get_default(call_default_factory=True) is not None


def _stored(registry: TypeRegistry, field_name: str, field: FieldInfo) -> dict[str, Any]:
    """The output type: list inputs are checked and stored as maps keyed by device."""
    element = list_element(field.annotation)
    if element is None:
        return registry.spec(field.annotation, field_name, field.description)
    value = STORED_VALUE.get(element, "boolean") if isinstance(element, type) else "boolean"
    return {"type": "object", "additionalProperties": {"type": value}}


def _resource(registry: TypeRegistry, res: ResourceModels) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    required_outputs: list[str] = []
    for name, field in res.args.model_fields.items():
        description = _documented(name, field)
        spec = registry.spec(field.annotation, name, description)
        spec["description"] = description
        default = plain_default(field)
        if default is not None:
            spec["default"] = default
        inputs[name] = _flags(spec, field)
        outputs[name] = _flags({**_stored(registry, name, field), "description": description}, field)
        if _always_present(field):
            required_outputs.append(name)
    state_fields = res.state.model_fields if res.state else {}
    for name, field in state_fields.items():
        description = _documented(name, field)
        spec = registry.spec(field.annotation, name, description)
        outputs[name] = _flags({**spec, "description": description}, field)
        if _always_present(field):
            required_outputs.append(name)
    description = markdown(res.cls.__doc__ or res.name)
    return {
        "description": f"{description}\n\nDynamic resource type token: `{res.dynamic_token}`.",
        "inputProperties": inputs,
        "requiredInputs": [n for n, f in res.args.model_fields.items() if f.is_required()],
        "properties": outputs,
        "required": required_outputs,
    }


def _config() -> dict[str, Any]:
    variables: dict[str, Any] = {}
    for s in SETTINGS:
        spec: dict[str, Any] = {
            "type": s.type,
            "description": s.description,
            "defaultInfo": {"environment": [s.env]},
        }
        if s.secret:
            spec["secret"] = True
        if s.default is not None:
            spec["default"] = s.default
        variables[s.key] = spec
    return {"variables": variables}


def build_schema() -> dict[str, Any]:
    """The package schema of ``thingspace`` as a dict (serialise it with :func:`dump`)."""
    meta = metadata.metadata(DISTRIBUTION)
    registry = TypeRegistry(OBJECT_TYPES)
    resources = {token(res.name): _resource(registry, res) for res in RESOURCES}
    licenses = meta.get_all("License-Expression") or meta.get_all("License") or []
    schema: dict[str, Any] = {
        "name": PACKAGE,
        "displayName": "Verizon ThingSpace",
        "version": meta["Version"],
        "description": f"{meta['Summary']}.\n\n{PACKAGE_NOTE}",
        "keywords": [k.strip() for k in (meta["Keywords"] or "").split(",") if k.strip()],
        "config": _config(),
        "types": registry.types,
        "resources": resources,
    }
    if licenses:
        schema["license"] = licenses[0]
    return schema


def dump(schema: dict[str, Any]) -> str:
    """The canonical text of ``schema.json``: sorted keys, two-space indent, final newline."""
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
