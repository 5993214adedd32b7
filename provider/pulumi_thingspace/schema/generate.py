"""Build ``schema.json`` from the args/state models, the resource classes and the provider settings."""

from __future__ import annotations

import json
from importlib import metadata
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..config import SETTINGS
from ..models.devices import ValidDeviceId
from ..models.identifiers import KIND_NAMES
from ..models.labels import DeviceLabel
from ..models.resources import LabelArgs
from ..resources.registry import RESOURCES, ResourceModels
from .examples import with_examples
from .reference import render_reference, update_generated
from .typemap import (
    PACKAGE,
    ObjectType,
    TypeRegistry,
    extra,
    for_every_language,
    list_element,
    markdown,
    plain_default,
    prop_name,
    token,
)

__all__ = ["RESOURCES", "ResourceModels", "build_schema", "dump", "render_reference", "update_generated"]

DISTRIBUTION = "pulumi-thingspace"


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
    "The provider plugin `pulumi-resource-thingspace` serves this schema, so programs in every Pulumi "
    "language use the resources (`thingspace:index:<Name>`); Python programs can also use the same "
    "resources as dynamic resources from the `pulumi_thingspace` package."
)

LANGUAGE: dict[str, Any] = {
    # Generated SDKs carry the schema's version (else 0.0.0, and `pulumi import` cannot load them).
    "python": {"respectSchemaVersion": True, "packageName": "pulumi_thingspace_sdk"},
    "nodejs": {"respectSchemaVersion": True, "packageName": "@pulumi-thingspace/thingspace"},
}
"""Per-language options; the Python SDK is named apart from this package, which holds the provider."""


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


def _field_names(res: ResourceModels) -> list[str]:
    """Every field name a description may mention: the package's resource and element fields."""
    names = {n for r in RESOURCES for m in (r.args, r.state) if m for n in m.model_fields}
    return sorted(names | {n for model in OBJECT_TYPES for n in model.model_fields})


def _resource(registry: TypeRegistry, res: ResourceModels) -> dict[str, Any]:
    inputs: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    required_outputs: list[str] = []
    names = _field_names(res)
    for name, field in res.args.model_fields.items():
        description = for_every_language(_documented(name, field), names)
        spec = registry.spec(field.annotation, name, description)
        spec["description"] = description
        default = plain_default(field)
        if default is not None:
            spec["default"] = default
        inputs[prop_name(name)] = _flags(spec, field)
        outputs[prop_name(name)] = _flags(
            {**_stored(registry, name, field), "description": description}, field
        )
        if _always_present(field):
            required_outputs.append(prop_name(name))
    state_fields = res.state.model_fields if res.state else {}
    for name, field in state_fields.items():
        description = for_every_language(_documented(name, field), names)
        spec = registry.spec(field.annotation, name, description)
        outputs[prop_name(name)] = _flags({**spec, "description": description}, field)
        if _always_present(field):
            required_outputs.append(prop_name(name))
    description = for_every_language(markdown(res.doc), names)
    python = (
        f"Python programs can also use the dynamic resource class `pulumi_thingspace.{res.name}` "
        f"(type token `{res.dynamic_token}`), which takes the same inputs in snake_case."
    )
    return {
        "description": with_examples(f"{description}\n\n{python}", res.name),
        "inputProperties": inputs,
        "requiredInputs": [prop_name(n) for n, f in res.args.model_fields.items() if f.is_required()],
        "properties": outputs,
        "required": required_outputs,
    }


def _settings() -> dict[str, Any]:
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
    return variables


def _provider() -> dict[str, Any]:
    """The explicit provider: the same settings as stack config, so one program can hold two tenants."""
    settings = _settings()
    return {
        "description": "The ThingSpace provider: the account credentials, API URL and callback sink "
        "its resources use. Declare one per ThingSpace tenant and pass it to each resource as its "
        "provider; resources without one use the stack's `thingspace:*` config.",
        "inputProperties": settings,
        "properties": settings,
    }


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
        "config": {"variables": _settings()},
        "provider": _provider(),
        "types": registry.types,
        "resources": resources,
        "language": LANGUAGE,
    }
    if licenses:
        schema["license"] = licenses[0]
    return schema


def dump(schema: dict[str, Any]) -> str:
    """The canonical text of ``schema.json``: sorted keys, two-space indent, final newline."""
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"
