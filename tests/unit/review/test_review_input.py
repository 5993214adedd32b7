"""thingspace-review on input that is not a usable preview: exit 1 and a message naming the field."""

from __future__ import annotations

import json

import pytest

from kits.review import run_review

STEP = {"op": "create", "urn": "urn:pulumi:dev::p::pulumi-python:dynamic/thingspace:CallbackListener::l"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "input: empty; pass the output of `pulumi preview --json`"),
        ("Previewing update (dev):", "input: not JSON (line 1, column 1"),
        ("[]", "input: must be an object, got list"),
        ('{"config": {}}', "steps: missing; the input is not `pulumi preview --json` output"),
        ('{"steps": {}}', "steps: must be a list, got dict"),
        (json.dumps({"steps": [{**STEP, "op": "explode"}]}), "steps[0].op: unknown operation 'explode'"),
        (json.dumps({"steps": [{**STEP, "urn": 3}]}), "steps[0].urn: must be a non-empty string"),
        (json.dumps({"steps": [{**STEP, "newState": []}]}), "steps[0].newState: must be an object, got list"),
        (
            json.dumps({"steps": [{**STEP, "replaceReasons": "url"}]}),
            "steps[0].replaceReasons: must be a list",
        ),
    ],
)
def test_bad_input_names_the_field(text: str, message: str) -> None:
    proc = run_review(text)
    assert proc.returncode == 1
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_missing_file_and_bad_options() -> None:
    proc = run_review("", "/nonexistent/preview.json")
    assert proc.returncode == 1 and "/nonexistent/preview.json: cannot read" in proc.stderr
    proc = run_review(json.dumps({"steps": []}), "--license-chunk-size", "0")
    assert proc.returncode == 1 and "--license-chunk-size: must be at least 1" in proc.stderr


def test_no_changes() -> None:
    proc = run_review(json.dumps({"steps": [{"op": "same", "urn": STEP["urn"]}]}))
    assert proc.returncode == 0
    assert "No ThingSpace changes." in proc.stdout
