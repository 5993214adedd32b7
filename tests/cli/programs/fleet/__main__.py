"""Declare the resources listed in ``spec.json`` beside this file, so a test changes the program by data.

``spec.json``: ``{"resources": [{"type": "UsageSegmentationLabels", "name": "segments", "args": {...},
"opts": {"protect": true, "ignore_changes": [...], ...}, "depends_on": ["other"]}],
"exports": {"name": "resource.attribute"}}``. An argument ``{"config_secret": "key"}`` takes the
value of the secret stack config ``key``.
"""

import json
from pathlib import Path
from typing import Any

import pulumi

import pulumi_thingspace as thingspace

spec = json.loads((Path(__file__).parent / "spec.json").read_text())
config = pulumi.Config()
declared: dict[str, pulumi.Resource] = {}


def value(arg: Any) -> Any:
    """An argument as given, or a secret from stack config."""
    if isinstance(arg, dict) and set(arg) == {"config_secret"}:
        return config.require_secret(arg["config_secret"])
    return arg


for entry in spec["resources"]:
    opts = pulumi.ResourceOptions(
        depends_on=[declared[name] for name in entry.get("depends_on", [])], **entry.get("opts", {})
    )
    args = {key: value(arg) for key, arg in entry["args"].items()}
    declared[entry["name"]] = getattr(thingspace, entry["type"])(entry["name"], **args, opts=opts)

for export, path in spec.get("exports", {}).items():
    name, attribute = path.split(".")
    pulumi.export(export, getattr(declared[name], attribute))
