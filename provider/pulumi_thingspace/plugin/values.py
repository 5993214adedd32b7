"""Property values between the engine's form (camelCase, ``PropertyValue``) and the lifecycle's (snake_case,
plain Python, unknowns as the SDK's sentinel string)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.provider.experimental.property_value import Computed, PropertyValue
from pulumi.runtime import rpc

from ..resources.registry import ResourceModels
from ..schema.typemap import list_element, prop_name, snake_name


def plain(value: PropertyValue) -> Any:
    """A property value as plain Python: secrets unwrapped, unknowns as ``rpc.UNKNOWN``."""
    inner = value.value
    if isinstance(inner, Computed):
        return rpc.UNKNOWN
    if isinstance(inner, Mapping):
        return {k: plain(v) for k, v in inner.items()}
    if isinstance(inner, tuple):
        return [plain(v) for v in inner]
    if isinstance(inner, float) and inner.is_integer():
        return int(inner)  # numbers arrive as floats; the models count in ints
    return inner


def wrap(value: Any, secret: bool = False) -> PropertyValue:
    """Plain Python as a property value (ints as floats, the unknown sentinel as computed)."""
    if isinstance(value, PropertyValue):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return PropertyValue(value, is_secret=secret)
    if isinstance(value, int):
        return PropertyValue(float(value), is_secret=secret)
    if isinstance(value, str):
        return PropertyValue(Computed() if value == rpc.UNKNOWN else value, is_secret=secret)
    if isinstance(value, Mapping):
        return PropertyValue({str(k): wrap(v) for k, v in value.items()}, is_secret=secret)
    if isinstance(value, Iterable):
        return PropertyValue([wrap(v) for v in value], is_secret=secret)
    raise TypeError(f"no property value for {type(value).__name__}")


class Names:
    """One resource's property names: camelCase in the schema, snake_case in its models."""

    def __init__(self, res: ResourceModels) -> None:
        fields = dict(res.args.model_fields)
        fields.update(res.state.model_fields if res.state else {})
        self.to_snake = {prop_name(n): n for n in fields}
        self.to_camel = {n: c for c, n in self.to_snake.items()}
        # List inputs of objects (labels, devices): their elements' keys are renamed too.
        self.object_lists = {
            n
            for n, f in res.args.model_fields.items()
            if isinstance(element := list_element(f.annotation), type) and hasattr(element, "model_fields")
        }
        self.secrets = res.secret_fields()
        # Messages also name the fields of list elements (labels[0].device_id), which programs write in
        # camelCase too; these names are for text only, never for properties.
        self._text_names = dict(self.to_camel)
        for name in self.object_lists:
            fields = getattr(list_element(res.args.model_fields[name].annotation), "model_fields", {})
            self._text_names.update({n: prop_name(n) for n in fields})

    def inputs(self, props: Mapping[str, PropertyValue]) -> tuple[dict[str, Any], set[str]]:
        """Engine properties as the lifecycle's dict, with the snake names of those that were secret."""
        out: dict[str, Any] = {}
        secret: set[str] = set()
        for key, value in props.items():
            name = self.to_snake.get(key) or snake_name(key)
            item = plain(value)
            if name in self.object_lists and isinstance(item, list):
                item = [_snake_keys(e) for e in item]
            out[name] = item
            if value.is_secret or value.contains_secret():
                secret.add(name)
        return out, secret

    def outputs(self, props: Mapping[str, Any], secret: Iterable[str] = ()) -> dict[str, PropertyValue]:
        """The lifecycle's dict as engine properties; declared secrets and ``secret`` ones stay secret."""
        hidden = self.secrets | set(secret)
        return {
            self.to_camel.get(k) or prop_name(k): wrap(v, k in hidden)
            for k, v in props.items()
            if v is not None
        }

    def camel_text(self, text: str) -> str:
        """A message with this resource's snake_case field names in camelCase."""
        for snake, camel in sorted(self._text_names.items(), key=lambda kv: -len(kv[0])):
            if snake != camel:
                text = text.replace(snake, camel)
        return text


def _snake_keys(item: Any) -> Any:
    if not isinstance(item, dict):
        return item
    return {snake_name(k): v for k, v in item.items()}
