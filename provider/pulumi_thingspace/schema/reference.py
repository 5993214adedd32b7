"""Markdown reference tables generated from the schema, and their placement in README.md."""

from __future__ import annotations

import json
from typing import Any

from .examples import strip_examples

MARKERS = {
    "CONFIG": ("<!-- BEGIN GENERATED CONFIG -->", "<!-- END GENERATED CONFIG -->"),
    "REFERENCE": ("<!-- BEGIN GENERATED REFERENCE -->", "<!-- END GENERATED REFERENCE -->"),
}


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


def _resource(token: str, res: dict[str, Any]) -> list[str]:
    required = set(res.get("requiredInputs", []))
    always = set(res.get("required", []))
    inputs = [
        [
            f"`{n}`",
            type_name(p),
            _yes(n in required),
            _default(p),
            _yes(p.get("replaceOnChanges")),
            _yes(p.get("secret")),
            p.get("description", ""),
        ]
        for n, p in res["inputProperties"].items()
    ]
    outputs = [
        [f"`{n}`", type_name(p), _yes(n in always), _yes(p.get("secret")), p.get("description", "")]
        for n, p in res["properties"].items()
    ]
    return [
        f"### {token.rsplit(':', 1)[-1]}",
        "",
        strip_examples(res["description"]),
        "",
        "Inputs:",
        "",
        *_table(
            ["Name", "Type", "Required", "Default", "Forces replacement", "Secret", "Description"], inputs
        ),
        "",
        "Outputs (all inputs as stored, plus state):",
        "",
        *_table(["Name", "Type", "Always set", "Secret", "Description"], outputs),
        "",
    ]


def _type(token: str, spec: dict[str, Any]) -> list[str]:
    lines = [f"### {token.rsplit(':', 1)[-1]}", "", spec.get("description", ""), ""]
    if "enum" in spec:
        values = ", ".join(f"`{json.dumps(v['value'])}`" for v in spec["enum"])
        return [*lines, f"A {spec['type']}, one of: {values}.", ""]
    required = set(spec.get("required", []))
    rows = [
        [f"`{n}`", type_name(p), _yes(n in required), p.get("description", "")]
        for n, p in spec.get("properties", {}).items()
    ]
    return [*lines, *_table(["Name", "Type", "Required", "Description"], rows), ""]


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
    intro = (
        "Stack configuration comes first (`pulumi config set [--secret] <key> <value>`), "
        "then the environment variable."
    )
    return [intro, "", *_table(["Key", "Environment variable", "Secret", "Default", "Description"], rows)]


def _block(marker: str, lines: list[str]) -> str:
    begin, end = MARKERS[marker]
    body = "\n".join(lines).strip("\n")
    return f"{begin}\n{body}\n{end}"


def render_reference(schema: dict[str, Any]) -> str:
    """Markdown for the README: the provider config table and per-resource input/output tables.

    Both come between their README markers; resources, properties and types keep the schema's order.
    """
    lines = [
        "Generated from [schema.json](schema.json). Property names are the provider's own keys; "
        "device sets are given as lists and stored (and output) as maps keyed by device.",
        "",
    ]
    for token, res in schema.get("resources", {}).items():
        lines += _resource(token, res)
    if schema.get("types"):
        lines += ["### Types", ""]
        for token, spec in schema["types"].items():
            lines += ["#" + line if line.startswith("### ") else line for line in _type(token, spec)]
    config = _block("CONFIG", _config(schema))
    return f"{config}\n\n{_block('REFERENCE', lines)}\n"


def update_readme(text: str, reference: str) -> str:
    """Replace each generated block of ``reference`` between the same markers in ``text``."""
    for marker, (begin, end) in MARKERS.items():
        start = reference.find(begin)
        if start < 0:
            continue
        block = reference[start : reference.index(end, start) + len(end)]
        head, found, rest = text.partition(begin)
        if not found or end not in rest:
            raise ValueError(f"README has no {begin} ... {end} section for the generated {marker.lower()}")
        text = head + block + rest[rest.index(end) + len(end) :]
    return text
