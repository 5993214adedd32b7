"""The settings table generated from the schema, and its place in the configuration page."""

from __future__ import annotations

import json
from typing import Any

MARKERS = {
    "CONFIG": ("<!-- BEGIN GENERATED CONFIG -->", "<!-- END GENERATED CONFIG -->"),
}
CONFIG_PAGE = "docs/installation-configuration.md"
"""The page whose settings table ``make schema`` writes (the per-resource pages are in ``pages``)."""


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _yes(flag: Any) -> str:
    return "yes" if flag else "no"


def _default(spec: dict[str, Any]) -> str:
    return f"`{json.dumps(spec['default'])}`" if "default" in spec else ""


def type_name(spec: dict[str, Any]) -> str:
    """A short readable form of a type reference: ``list[Label]``, ``map[string, boolean]``."""
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit(":", 1)[-1]
    kind = spec.get("type")
    if kind == "array":
        return f"list[{type_name(spec['items'])}]"
    if kind == "object":
        return f"map[string, {type_name(spec.get('additionalProperties', {'type': 'string'}))}]"
    return str(kind)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return lines + ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]


def _config(schema: dict[str, Any]) -> list[str]:
    rows = [
        [
            f"`{schema['name']}:{key}`",
            ", ".join(f"`{e}`" for e in spec.get("defaultInfo", {}).get("environment", [])),
            _yes(spec.get("secret")),
            _default(spec),
            spec.get("description", ""),
        ]
        for key, spec in schema.get("config", {}).get("variables", {}).items()
    ]
    return [*_table(["Key", "Environment variable", "Secret", "Default", "Description"], rows)]


def _block(marker: str, lines: list[str]) -> str:
    begin, end = MARKERS[marker]
    body = "\n".join(lines).strip("\n")
    return f"{begin}\n{body}\n{end}"


def render_reference(schema: dict[str, Any]) -> str:
    """The generated settings table (between its markers) for the configuration page."""
    return _block("CONFIG", _config(schema)) + "\n"


def update_generated(text: str, reference: str) -> str:
    """Replace each generated block of ``reference`` between the same markers in ``text``."""
    for marker, (begin, end) in MARKERS.items():
        start = reference.find(begin)
        if start < 0:
            continue
        block = reference[start : reference.index(end, start) + len(end)]
        head, found, rest = text.partition(begin)
        if not found or end not in rest:
            raise ValueError(
                f"{CONFIG_PAGE} has no {begin} ... {end} section for the generated {marker.lower()}"
            )
        text = head + block + rest[rest.index(end) + len(end) :]
    return text
