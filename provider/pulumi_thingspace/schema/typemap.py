"""Python and pydantic annotations to Pulumi schema type references."""

from __future__ import annotations

import inspect
import re
import types
from collections.abc import Iterable, Sequence
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ..models.compact import CSV_HEADER

PACKAGE = "thingspace"
MODULE = "index"

# An element model's schema type name, description (None: the docstring) and docs for its bare fields.
ObjectType = tuple[str, str | None, dict[str, str]]

_PRIMITIVES: dict[Any, str] = {str: "string", bool: "boolean", int: "integer", float: "number"}


def token(name: str) -> str:
    """The schema token of a type or resource of this package, e.g. ``thingspace:index:Label``."""
    return f"{PACKAGE}:{MODULE}:{name}"


def ref(name: str) -> dict[str, Any]:
    """A reference to a type in this package's ``types``."""
    return {"$ref": f"#/types/{token(name)}"}


def markdown(text: str) -> str:
    """Docstring text as Markdown: reST double backticks become single ones."""
    return inspect.cleandoc(text).replace("``", "`")


def camel(name: str) -> str:
    """``api_version`` -> ``ApiVersion``."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def prop_name(name: str) -> str:
    """``account_name`` -> ``accountName``: a field's property name in the schema and the plugin."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def snake_name(name: str) -> str:
    """``changeSummary`` -> ``change_summary``: the inverse of :func:`prop_name`."""
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


VERBATIM = (",".join(CSV_HEADER),)
"""Code spans users type as they are: the label bundle's CSV header."""


def for_every_language(text: str, names: Iterable[str] = (), verbatim: Iterable[str] = VERBATIM) -> str:
    """Docs text with Python spellings made language-neutral: snake_case names in code spans and the
    field ``names`` anywhere else become camelCase (code spans in ``verbatim``, such as a file format's
    header, stay as they are); ``protect=True`` becomes the resource option."""
    text = text.replace("`protect=True`", "the `protect` resource option")
    known, verbatim = set(names), set(verbatim)
    parts = re.split(r"(`[^`]*`)", text)
    for i, part in enumerate(parts):
        if part.startswith("`"):
            if re.fullmatch(r"`[a-z][a-z0-9]*(?:_[a-z0-9]+)+`", part):
                parts[i] = f"`{prop_name(part[1:-1])}`"
            elif part.strip("`") not in verbatim:  # e.g. `<account_name>/<service_name>`, `{device_id, ...}`
                parts[i] = _SNAKE.sub(lambda m: prop_name(m[0]) if m[0] in known else m[0], part)
        else:
            parts[i] = _SNAKE.sub(lambda m: prop_name(m[0]) if m[0] in known else m[0], part)
    return "".join(parts)


def extra(field: FieldInfo) -> dict[str, Any]:
    """The field's ``json_schema_extra`` (``replace``, ``secret`` flags) as a dict."""
    return field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}


def plain_default(field: FieldInfo) -> bool | int | float | str | None:
    """The field's default when it is a schema-representable scalar, else None."""
    default = field.default
    if default is PydanticUndefined or field.default_factory is not None:
        return None
    return default if isinstance(default, (bool, int, float, str)) else None


def list_element(annotation: Any) -> Any | None:
    """The element type when ``annotation`` is a list (possibly optional), else None."""
    annotation = _strip(annotation)
    if get_origin(annotation) in (list, Sequence):
        return get_args(annotation)[0]
    return None


def _strip(annotation: Any) -> Any:
    """Drop ``Annotated`` metadata and ``None`` from optional types."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            rest = [a for a in get_args(annotation) if a is not type(None)]
            if len(rest) != 1:
                raise TypeError(f"no schema type for the union {annotation!r}")
            annotation = rest[0]
        else:
            return annotation


class TypeRegistry:
    """Maps annotations to type references, collecting the object and enum types they name."""

    def __init__(self, objects: dict[type[BaseModel], ObjectType]) -> None:
        self._objects = objects
        self.types: dict[str, dict[str, Any]] = {}

    def spec(self, annotation: Any, field_name: str, description: str | None = None) -> dict[str, Any]:
        """The type reference for ``annotation``; ``field_name`` names a Literal's enum type."""
        annotation = _strip(annotation)
        origin, args = get_origin(annotation), get_args(annotation)
        if annotation in _PRIMITIVES:
            return {"type": _PRIMITIVES[annotation]}
        if origin is Literal:
            return self._enum(camel(field_name), args, description)
        if origin in (list, Sequence):
            return {"type": "array", "items": self.spec(args[0], field_name)}
        if origin is dict:
            if _strip(args[0]) is not str:
                raise TypeError(f"map keys must be strings: {annotation!r}")
            return {"type": "object", "additionalProperties": self.spec(args[1], field_name)}
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return self._object(annotation)
        raise TypeError(f"no schema type for {annotation!r} (field {field_name})")

    def _enum(self, name: str, values: tuple[Any, ...], description: str | None) -> dict[str, Any]:
        kinds = {_PRIMITIVES[type(v)] for v in values}
        if len(kinds) != 1:
            raise TypeError(f"enum {name} mixes value types: {values!r}")
        spec: dict[str, Any] = {"type": kinds.pop(), "enum": [{"value": v} for v in values]}
        if description:
            spec["description"] = description
        self._add(name, spec)
        return ref(name)

    def _object(self, model: type[BaseModel]) -> dict[str, Any]:
        if model not in self._objects:
            raise TypeError(f"{model.__name__} has no schema type name; add it to the object types")
        name, description, docs = self._objects[model]
        properties: dict[str, Any] = {}
        for field_name, field in model.model_fields.items():
            prop = self.spec(field.annotation, field_name)
            prop["description"] = for_every_language(
                field.description or docs[field_name], model.model_fields
            )
            properties[prop_name(field_name)] = prop
        required = [prop_name(n) for n, f in model.model_fields.items() if f.is_required()]
        spec = {
            "type": "object",
            "description": description
            or for_every_language(markdown(model.__doc__ or name), model.model_fields),
            "properties": properties,
            "required": required,
        }
        self._add(name, spec)
        return ref(name)

    def _add(self, name: str, spec: dict[str, Any]) -> None:
        existing = self.types.setdefault(token(name), spec)
        if existing != spec:
            raise TypeError(f"two different definitions of the schema type {token(name)}")
