"""thingspace-review without a CLI: saved ``pulumi preview --json`` documents and the counts it renders."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest

from pulumi_thingspace.review import cli
from pulumi_thingspace.review.changes import review
from pulumi_thingspace.review.model import DEVICES_DELETED
from pulumi_thingspace.review.parse import parse_preview
from pulumi_thingspace.schema.typemap import prop_name

PREVIEWS = Path(__file__).parent / "previews"
MIXED = PREVIEWS / "mixed_changes.json"
RETIREMENT = PREVIEWS / "retirement_update.json"
DYNAMIC_PREFIX, PLUGIN_PREFIX = "pulumi-python:dynamic/thingspace:", "thingspace:index:"


@pytest.fixture(autouse=True)
def no_chunk_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """The license chunk size comes from each preview's config, never from this machine."""
    monkeypatch.delenv("THINGSPACE_LICENSE_CHUNK_SIZE", raising=False)


def run(path: Path, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.main([os.fspath(path), *args], stdout=out)
    return code, out.getvalue()


def test_mixed_preview_counts_every_request_kind_and_deactivation() -> None:
    code, text = run(MIXED)
    assert code == cli.EXIT_DELETES  # devices would be deleted and --allow-delete was not given
    assert "**253 device(s) will be DELETED." in text
    assert "| devices DELETED | 253 |" in text
    assert "| labels set | 4,501 |" in text
    assert "| labels changed | 1 |" in text
    assert "| labels removed | 2,002 |" in text
    assert "| licenses assigned | 5 |" in text
    assert (
        "| ThingSpace requests | at most 18 (device deactivations: 4, device deletes: 4, label removes: 3, "
        "label sets: 4, license assigns: 3) |"
    ) in text
    # Per resource: deactivations before deletes, one per 100 devices; licenses in the config's chunks of 2.
    assert "- ThingSpace requests: at most 2 (device deactivations: 1, device deletes: 1)" in text
    assert "- ThingSpace requests: at most 6 (device deactivations: 3, device deletes: 3)" in text
    assert "- ThingSpace requests: 2 (label removes: 1, label sets: 1)" in text
    assert "- ThingSpace requests: 3 (license assigns: 3)" in text
    assert "- ThingSpace requests: 5 (label removes: 2, label sets: 3)" in text
    assert "2 licenses" in text


def test_mixed_preview_review_model_counts() -> None:
    preview = parse_preview(MIXED.read_text(encoding="utf-8"))
    result = review(preview, cli.license_chunk(preview, None))
    assert result.license_chunk_size == 2
    assert result.devices_deleted == 253
    by_name = {r.name: r for r in result.resources}
    assert dict(by_name["q3-retire"].requests.parts) == {"device deactivations": 1, "device deletes": 1}
    assert dict(by_name["bulk-retire"].requests.parts) == {"device deactivations": 3, "device deletes": 3}
    assert dict(by_name["fota"].requests.parts) == {"license assigns": 3}
    assert result.requests.count == 18
    assert [r.name for r in result.resources][:2] == ["q3-retire", "bulk-retire"]  # deletions first
    assert by_name["bulk-retire"].count(DEVICES_DELETED) == 250


def test_license_chunk_override_changes_the_license_requests() -> None:
    code, text = run(MIXED, "--allow-delete", "--license-chunk-size", "1000")
    assert code == cli.EXIT_OK
    assert "- ThingSpace requests: 1 (license assigns: 1)" in text


def test_retirement_update_deletes_only_unretired_devices_without_deactivations() -> None:
    code, text = run(RETIREMENT)
    assert code == cli.EXIT_DELETES
    assert "**2 device(s) will be DELETED." in text
    assert "| devices DELETED | 2 |" in text
    assert "| labels removed | 2 |" in text
    assert "| listeners replaced | 1 |" in text
    assert (
        "| ThingSpace requests | at most 4 (device deletes: 1, label removes: 1, "
        "listener deregistrations: 1, listener registrations: 1) |"
    ) in text
    assert "- ThingSpace requests: at most 1 (device deletes: 1)" in text
    assert "deactivations" not in text
    assert "- note: not protected: set protect=True" in text
    assert "- note: replaced because account_name changed" in text
    assert run(RETIREMENT, "--allow-delete")[0] == cli.EXIT_OK


def as_plugin_preview(text: str) -> str:
    """The same preview as the plugin's resources produce it: ``thingspace:index:`` types, camelCase keys."""
    data = json.loads(text)

    def camel(props: dict[str, object]) -> dict[str, object]:
        return {prop_name(k): v for k, v in props.items()}

    for step in data.get("steps", []):
        step["urn"] = step["urn"].replace(DYNAMIC_PREFIX, PLUGIN_PREFIX)
        for key in ("oldState", "newState"):
            state = step.get(key)
            if not state:
                continue
            state["type"] = str(state.get("type", "")).replace(DYNAMIC_PREFIX, PLUGIN_PREFIX)
            for part in ("inputs", "outputs"):
                if isinstance(state.get(part), dict):
                    state[part] = camel(state[part])
    return json.dumps(data)


def test_a_plugin_preview_is_reviewed_as_the_same_dynamic_one(tmp_path: Path) -> None:
    plugin = tmp_path / "plugin.json"
    plugin.write_text(as_plugin_preview(MIXED.read_text(encoding="utf-8")), encoding="utf-8")
    assert "thingspace:index:DeviceRetirement" in plugin.read_text() and "accountName" in plugin.read_text()
    assert run(plugin) == run(MIXED)
