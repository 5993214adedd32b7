"""thingspace-review on real ``pulumi preview --json`` of real changes, checked against what ``up`` sent."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from kits.review import ChangesStack, eid, iccid, imei, labels, run_review
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.review import parse_preview, render, review
from pulumi_thingspace.review.model import DEVICES_DELETED, LABELS_CHANGED, LABELS_REMOVED, LABELS_SET
from pulumi_thingspace.testing.cli import PulumiCli

CREATE = {
    "listener": {},
    "labels": labels([1, 2, 3], "a"),
    "licenses": [imei(3), imei(4)],
    "retire": [iccid(11)],
    "pending_label": f"{eid(5)}/OWNER",
}
UPDATE = {
    "labels": {**labels([1], "changed"), **labels([3], "a"), **labels([4], "new")},
    "licenses": [imei(4), imei(5)],
    "retire": [iccid(11), iccid(12)],
    "pending_label": f"{eid(5)}/OWNER",
}
DROP = {"retire": [iccid(11), iccid(12)]}


@dataclass
class History:
    """Previews of one stack's life, and the write requests each ``up`` really sent."""

    create: str
    create_sent: dict[str, int]
    update: str
    update_sent: dict[str, int]
    drop: str


@pytest.fixture(scope="module")
def history(pulumi_cli: PulumiCli, services: Services, tmp_path_factory: pytest.TempPathFactory) -> History:
    """Create, change and then drop resources of the ``changes`` program, previewing each step."""
    stack = ChangesStack(pulumi_cli, services, tmp_path_factory.mktemp("review"))
    stack.plan(CREATE)
    create = stack.preview_json()
    create_sent = stack.up()
    # The same sink under another host name: a new url replaces the listener.
    moved = {"listener": {"url": services.sink.callback_url.replace("127.0.0.1", "localhost")}}
    stack.plan({**UPDATE, **moved})
    update = stack.preview_json()
    update_sent = stack.up()
    stack.plan({**DROP, **moved})
    drop = stack.preview_json()
    return History(create, create_sent, update, update_sent, drop)


def predicted(preview: str) -> int:
    """The request count the review predicts."""
    return review(parse_preview(preview), 1000).requests.count


def test_create_lists_deleted_devices_first_and_blocks_without_allow_delete(history: History) -> None:
    proc = run_review(history.create)
    assert proc.returncode == 2, proc.stderr
    assert "1 device(s) would be deleted" in proc.stderr
    summary = proc.stdout
    assert summary.startswith("<!-- thingspace-review -->\n### ThingSpace change review for stack `dev`")
    warning = summary.index("will be DELETED")
    assert warning < summary.index("| change | count |")
    assert f"`iccid:{iccid(11)}`" in summary[warning : summary.index("| change | count |")]
    assert "| devices DELETED | 1 |" in summary
    assert "| labels set | 4 |" in summary  # three in the set, one single label
    assert "| licenses assigned | 2 |" in summary
    assert "| listeners created | 2 |" in summary
    # The first resource section is the retirement, marked irreversible.
    first = summary.index("#### ")
    assert summary[first:].startswith("#### `retired` (DeviceRetirement): create")
    assert "devices DELETED (IRREVERSIBLE): 1" in summary


def test_allow_delete_passes(history: History) -> None:
    proc = run_review(history.create, "--allow-delete")
    assert proc.returncode == 0, proc.stderr


def test_unknown_value_is_reported_not_guessed(history: History) -> None:
    result = review(parse_preview(history.create), 1000)
    pending = next(r for r in result.resources if r.name == "pending")
    assert pending.count(LABELS_SET) == 1
    assert any("known only after apply" in note for note in pending.notes)


def test_request_count_matches_what_up_sent(history: History) -> None:
    assert predicted(history.create) == sum(history.create_sent.values())
    assert predicted(history.update) == sum(history.update_sent.values())


def test_update_splits_set_changed_removed_and_shows_the_replacement(history: History) -> None:
    result = review(parse_preview(history.update), 1000)
    segments = next(r for r in result.resources if r.name == "segments")
    assert {c.kind: c.keys for c in segments.changes} == {
        LABELS_SET: (f"{eid(4)}/SEGMENT",),
        LABELS_CHANGED: (f"{eid(1)}/SEGMENT",),
        LABELS_REMOVED: (f"{eid(2)}/SEGMENT",),
    }
    # A changed value is a remove plus a set; removes go first.
    assert segments.requests.parts == (("label removes", 1), ("label sets", 1))
    retired = next(r for r in result.resources if r.name == "retired")
    assert retired.changes[0].kind == DEVICES_DELETED
    assert retired.changes[0].keys == (f"iccid:{iccid(12)}",)  # only the added device
    summary = render(result)
    assert "#### `carrier` (CallbackListener): replace" in summary
    assert "replaced because url changed" in summary
    assert f"**licenses assigned: 1**: `{imei(5)}`" in summary
    assert f"**licenses removed: 1**: `{imei(3)}`" in summary


def test_deleted_resources_remove_what_they_set(history: History) -> None:
    proc = run_review(history.drop)
    assert proc.returncode == 0, proc.stderr
    summary = proc.stdout
    assert "| labels removed | 4 |" in summary
    assert "| licenses removed | 2 |" in summary
    assert "| listeners deleted | 1 |" in summary
    assert "DELETED" not in summary


def test_compact_change_summary_is_used_instead_of_maps(history: History) -> None:
    """A compact label resource carries only change_summary: the review counts from it."""
    data = json.loads(history.update)
    step = next(s for s in data["steps"] if s["urn"].endswith("::segments"))
    compact = copy.deepcopy(step)
    compact["urn"] = step["urn"].replace(
        "UsageSegmentationLabels::segments", "UsageSegmentationLabelBundle::fleet"
    )
    compact["newState"]["type"] = compact["oldState"]["type"] = (
        "pulumi-python:dynamic/thingspace:UsageSegmentationLabelBundle"
    )
    for state in (compact["newState"], compact["oldState"]):
        state["inputs"].pop("labels")
        state.get("outputs", {}).pop("labels", None)
    compact["newState"]["inputs"]["change_summary"] = {
        "set": 4500,
        "removed": 2001,
        "first_set": [f"{eid(n)}/VIN" for n in range(1, 11)],
        "first_removed": [f"{eid(n)}/VIN" for n in range(1, 11)],
    }
    data["steps"] = [compact]
    proc = run_review(json.dumps(data), "--max-keys", "3")
    assert proc.returncode == 0, proc.stderr
    assert "| labels set | 4,500 |" in proc.stdout
    assert "| labels removed | 2,001 |" in proc.stdout
    assert f"`{eid(3)}/VIN`, and 4,497 more" in proc.stdout
    assert "ThingSpace requests | 5 (label removes: 2, label sets: 3)" in proc.stdout

    compact["newState"]["inputs"]["change_summary"]["set"] = "many"
    bad = run_review(json.dumps({"steps": [compact]}))
    assert bad.returncode == 1
    assert "steps[0].newState.inputs.change_summary.set: must be a whole number >= 0" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_license_chunk_size_comes_from_the_stack_config(history: History) -> None:
    data = json.loads(history.create)
    data["config"]["thingspace:licenseChunkSize"] = "1"
    proc = run_review(json.dumps(data), "--allow-delete")
    assert "| ThingSpace requests | at most 7 " in proc.stdout  # two licenses, one per request
    assert "1 licenses" in proc.stdout


def test_output_file(history: History, tmp_path: Path) -> None:
    out = tmp_path / "summary.md"
    proc = run_review(history.drop, "-o", str(out))
    assert proc.returncode == 0 and proc.stdout == ""
    assert out.read_text().startswith("<!-- thingspace-review -->")
