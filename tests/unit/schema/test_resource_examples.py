"""The per-language examples of every resource: present, in the schema, and each one true to its language.

* Python: all eight run as one program under the offline harness against the simulator, and do what
  they say (labels on the devices, licenses held, devices gone, the listener registered).
* TypeScript: all eight type-check in one ``tsc`` run against the Node.js SDK generated from schema.json,
  whose doc comments carry the TypeScript example (Pulumi's code generator read the examples block).
* YAML: every resource declares only properties the schema has, with the required ones, in the schema's
  types; ``${resource.output}`` references name outputs the schema has.
* The reference pages in ``docs/resources`` are what ``make schema`` generates, one per resource.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator

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
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from pulumi_thingspace.testing import Engine, ProviderServer, secret
from pulumi_thingspace.testing.nodejs import (
    NodeTools,
    NodeToolsNotFoundError,
    find_node_tools,
    prepare_project,
    typecheck,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_FILE = ROOT / "schema.json"
TSCONFIG = ROOT / "examples" / "quickstart-ts" / "tsconfig.json"
LANG = {lang.tag: lang for lang in LANGUAGES}
SINK_URL = "http://127.0.0.1:9/callbacks"  # the listener example's sinkUrl: nothing listens there


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text())
    return loaded


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


# (b) The Python examples run, all eight as one program, against the simulator.


def exported_names(python: str) -> set[str]:
    return set(re.findall(r'pulumi\.export\("([^"]+)"', python))


class Managed:
    """What the resources in a stack's state say they manage, by kind of effect."""

    def __init__(self, engine: Engine) -> None:
        self.labels: dict[tuple[str, str], str] = {}
        self.licenses: set[str] = set()
        self.retired: set[str] = set()
        self.listeners: set[str] = set()
        self.unchecked: list[str] = []
        for state in engine.state.values():
            kind, out = state.type.rsplit(":", 1)[-1], state.public_outputs()
            if kind == "UsageSegmentationLabels":
                self.labels.update({(k.split("/")[0], k.split("/")[1]): v for k, v in out["labels"].items()})
            elif kind == "UsageSegmentationLabel":
                self.labels[(out["device_id"], out["name"])] = out["value"]
            elif kind == "UsageSegmentationLabelBundle":  # stored as JSON lines [eid, name, value]
                self.labels.update({(e, n): v for e, n, v in map(json.loads, out["labels"].splitlines())})
            elif kind == "FotaLicenseAssignment":
                self.licenses.update(out["owned_imeis"])
            elif kind == "FotaLicenseBundle":  # stored one IMEI per line
                self.licenses.update(out["device_imeis"].split())
            elif kind == "DeviceRetirement":
                self.retired.update(out["devices"])
            elif kind == "DeviceRetirementBundle":  # stored one <kind>:<id> per line
                self.retired.update(out["devices"].split())
            elif kind == "CallbackListener":
                self.listeners.add(out["url"])
            else:
                self.unchecked.append(kind)


def fleet(sim: SimulatorServer) -> tuple[dict[tuple[str, str], str], set[str], set[str]]:
    """The simulator's labels, licensed IMEIs and registered listener URLs on the demo account."""
    labels = {(e, n): v for e, names in sim.state.labels(DEMO_ACCOUNT).items() for n, v in names.items()}
    held = set(sim.state.licenses(DEMO_ACCOUNT)["devices"])
    return labels, held, {c["url"] for c in sim.state.registered_callbacks(DEMO_ACCOUNT)}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorServer]:
    with SimulatorServer() as server:
        yield server


def test_python_examples_run_as_one_program_against_the_simulator(
    tmp_path: Path, sim: SimulatorServer
) -> None:
    files = [example_path(res.name, LANG["python"]) for res in RESOURCES]

    def program() -> None:
        for path in files:
            runpy.run_path(str(path), run_name="__main__")

    config = {
        "thingspace:baseUrl": sim.url,
        "thingspace:clientId": DEMO_CLIENT_ID,
        "thingspace:clientSecret": secret(DEMO_CLIENT_SECRET),
        "thingspace:username": DEMO_USERNAME,
        "thingspace:password": secret(DEMO_PASSWORD),
        "sinkUrl": SINK_URL,
        "sinkPassword": secret("callback-password"),
    }
    with ProviderServer(cwd=tmp_path, project="examples") as server:
        engine = Engine(server, project="examples", stack="dev", config=config)
        steps = engine.up(program)
        assert [s.op for s in steps] == ["create"] * len(RESOURCES)
        assert [st.type for st in engine.state.values()] == [res.dynamic_token for res in RESOURCES]
        assert set(engine.exports) == {n for path in files for n in exported_names(path.read_text())}
        sim.wait_idle()
        managed = Managed(engine)
        assert managed.unchecked == [], "add the effect of these resources to Managed"
        labels, held, listeners = fleet(sim)
        assert managed.labels and {k: labels.get(k) for k in managed.labels} == managed.labels
        assert managed.licenses and managed.licenses <= held
        assert managed.retired and [k for k in managed.retired if sim.state.device(k.split(":")[1])] == []
        assert managed.listeners and managed.listeners <= listeners

        assert {s.op for s in engine.up(program)} == {"same"}, "a second up changes nothing"

        engine.destroy()
        assert engine.state == {}
        sim.wait_idle()
        labels, held, listeners = fleet(sim)
        assert not set(managed.labels) & set(labels) and not managed.licenses & held
        assert not managed.listeners & listeners


# (c) The TypeScript examples type-check against the SDK generated from schema.json.


@pytest.fixture(scope="module")
def node_tools() -> NodeTools:
    """``node``, ``npm`` and the SDK generator; skipped when missing, failed instead under ``CI=true``."""
    try:
        return find_node_tools()
    except NodeToolsNotFoundError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and no Node.js toolchain: {exc}")
        pytest.skip(f"TypeScript test skipped: {exc}")


def jsdoc_of(sdk_file: Path, class_name: str) -> str:
    """The doc comment above ``export class <class_name>``, without its `` * `` prefixes."""
    text = sdk_file.read_text()
    comment = text[: text.index(f"export class {class_name} ")].rsplit("/**", 1)[1].rsplit("*/", 1)[0]
    return "\n".join(re.sub(r"^ \* ?", "", line) for line in comment.splitlines())


def test_typescript_examples_type_check_against_the_generated_sdk(
    node_tools: NodeTools, tmp_path: Path
) -> None:
    source = tmp_path / "examples-ts"
    source.mkdir()
    files = [example_path(res.name, LANG["typescript"]) for res in RESOURCES]
    for path in files:
        shutil.copy(path, source / path.name)
    tsconfig = json.loads(TSCONFIG.read_text())  # the quickstart's compiler options
    (source / "tsconfig.json").write_text(json.dumps({**tsconfig, "files": [p.name for p in files]}))
    project = prepare_project(source, tmp_path / "work", node_tools)
    result = typecheck(project, node_tools)
    assert result.ok, result.output

    # Pulumi's generator kept the TypeScript example, and only it, in each class's doc comment.
    sdk = project / "sdks" / "thingspace"
    for res in RESOURCES:
        doc = jsdoc_of(sdk / f"{res.name[0].lower()}{res.name[1:]}.ts", res.name)
        assert f"## Example Usage\n### {load_example(res.name).title}\n" in doc, res.name
        assert f"```typescript\n{code(res.name, 'typescript')}```" in doc, res.name
        assert "{{%" not in doc and "```python" not in doc and "```yaml" not in doc, res.name


# (d) The YAML examples declare only properties the schema has, with the required ones.

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


# (e) The reference pages are what `make schema` generates, one per resource.


def test_reference_pages_are_generated_one_per_resource_with_each_language_and_import() -> None:
    schema = build_schema()
    expected = render_pages(schema)
    folder = ROOT / PAGES_DIR
    assert {p.name for p in folder.glob("*.md")} == {page_file(r.name) for r in RESOURCES} | {INDEX}
    stale = [str(path) for path, text in expected.items() if (ROOT / path).read_text() != text]
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
    shutil.copy(ROOT / CONFIG_PAGE, tmp_path / CONFIG_PAGE)
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
