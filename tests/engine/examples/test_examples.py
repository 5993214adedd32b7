"""The examples through the offline harness against the simulator and the sink, and the demo as run by make.

Each example runs as the Pulumi engine would run it (its ``__main__.py``, the SDK's provider server
started in its directory); the simulator's state, its request counters and the callbacks it sent show
what reached ThingSpace.
"""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from kits.examples import FLEET_LABELS, QUICKSTART, load_make_fleet, run_demo
from kits.stack import api_counts, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import DEMO_ACCOUNT, DEMO_CLIENT_SECRET, DEMO_PASSWORD
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import Engine, ProviderServer, secret
from pulumi_thingspace.testing.cli import CLI_OVERRIDE

EXAMPLE_SINK_USER = "thingspace-callbacks"
"""The ``sinkUsername`` the examples default to: the sink here expects it, as an operator's would."""
pytestmark = pytest.mark.sink_config(callback_username=EXAMPLE_SINK_USER)

LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
FLEET_SIZE = 3000


def example_config(sim: SimulatorServer, sink: SinkServer) -> dict[str, Any]:
    """Provider settings for the simulator with verified label results, and the sink listener config."""
    return stack_config(
        sim,
        sink,
        timeout=20,
        sinkUrl=sink.callback_url,
        sinkPassword=secret(sink.settings.callback_password),
    )


def label_lines(sim: SimulatorServer) -> dict[str, set[tuple[str, str, str]]]:
    """Per action (``Set``/``Remove``), the ``(eid, name, value)`` lines of every callback sent so far."""
    lines: dict[str, set[tuple[str, str, str]]] = {"Set": set(), "Remove": set()}
    for delivery in sim.state.deliveries():
        response = delivery["body"]["deviceResponse"]["usageSegmentationLabelsResponse"]
        for line in response["usageSegmentationLabels"]:
            label = line["label"]
            lines[line["action"]].add((line["deviceIds"][0]["id"], label["name"], label["value"]))
    return lines


def test_quickstart_lands_on_the_demo_fleet_and_a_second_up_sends_nothing(sink: SinkServer) -> None:
    eid = {n: synthetic_ids(n)["eid"] for n in (1, 2, 3, 4)}
    with (
        SimulatorServer() as sim,
        ProviderServer(cwd=QUICKSTART, project="quickstart") as server,
    ):
        engine = Engine(server, project="quickstart", stack="test", config=example_config(sim, sink))
        steps = engine.up(QUICKSTART)
        assert sorted((s.op, s.name) for s in steps) == [
            ("create", "carrier-callbacks"),
            ("create", "fota"),
            ("create", "retired"),
            ("create", "segments"),
        ]
        sim.wait_idle()

        labels = sim.state.labels(DEMO_ACCOUNT)
        assert {e: labels[e] for e in labels} == {
            eid[1]: {"SEGMENT": "pilot"},
            eid[2]: {"SEGMENT": "pilot"},
            eid[3]: {"SEGMENT": "field"},
            eid[4]: {"SEGMENT": "field"},
        }
        held = set(sim.state.licenses(DEMO_ACCOUNT)["devices"])
        assert {synthetic_ids(n)["imei"] for n in (1, 2, 3, 4, 5)} == held  # 1 and 2 were licensed before
        for serial in (11, 12):
            assert sim.state.device(synthetic_ids(serial)["iccid"]) is None
        assert sim.state.device(synthetic_ids(10)["iccid"]) is not None  # deactive but not listed
        [listener] = sim.state.registered_callbacks(DEMO_ACCOUNT)
        assert (listener["serviceName"], listener["url"], listener["username"]) == (
            "CarrierService",
            sink.callback_url,
            EXAMPLE_SINK_USER,
        )

        segments = engine.outputs("segments")
        assert segments["verified"] is True and set(segments["results"].values()) == {"Success"}
        assert engine.exports["labelsVerified"] is True
        stored = (
            [body for rid in segments["request_ids"] for body in sink.store.get(rid)] if sink.store else []
        )
        reported = {
            line["deviceIds"][0]["id"]
            for body in stored
            for line in body["deviceResponse"]["usageSegmentationLabelsResponse"]["usageSegmentationLabels"]
        }
        assert reported == set(eid.values())  # the sink holds ThingSpace's per-device results

        sim.state.reset_request_counts()
        steps = engine.up(QUICKSTART)
        assert {s.op for s in steps} == {"same"} and len(steps) == 4
        assert sim.state.request_counts() == {}  # no write, no read, not even a token request


def test_fleet_labels_from_a_csv_of_thousands_then_only_the_edited_rows_are_sent(
    tmp_path: Path, sink: SinkServer
) -> None:
    make_fleet = load_make_fleet()
    project = tmp_path / "fleet-labels"
    shutil.copytree(
        FLEET_LABELS,
        project,
        ignore=shutil.ignore_patterns("fleet.csv", "fleet-seed.json", "__pycache__"),
    )
    make_fleet.write_fleet(FLEET_SIZE, tmp_path / "fleet-seed.json", project / "fleet.csv")

    def csv_labels() -> dict[str, dict[str, str]]:
        wanted: dict[str, dict[str, str]] = {}
        with (project / "fleet.csv").open(newline="") as handle:
            for row in csv.DictReader(handle):
                wanted.setdefault(row["device_id"], {})[row["name"]] = row["value"]
        return wanted

    with (
        SimulatorServer(tmp_path / "fleet-seed.json") as sim,
        ProviderServer(cwd=project, project="fleet-labels") as server,
    ):
        engine = Engine(server, project="fleet-labels", stack="test", config=example_config(sim, sink))
        assert [(s.op, s.name) for s in engine.up(project)] == [
            ("create", "carrier-callbacks"),
            ("create", "fleet"),
        ]
        assert api_counts(sim)[f"POST {LABELS_PATH}"] == 2  # 3,000 labels in chunks of 2,000
        sim.wait_idle()
        assert sim.state.labels(DEMO_ACCOUNT) == csv_labels()
        assert len(csv_labels()) == FLEET_SIZE
        assert engine.outputs("fleet")["verified"] is True
        assert engine.exports["labelCount"] == FLEET_SIZE

        sim.state.reset_request_counts()
        assert {s.op for s in engine.up(project)} == {"same"}
        assert sim.state.request_counts() == {}

        # Edit the CSV: three values change, one row is dropped, one row (a new device) is added.
        sim.state.add_synthetic_devices(DEMO_ACCOUNT, 1, start=FLEET_SIZE + 1)
        new_eid = synthetic_ids(FLEET_SIZE + 1)["eid"]
        with (project / "fleet.csv").open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        changed = rows[0:3]
        old = {(r["device_id"], r["name"], r["value"]) for r in changed}
        for n, row in enumerate(changed):
            row["value"] = f"EDITED{n}"
        dropped = rows.pop(1500)
        added = {"device_id": new_eid, "name": "VIN", "value": "1TSNEWCOMER000001"}
        rows.append(added)
        make_fleet.write_csv(project / "fleet.csv", rows)

        sim.state.reset_request_counts()
        sim.state.clear_deliveries()
        assert [(s.op, s.name) for s in engine.up(project)] == [
            ("same", "carrier-callbacks"),
            ("update", "fleet"),
        ]
        assert api_counts(sim) == {f"DELETE {LABELS_PATH}": 1, f"POST {LABELS_PATH}": 1}
        sim.wait_idle()
        sent = label_lines(sim)
        assert sent["Remove"] == old | {(dropped["device_id"], dropped["name"], dropped["value"])}
        assert sent["Set"] == {(r["device_id"], r["name"], r["value"]) for r in [*changed, added]}
        assert sim.state.labels(DEMO_ACCOUNT) == csv_labels()
        assert engine.outputs("fleet")["verified"] is True


def test_demo_without_the_pulumi_cli_says_so_and_prints_the_verified_summary() -> None:
    # No Pulumi CLI, whatever the machine has installed or built.
    proc = run_demo(env={"PATH": str(Path(sys.executable).parent), CLI_OVERRIDE: ""})
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert (
        "Pulumi CLI not found: running the program through the offline harness "
        "(pulumi_thingspace.testing), not `pulumi up`"
    ) in out
    for check in (
        "callback listener registered",
        "labels on devices: 4/4",
        "label results verified through the sink",
        "licenses held: 3/3",
        "devices gone: 2/2",
        "second run changes nothing: 4 unchanged; 0 API write request(s)",
        "destroy removed the labels: 0 of 4 left",
        "retired devices stay retired",
    ):
        assert f"PASS  {check}" in out
    assert "FAIL" not in out
    assert out.rstrip().splitlines()[-1].startswith("PASS: 10/10 checks passed")
    assert len(out.splitlines()) < 50
    for value in (DEMO_CLIENT_SECRET, DEMO_PASSWORD):
        assert value not in out + proc.stderr


def test_demo_fails_with_a_non_zero_exit_when_a_label_does_not_land(tmp_path: Path) -> None:
    project = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, project, ignore=shutil.ignore_patterns("__pycache__"))
    program = project / "__main__.py"
    # A device the demo fleet does not have: ThingSpace accepts the request, its callback reports the failure.
    text = program.read_text().replace(synthetic_ids(4)["eid"], synthetic_ids(99)["eid"])
    assert synthetic_ids(99)["eid"] in text
    program.write_text(text)

    proc = run_demo("--engine", "harness", "--project", str(project))
    assert proc.returncode == 1
    assert "offline harness" in proc.stdout
    assert "FAIL" in proc.stderr and synthetic_ids(99)["eid"] in proc.stderr
    assert "The device does not exist" in proc.stderr and "Traceback" not in proc.stderr
