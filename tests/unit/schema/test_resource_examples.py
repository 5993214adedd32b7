"""The per-language examples of every resource: present, in the schema, and each one true to its language.

* Every resource has a TypeScript, a Python and a YAML example, carried by its schema description.
* YAML: every resource declares only properties the schema has, with the required ones, in the schema's
  types; ``${resource.output}`` references name outputs the schema has.
* The reference pages in ``docs/resources`` are what ``make schema`` generates, one per resource.

The Python examples run in ``tests/engine/schema``; the TypeScript ones type-check in ``tests/cli/schema``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

from kits.paths import REPO
from pulumi_thingspace.resources.registry import RESOURCES
from pulumi_thingspace.schema import build_schema
from pulumi_thingspace.schema.__main__ import main
from pulumi_thingspace.schema.examples import (
    EXAMPLES_DIR,
    LANGUAGES,
    ExampleError,
    example_path,
    load_example,
    parse_examples,
    render_examples,
)
from pulumi_thingspace.schema.pages import INDEX, PAGES_DIR, import_support, page_file, render_pages
from pulumi_thingspace.schema.reference import CONFIG_PAGE


def code(name: str, tag: str) -> str:
    return load_example(name).code[tag]


# (a) Every resource has all three examples, and the schema carries them in Pulumi's examples block.


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.name)
def test_every_resource_has_an_example_in_each_language_in_its_schema_description(
    res: Any, schema: dict[str, Any]
) -> None:
    example = load_example(res.name)
    assert set(example.code) == {"typescript", "python", "yaml"} and example.title
    assert re.search(rf"new thingspace\.{res.name}\(", example.code["typescript"])
    assert '"@pulumi-thingspace/thingspace"' in example.code["typescript"]
    assert re.search(rf"\bthingspace\.{res.name}\(", example.code["python"])
    assert "import pulumi_thingspace as thingspace" in example.code["python"]
    assert f"type: {res.token}\n" in example.code["yaml"]
    description = schema["resources"][res.token]["description"]
    assert description.endswith("\n" + render_examples(example)), "schema.json has the examples block"
    assert parse_examples(description) == [example]


def test_example_files_belong_to_resources_and_agree_on_their_title(tmp_path: Path) -> None:
    expected = {example_path(res.name, lang).name for res in RESOURCES for lang in LANGUAGES}
    assert {p.name for p in EXAMPLES_DIR.iterdir() if p.is_file()} == expected
    for lang in LANGUAGES:
        shutil.copy(example_path("CallbackListener", lang), tmp_path)
    (tmp_path / "CallbackListener.yaml").write_text("# Another title\nresources: {}\n")
    with pytest.raises(ExampleError, match="different titles"):
        load_example("CallbackListener", tmp_path)
    (tmp_path / "CallbackListener.yaml").unlink()
    with pytest.raises(ExampleError, match=r"CallbackListener\.yaml is missing"):
        load_example("CallbackListener", tmp_path)


# (b) The YAML examples declare only properties the schema has, with the required ones.

OPTIONS = {
    "additionalSecretOutputs", "aliases", "customTimeouts", "deleteBeforeReplace", "deletedWith",
    "dependsOn", "ignoreChanges", "import", "parent", "protect", "provider", "providers",
    "replaceOnChanges", "retainOnDelete", "version", "pluginDownloadURL",
}  # fmt: skip
TOP_LEVEL = {"name", "runtime", "description", "config", "configuration", "variables", "resources", "outputs"}
EXPRESSION: dict[str, Any] = {
    "anyOf": [
        {"type": "string", "pattern": r"^\$\{[^}]+\}$"},  # an interpolation: its type is checked elsewhere
        {"type": "object", "minProperties": 1, "maxProperties": 1, "propertyNames": {"pattern": "^fn::"}},
    ]
}


def json_schema(spec: dict[str, Any], types: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema of the values a Pulumi schema property takes in YAML (or an expression)."""
    if "$ref" in spec:
        spec = types[spec["$ref"].removeprefix("#/types/")]
        if "enum" in spec:
            return {"anyOf": [{"enum": [v["value"] for v in spec["enum"]]}, EXPRESSION]}
    kind = spec["type"]
    if kind == "object" and "properties" in spec:
        typed: dict[str, Any] = object_schema(spec["properties"], spec.get("required", []), types)
    elif kind == "object":
        typed = {"type": "object", "additionalProperties": json_schema(spec["additionalProperties"], types)}
    elif kind == "array":
        typed = {"type": "array", "items": json_schema(spec["items"], types)}
    else:
        typed = {"type": kind}
    return {"anyOf": [typed, EXPRESSION]}


def object_schema(properties: dict[str, Any], required: list[str], types: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {n: json_schema(p, types) for n, p in properties.items()},
        "required": required,
        "additionalProperties": False,
    }


def yaml_problems(program: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """What a Pulumi YAML program gets wrong about the thingspace schema (empty when nothing)."""
    problems = [f"unknown top-level key {k!r}" for k in program if k not in TOP_LEVEL]
    resources: dict[str, Any] = program.get("resources") or {}
    config = {**(program.get("config") or {}), **(program.get("configuration") or {})}
    names = {*resources, *(program.get("variables") or {}), *config}
    for name, decl in resources.items():
        token = decl.get("type", "")
        spec = schema["resources"].get(token)
        if spec is None:
            problems.append(f"{name}: {token!r} is not a resource of the {schema['name']} package")
            continue
        properties = object_schema(spec["inputProperties"], spec["requiredInputs"], schema["types"])
        for error in Draft202012Validator(properties).iter_errors(decl.get("properties") or {}):
            where = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{name}.properties/{where}: {error.message}")
        problems += [f"{name}: unknown option {o!r}" for o in decl.get("options") or {} if o not in OPTIONS]
        problems += [f"{name}: unknown key {k!r}" for k in decl if k not in {"type", "properties", "options"}]
    for ref in re.findall(r"\$\{([^}]+)\}", json.dumps(program)):
        head, _, prop = ref.partition(".")
        if head not in names:
            problems.append(f"${{{ref}}}: {head!r} is neither a resource nor config nor a variable")
        elif prop and head in resources and resources[head].get("type") in schema["resources"]:
            outputs = schema["resources"][resources[head]["type"]]["properties"]
            if prop.split(".")[0].split("[")[0] not in {*outputs, "id", "urn"}:
                problems.append(f"${{{ref}}}: {resources[head]['type']} has no output {prop!r}")
    return problems


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.name)
def test_yaml_example_declares_only_schema_properties_with_the_required_ones(
    res: Any, schema: dict[str, Any]
) -> None:
    program = yaml.safe_load(code(res.name, "yaml"))
    assert yaml_problems(program, schema) == []
    declared = [d["properties"] for d in program["resources"].values() if d["type"] == res.token]
    assert declared, f"the {res.name} YAML example declares a {res.token}"


def test_yaml_checker_names_each_kind_of_mistake(schema: dict[str, Any]) -> None:
    text = code("UsageSegmentationLabels", "yaml")
    assert "      accountName: " in text and "deviceId: " in text and "${segments.verified}" in text
    cases = {
        "misspelled property": (text.replace("      accountName: ", "      accountNme: "), "accountNme"),
        "missing required property": (text.replace("      accountName: ", "      # "), "accountName"),
        "element property misspelled": (text.replace("deviceId: ", "device_id: ", 1), "device_id"),
        "wrong type": (text.replace("      labels:\n", "      labels: 7\n      unused:\n"), "7"),
        "unknown output": (text.replace("${segments.verified}", "${segments.verifed}"), "verifed"),
        "unknown resource type": (text.replace("index:UsageSegmentationLabels", "index:Labels"), "Labels"),
    }
    for case, (broken, named) in cases.items():
        problems = yaml_problems(yaml.safe_load(broken), schema)
        assert problems and any(named in p for p in problems), f"{case}: {problems}"


# (c) The reference pages are what `make schema` generates, one per resource.


def test_reference_pages_are_generated_one_per_resource_with_each_language_and_import() -> None:
    schema = build_schema()
    expected = render_pages(schema)
    folder = REPO / PAGES_DIR
    assert {p.name for p in folder.glob("*.md")} == {page_file(r.name) for r in RESOURCES} | {INDEX}
    stale = [str(path) for path, text in expected.items() if (REPO / path).read_text() != text]
    assert stale == [], "stale pages: run `make schema`"
    index = (folder / INDEX).read_text()
    for res in RESOURCES:
        page = (folder / page_file(res.name)).read_text()
        assert f"({page_file(res.name)})" in index
        assert "{{%" not in page
        for lang in LANGUAGES:
            assert f"#### {lang.label}\n" in page and f"```{lang.tag}\n{code(res.name, lang.tag)}```" in page
        support = import_support(res)
        assert (f"$ pulumi import {res.token} " in page) == support.supported, res.name
        assert (f"{res.name} cannot be imported" in page) == (not support.supported), res.name


def test_only_listener_licenses_and_retirement_import() -> None:
    assert {r.name for r in RESOURCES if import_support(r).supported} == {
        "FotaLicenseAssignment",
        "DeviceRetirement",
        "CallbackListener",
    }


def test_check_fails_on_a_stale_or_stray_page_and_write_fixes_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / CONFIG_PAGE).parent.mkdir(parents=True)
    shutil.copy(REPO / CONFIG_PAGE, tmp_path / CONFIG_PAGE)
    assert main(["--root", str(tmp_path)]) == 0
    assert main(["--check", "--root", str(tmp_path)]) == 0
    page = tmp_path / PAGES_DIR / page_file("CallbackListener")
    page.write_text(page.read_text().replace("carrier-callbacks", "callbacks"))
    (tmp_path / PAGES_DIR / "old-resource.md").write_text("# OldResource\n")
    capsys.readouterr()
    assert main(["--check", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{PAGES_DIR / page_file('CallbackListener')} differs" in err
    assert f"{PAGES_DIR / 'old-resource.md'} is not a page of any resource" in err
    assert main(["--root", str(tmp_path)]) == 0
    assert not (tmp_path / PAGES_DIR / "old-resource.md").exists()
    assert main(["--check", "--root", str(tmp_path)]) == 0
