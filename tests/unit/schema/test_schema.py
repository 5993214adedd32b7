"""schema.json: generated from the models, a valid Pulumi package schema, and true to the resources.

The models and the dynamic classes name fields in snake_case; the schema (what the plugin serves to every
language) names each one ``prop_name(field)`` (camelCase). Expectations are derived through ``prop_name``
from the models, so a field added to a model is checked without editing this file.
"""

from __future__ import annotations

import difflib
import inspect
import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pulumi.dynamic import Resource

from kits.paths import REPO, SCHEMA_FILE
from pulumi_thingspace import resources as resource_module
from pulumi_thingspace.config import SETTINGS
from pulumi_thingspace.models.bundles import LabelBundleState, LicenseBundleState, RetirementBundleState
from pulumi_thingspace.models.compact import CSV_HEADER
from pulumi_thingspace.models.resources import LabelsState, LicenseState, ListenerState, RetirementState
from pulumi_thingspace.resources.checking import check_inputs
from pulumi_thingspace.resources.registry import RESOURCES, ResourceModels
from pulumi_thingspace.schema import build_schema, generate, render_reference, update_generated
from pulumi_thingspace.schema.__main__ import main
from pulumi_thingspace.schema.generate import OBJECT_TYPES, dump
from pulumi_thingspace.schema.reference import CONFIG_PAGE
from pulumi_thingspace.schema.typemap import prop_name

CONFIG_FILE = REPO / CONFIG_PAGE
# The in-repository copy keeps the test independent of anything outside the repository.
METASCHEMA_COPY = Path(__file__).with_name("pulumi-package-metaschema.json")
FIX = "run `make schema` and commit the result"

ACCOUNT = "0000000000-00001"
EID = "89049032000001000000000000000001"
IMEI = "990000862471854"
ICCID = "89148000000800000015"

# Per resource: inputs as a Python user passes them (model names), and a populated state.
SAMPLES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "UsageSegmentationLabels": (
        {"account_name": ACCOUNT, "labels": [{"device_id": EID, "name": "VIN", "value": "XX1"}]},
        LabelsState(request_ids=["r1"], results={f"{EID}/VIN": "Success"}, verified=True).model_dump(),
    ),
    "UsageSegmentationLabel": (
        {"account_name": ACCOUNT, "device_id": EID, "name": "SEGMENT", "value": "radio"},
        LabelsState(request_ids=["r1"], results={f"{EID}/SEGMENT": "Success"}).model_dump(),
    ),
    "FotaLicenseAssignment": (
        {"account_name": ACCOUNT, "device_imeis": [IMEI], "api_version": "v1", "adopt": True},
        LicenseState(
            owned_imeis=[IMEI],
            lic_count=10,
            lic_used_count=1,
            device_status={IMEI: {"status": "LicenseAssignSuccess", "reason": "Success"}},
        ).model_dump(),
    ),
    "DeviceRetirement": (
        {
            "account_name": ACCOUNT,
            "devices": [{"kind": "ICCID", "id": ICCID}],
            "deactivate_first": True,
            "etf_waiver": False,
            "deactivate_timeout_seconds": 30.5,
        },
        RetirementState(retired={f"iccid:{ICCID}": "deleted"}).model_dump(),
    ),
    "CallbackListener": (
        {
            "account_name": ACCOUNT,
            "url": "https://hooks.example.com/ts",
            "username": "ts",
            "password": "pw",
            "service_name": "CarrierService",
            "adopt": False,
        },
        ListenerState(listener_id=f"{ACCOUNT}/CarrierService").model_dump(),
    ),
    "UsageSegmentationLabelBundle": (
        {"account_name": ACCOUNT, "labels": f'["{EID}","VIN","XX1"]'},
        LabelBundleState(
            label_count=1, labels_sha256="0" * 64, request_ids=["r1"], verified=True
        ).model_dump(),
    ),
    "FotaLicenseBundle": (
        {"account_name": ACCOUNT, "device_imeis": IMEI, "api_version": "v1", "adopt": True},
        LicenseBundleState(
            imei_count=1, device_imeis_sha256="0" * 64, lic_count=10, lic_used_count=1
        ).model_dump(),
    ),
    "DeviceRetirementBundle": (
        {
            "account_name": ACCOUNT,
            "devices": f"iccid:{ICCID}",
            "deactivate_first": True,
            "etf_waiver": False,
            "deactivate_timeout_seconds": 30.5,
        },
        RetirementBundleState(device_count=1, devices_sha256="0" * 64, deleted_count=1).model_dump(),
    ),
}


def load_metaschema(path: Path) -> dict[str, Any]:
    """The metaschema with ``(?<name>`` groups rewritten to Python's ``(?P<name>``."""
    meta: dict[str, Any] = json.loads(re.sub(r"\(\?<([A-Za-z]\w*)>", r"(?P<\1>", path.read_text()))
    jsonschema.Draft202012Validator.check_schema(meta)
    return meta


def schema_errors(meta: dict[str, Any], doc: dict[str, Any]) -> list[str]:
    errors = jsonschema.Draft202012Validator(meta).iter_errors(doc)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in errors]


def conform(value: Any, spec: dict[str, Any], types: dict[str, Any], path: str) -> list[str]:
    """Why ``value`` does not have the schema type ``spec`` (empty when it does).

    ``value`` is in the models' form: the fields of an object are looked up as ``prop_name(field)``;
    map keys (``<eid>/<name>``, IMEIs) are data and are not renamed.
    """
    if "$ref" in spec:
        target = types[spec["$ref"].removeprefix("#/types/")]
        if "enum" in target:
            allowed = [e["value"] for e in target["enum"]]
            return [] if value in allowed else [f"{path}: {value!r} is not one of {allowed}"]
        if not isinstance(value, dict):
            return [f"{path}: {value!r} is not an object"]
        named = {prop_name(k): v for k, v in value.items()}
        problems = [f"{path}: missing {k}" for k in target.get("required", []) if k not in named]
        for key, item in named.items():
            if key not in target["properties"]:
                problems.append(f"{path}: unknown property {key}")
            else:
                problems += conform(item, target["properties"][key], types, f"{path}.{key}")
        return problems
    kind = spec["type"]
    if kind == "array":
        if not isinstance(value, list):
            return [f"{path}: {value!r} is not an array"]
        return [p for i, v in enumerate(value) for p in conform(v, spec["items"], types, f"{path}[{i}]")]
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{path}: {value!r} is not a map"]
        inner = spec.get("additionalProperties", {"type": "string"})
        return [p for k, v in value.items() for p in conform(v, inner, types, f"{path}[{k!r}]")]
    primitives: dict[str, type | tuple[type, ...]] = {
        "string": str,
        "boolean": bool,
        "integer": int,
        "number": (int, float),
    }
    expected = primitives[kind]
    if isinstance(value, expected) and (kind == "boolean" or not isinstance(value, bool)):
        return []
    return [f"{path}: {value!r} is not a {kind}"]


def descriptions(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every ``description`` text in the schema, with its path."""
    if isinstance(node, dict):
        own = [(path, node["description"])] if isinstance(node.get("description"), str) else []
        return own + [d for k, v in node.items() for d in descriptions(v, f"{path}/{k}")]
    if isinstance(node, list):
        return [d for i, v in enumerate(node) for d in descriptions(v, f"{path}/{i}")]
    return []


def model_field_names() -> set[str]:
    """Every field name of the package's resource models and of the element types of list inputs."""
    names = {
        n
        for res in RESOURCES
        for n in (*res.args.model_fields, *(res.state.model_fields if res.state else {}))
    }
    return names | {n for model in OBJECT_TYPES for n in model.model_fields}


def all_refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if "$ref" in node else []
        return own + [r for v in node.values() for r in all_refs(v)]
    if isinstance(node, list):
        return [r for v in node for r in all_refs(v)]
    return []


def by_name(schema: dict[str, Any], res: ResourceModels) -> dict[str, Any]:
    spec: dict[str, Any] = schema["resources"][f"thingspace:index:{res.name}"]
    return spec


def test_schema_json_is_exactly_what_the_models_generate() -> None:
    expected, actual = dump(build_schema()), SCHEMA_FILE.read_text()
    diff = list(difflib.unified_diff(actual.splitlines(), expected.splitlines(), "schema.json", "generated"))
    assert not diff, f"schema.json is out of date: {FIX}\n" + "\n".join(diff[:60])


def test_the_settings_table_of_the_configuration_page_is_generated_from_the_schema() -> None:
    text = CONFIG_FILE.read_text()
    expected = update_generated(text, render_reference(build_schema()))
    diff = list(difflib.unified_diff(text.splitlines(), expected.splitlines(), CONFIG_PAGE, "generated"))
    assert not diff, f"{CONFIG_PAGE} settings table is out of date: {FIX}\n" + "\n".join(diff[:60])


def test_schema_is_valid_against_the_pulumi_metaschema(schema: dict[str, Any]) -> None:
    errors = schema_errors(load_metaschema(METASCHEMA_COPY), schema)
    assert not errors, "schema.json violates the Pulumi package metaschema:\n" + "\n".join(errors)


def test_metaschema_validation_catches_a_broken_schema(schema: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(schema))
    broken["version"] = "one"
    broken["resources"]["bad token"] = broken["resources"].pop("thingspace:index:CallbackListener")
    broken["resources"]["bad token"]["inputProperties"]["url"] = {"type": "str"}
    errors = schema_errors(load_metaschema(METASCHEMA_COPY), broken)
    assert len(errors) >= 3, errors
    assert any("bad token" in e for e in errors) and any("version" in e for e in errors)


def test_package_name_and_secret_config(schema: dict[str, Any]) -> None:
    assert schema["name"] == "thingspace"
    variables = schema["config"]["variables"]
    secrets = {key for key, spec in variables.items() if spec.get("secret")}
    assert secrets == {"clientSecret", "password", "callbackResultsToken"}
    assert all(spec["defaultInfo"]["environment"][0].startswith("THINGSPACE_") for spec in variables.values())


def test_explicit_provider_takes_every_setting_with_its_secrets_marked(schema: dict[str, Any]) -> None:
    provider = schema["provider"]
    variables = schema["config"]["variables"]
    assert provider["inputProperties"] == variables, "a provider resource takes the same settings as config"
    assert set(provider["inputProperties"]) == {s.key for s in SETTINGS}
    secrets = {k for k, spec in provider["inputProperties"].items() if spec.get("secret")}
    assert secrets == {s.key for s in SETTINGS if s.secret}
    assert {"clientSecret", "password", "callbackResultsToken"} <= secrets
    assert {k for k, spec in provider["properties"].items() if spec.get("secret")} == secrets


def test_generated_sdks_carry_the_schema_version(schema: dict[str, Any]) -> None:
    for language in ("python", "nodejs"):
        assert schema["language"][language].get("respectSchemaVersion") is True, language


def test_property_names_are_the_model_fields_in_camel_case(schema: dict[str, Any]) -> None:
    for res in RESOURCES:
        spec = by_name(schema, res)
        state = res.state.model_fields if res.state else {}
        assert list(spec["inputProperties"]) == sorted(prop_name(n) for n in res.args.model_fields), res.name
        assert set(spec["properties"]) == {prop_name(n) for n in (*res.args.model_fields, *state)}, res.name
        assert len(spec["properties"]) == len({*res.args.model_fields, *state}), f"{res.name}: names collide"
    for model, (type_name, _, _) in OBJECT_TYPES.items():
        properties = schema["types"][f"thingspace:index:{type_name}"]["properties"]
        assert set(properties) == {prop_name(n) for n in model.model_fields}, type_name
    named = [n for res in schema["resources"].values() for n in (*res["inputProperties"], *res["properties"])]
    assert [n for n in named if "_" in n] == []


def test_descriptions_name_no_snake_case_field(schema: dict[str, Any]) -> None:
    """Docs are read by YAML, TypeScript and Go users too: fields are named as the schema names them."""
    snake = {n for n in model_field_names() if "_" in n}
    assert "account_name" in snake and "device_id" in snake  # the walk sees resource and element fields
    csv_header = ",".join(CSV_HEADER)  # the header of the label bundle's CSV text: data, typed verbatim
    python_code = re.compile(r"^```python\n.*?^```$", re.DOTALL | re.MULTILINE)  # Python examples: snake_case
    neutral = [
        (path, python_code.sub("", text).replace(csv_header, "")) for path, text in descriptions(schema)
    ]
    found = [
        f"{path}: {name}"
        for path, text in neutral
        for name in sorted(snake)
        if re.search(rf"\b{name}\b", text)
    ]
    assert found == [], "descriptions name snake_case fields:\n" + "\n".join(found)


def test_required_names_exist_and_refs_resolve(schema: dict[str, Any]) -> None:
    for token, res in schema["resources"].items():
        assert set(res["requiredInputs"]) <= set(res["inputProperties"]), token
        assert set(res["required"]) <= set(res["properties"]), token
        assert set(res["inputProperties"]) <= set(res["properties"]), f"{token}: every input is an output"
    for token, spec in schema["types"].items():
        assert set(spec.get("required", [])) <= set(spec.get("properties", {})), token
    refs = all_refs(schema)
    assert refs, "the device-set inputs refer to object types"
    for ref in refs:
        assert ref.startswith("#/types/") and ref.removeprefix("#/types/") in schema["types"], ref


def test_replace_on_changes_marks_exactly_the_inputs_the_provider_replaces_on(schema: dict[str, Any]) -> None:
    for res in RESOURCES:
        spec = by_name(schema, res)
        for kind in ("inputProperties", "properties"):
            marked = {n for n, p in spec[kind].items() if p.get("replaceOnChanges")}
            assert marked <= set(spec["inputProperties"]), f"{res.name}: {marked} are not inputs"
            assert marked == {prop_name(n) for n in res.args.replace_fields()}, f"{res.name} {kind}"


def test_only_the_listener_password_is_a_secret_property(schema: dict[str, Any]) -> None:
    secret = {
        (token, kind, name)
        for token, res in schema["resources"].items()
        for kind in ("inputProperties", "properties")
        for name, p in res[kind].items()
        if p.get("secret")
    }
    token = "thingspace:index:CallbackListener"
    assert secret == {(token, "inputProperties", "password"), (token, "properties", "password")}
    by_model = {
        (res.token, kind, prop_name(n))
        for res in RESOURCES
        for kind in ("inputProperties", "properties")
        for n in res.secret_fields()
        if kind == "properties" or n in res.args.model_fields
    }
    assert secret == by_model, "the schema marks exactly the fields the models mark secret"


def test_every_resource_class_is_in_the_schema_with_its_dynamic_token(schema: dict[str, Any]) -> None:
    assert generate.RESOURCES is RESOURCES and generate.ResourceModels is ResourceModels, "one registry"
    exported = (getattr(resource_module, name) for name in resource_module.__all__)
    classes = {obj for obj in exported if isinstance(obj, type) and issubclass(obj, Resource)}
    assert classes == {res.cls for res in RESOURCES}
    assert set(schema["resources"]) == {f"thingspace:index:{res.name}" for res in RESOURCES}
    for res in RESOURCES:
        token = f"pulumi-python:{res.cls._resource_type_name}"
        assert token == f"pulumi-python:dynamic/thingspace:{res.name}"
        assert f"`{token}`" in by_name(schema, res)["description"]


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.name)
def test_class_signature_and_outputs_match_the_schema(schema: dict[str, Any], res: ResourceModels) -> None:
    spec = by_name(schema, res)
    params = {
        n: p
        for n, p in inspect.signature(res.cls.__init__).parameters.items()
        if n not in ("self", "resource_name", "opts")
    }
    assert {prop_name(n) for n in params} == set(spec["inputProperties"])
    required = [prop_name(n) for n, p in params.items() if p.default is inspect.Parameter.empty]
    assert required == spec["requiredInputs"]
    for name, param in params.items():
        default = None if param.default is inspect.Parameter.empty else param.default
        assert spec["inputProperties"][prop_name(name)].get("default") == default, name
    assert {prop_name(n) for n in res.cls.__annotations__} == set(spec["properties"])


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.name)
def test_checked_inputs_and_state_have_the_schema_types(schema: dict[str, Any], res: ResourceModels) -> None:
    spec, types = by_name(schema, res), schema["types"]
    user_inputs, state = SAMPLES[res.name]
    optional = {prop_name(n) for n, f in res.args.model_fields.items() if not f.is_required()}
    missing = set(spec["inputProperties"]) - {prop_name(n) for n in user_inputs}
    assert missing <= optional, "the sample sets every required input (an optional one may keep its default)"
    for name, value in user_inputs.items():
        assert not conform(value, spec["inputProperties"][prop_name(name)], types, name)
    checked = check_inputs(res.args, user_inputs)
    assert not checked.failures
    outputs = {prop_name(n): v for n, v in {**checked.inputs, **state}.items()}
    unset = {n for n in missing if spec["inputProperties"][n].get("default") is None}
    assert set(outputs) == set(spec["properties"]) - unset
    assert set(spec["required"]) <= set(outputs)
    problems = [p for n, v in outputs.items() for p in conform(v, spec["properties"][n], types, n)]
    assert not problems, problems
    required = [n for n in user_inputs if prop_name(n) in spec["requiredInputs"]]
    minimal = {n: user_inputs[n] for n in required}
    assert res.state is not None
    always = {
        prop_name(n): v
        for n, v in {**check_inputs(res.args, minimal).inputs, **res.state().model_dump()}.items()
    }
    assert set(spec["required"]) <= set(always), "required outputs are set even from minimal inputs"
    assert all(always[n] is not None for n in spec["required"])


def test_conform_rejects_a_list_where_the_stored_form_is_a_map(schema: dict[str, Any]) -> None:
    spec, name = schema["resources"]["thingspace:index:FotaLicenseAssignment"], prop_name("device_imeis")
    assert conform([IMEI], spec["properties"][name], schema["types"], name)
    assert conform({IMEI: True}, spec["inputProperties"][name], schema["types"], name)
    assert not conform({IMEI: True}, spec["properties"][name], schema["types"], name)


def test_update_generated_replaces_only_between_the_markers() -> None:
    reference = render_reference(build_schema())
    text = (
        "# Title\n\nintro\n\n<!-- BEGIN GENERATED CONFIG -->\nold config\n"
        "<!-- END GENERATED CONFIG -->\n\nafter\n"
    )
    updated = update_generated(text, reference)
    assert "old config" not in updated
    assert updated.startswith("# Title\n\nintro\n\n<!-- BEGIN GENERATED CONFIG -->\n")
    assert updated.endswith("<!-- END GENERATED CONFIG -->\n\nafter\n")
    assert "| `thingspace:clientSecret` | `THINGSPACE_CLIENT_SECRET` | yes |" in updated
    assert update_generated(updated, reference) == updated
    with pytest.raises(ValueError, match="GENERATED CONFIG"):
        update_generated("# no markers\n", reference)


def test_cli_check_fails_on_drift_and_write_fixes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "schema.json").write_text(SCHEMA_FILE.read_text().replace('"thingspace"', '"stale"', 1))
    (tmp_path / CONFIG_PAGE).parent.mkdir(parents=True)
    (tmp_path / CONFIG_PAGE).write_text(CONFIG_FILE.read_text())
    assert main(["--check", "--root", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "schema.json differs" in err and "make schema" in err and CONFIG_PAGE not in err.split("\n")[0]
    assert main(["--root", str(tmp_path)]) == 0
    assert (tmp_path / "schema.json").read_text() == SCHEMA_FILE.read_text()
    assert main(["--check", "--root", str(tmp_path)]) == 0
    (tmp_path / CONFIG_PAGE).write_text("# no markers\n")
    assert main(["--check", "--root", str(tmp_path)]) == 2
    assert "GENERATED" in capsys.readouterr().err
    assert main(["--root", str(tmp_path / "missing")]) == 2
