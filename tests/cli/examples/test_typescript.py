"""``examples/quickstart-ts`` type-checked by ``tsc`` against the Node.js SDK generated from schema.json.

The Node.js language host cannot be built here, so the program does not run; what a TypeScript user
meets first, the SDK's types, is checked instead. Needs ``node``, ``npm`` and ``pulumi-gen-nodejs``
(``make pulumi``); the first run installs the pinned npm packages once (see
:mod:`pulumi_thingspace.testing.nodejs`).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from kits.paths import EXAMPLES
from pulumi_thingspace.testing.nodejs import (
    NodeTools,
    prepare_project,
    typecheck,
)

EXAMPLE = EXAMPLES / "quickstart-ts"


def test_quickstart_ts_type_checks_against_the_generated_sdk_and_a_misspelled_property_is_named(
    node_tools: NodeTools, tmp_path: Path
) -> None:
    # The example is the YAML quickstart's program and declares the packages it is checked with.
    pins = json.loads((node_tools.pins_dir / "package.json").read_text())["dependencies"]
    manifest = json.loads((EXAMPLE / "package.json").read_text())
    declared = {**manifest["dependencies"], **manifest.get("devDependencies", {})}
    assert {name: declared.get(name) for name in pins} == pins
    ts_project = yaml.safe_load((EXAMPLE / "Pulumi.yaml").read_text())
    yaml_project = yaml.safe_load((EXAMPLES / "quickstart-yaml" / "Pulumi.yaml").read_text())
    assert ts_project["config"] == yaml_project["config"]

    project = prepare_project(EXAMPLE, tmp_path, node_tools)
    sdk_name = json.loads((project / "sdks" / "thingspace" / "package.json").read_text())["name"]
    assert declared[sdk_name] == "file:sdks/thingspace"  # where `npm install` finds the generated SDK
    result = typecheck(project, node_tools)
    assert result.ok, result.output

    index = project / "index.ts"
    source = index.read_text()
    listener = 'new thingspace.CallbackListener("carrier-callbacks", {\n    accountName,'
    assert listener in source
    index.write_text(source.replace(listener, listener.replace("accountName,", "accountNme: accountName,")))
    typo_line = 1 + index.read_text().splitlines().index("    accountNme: accountName,")
    result = typecheck(project, node_tools)
    assert not result.ok
    assert [(e.file, e.line) for e in result.errors] == [("index.ts", typo_line)], result.output
    assert "'accountNme'" in result.errors[0].text and "CallbackListenerArgs" in result.errors[0].text
