"""The examples through the offline harness against the simulator and the sink, and the demo as run by make.

Each example runs as the Pulumi engine would run it (its ``__main__.py``, the SDK's provider server
started in its directory); the simulator's state, its request counters and the callbacks it sent show
what reached ThingSpace.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.sink import SinkServer, SinkSettings
from pulumi_thingspace.testing import Engine, ProviderServer, secret
from pulumi_thingspace.testing.cli import CLI_OVERRIDE, PulumiCli, PulumiWorkspace

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"
QUICKSTART = EXAMPLES / "quickstart"
LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
FLEET_SIZE = 3000


def load_make_fleet() -> ModuleType:
    """``examples/fleet-labels/make_fleet.py`` under a name no other test module uses."""
    spec = importlib.util.spec_from_file_location(
        "fleet_labels_make_fleet", EXAMPLES / "fleet-labels" / "make_fleet.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def sink(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SinkServer]:
    """One callback sink for the module, as an operator would run it."""
    settings = SinkSettings(
        callback_username="thingspace-callbacks",
        callback_password=secrets.token_urlsafe(16),
        read_token=secrets.token_urlsafe(16),
        db_path=tmp_path_factory.mktemp("sink") / "callbacks.db",
        port=0,
    )
    with SinkServer(settings) as server:
        yield server


def stack_config(sim: SimulatorServer, sink: SinkServer) -> dict[str, Any]:
    """Provider settings for the simulator with verified label results, and the sink listener config."""
    return {
        "thingspace:baseUrl": sim.url,
        "thingspace:clientId": DEMO_CLIENT_ID,
        "thingspace:clientSecret": secret(DEMO_CLIENT_SECRET),
        "thingspace:username": DEMO_USERNAME,
        "thingspace:password": secret(DEMO_PASSWORD),
        "thingspace:callbackResultsUrl": sink.url,
        "thingspace:callbackResultsToken": secret(sink.settings.read_token),
        "thingspace:callbackTimeoutSeconds": "20",
        "sinkUrl": sink.callback_url,
        "sinkPassword": secret(sink.settings.callback_password),
    }


def api_counts(sim: SimulatorServer) -> dict[str, int]:
    """Requests per endpoint since the last reset, authentication left out."""
    return {
        k: v for k, v in sim.state.request_counts().items() if "/oauth2/" not in k and "/session/" not in k
    }


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
        engine = Engine(server, project="quickstart", stack="test", config=stack_config(sim, sink))
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
            "thingspace-callbacks",
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
        EXAMPLES / "fleet-labels",
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
        engine = Engine(server, project="fleet-labels", stack="test", config=stack_config(sim, sink))
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


def run_demo(*args: str, path: str | None = None, no_cli: bool = False) -> subprocess.CompletedProcess[str]:
    """``python -m pulumi_thingspace.demo`` from the repository root, as ``make demo`` runs it."""
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    if no_cli:
        env[CLI_OVERRIDE] = ""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_thingspace.demo", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_demo_without_the_pulumi_cli_says_so_and_prints_the_verified_summary() -> None:
    # No Pulumi CLI, whatever the machine has installed or built.
    proc = run_demo(path=str(Path(sys.executable).parent), no_cli=True)
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


FAKE_PULUMI = """#!{python}
import json, os, sys
args = sys.argv[1:]
record = {{"args": args, "stdin": sys.stdin.read(), "cwd": os.getcwd(),
          "env": {{k: v for k, v in os.environ.items() if k.startswith("PULUMI_")}}}}
with open({log!r}, "a") as log:
    log.write(json.dumps(record) + "\\n")
if args[0] == "up" and "--expect-no-changes" in args:
    print("Updating (demo):\\n\\nResources:\\n    5 unchanged\\n\\nDuration: 1s")
elif args[0] == "up":
    print("Updating (demo):")
    print(" +  pulumi-python:dynamic/thingspace:CallbackListener carrier-callbacks creating (0s)")
    print(" +  pulumi-python:dynamic/thingspace:CallbackListener carrier-callbacks created (0.4s)")
    print("Resources:\\n    + 5 created\\n\\nDuration: 2s")
elif args[:2] == ["stack", "output"]:
    print(json.dumps({{"labelsVerified": True}}))
"""


def test_the_workspace_uses_a_local_backend_and_keeps_secrets_off_command_lines(tmp_path: Path) -> None:
    """The commands the real-CLI workspace gives ``pulumi``, recorded by a stand-in executable."""
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "bin" / "pulumi"
    fake.parent.mkdir()
    fake.write_text(FAKE_PULUMI.format(python=sys.executable, log=str(log)))
    fake.chmod(0o755)
    workdir = tmp_path / "work"
    workdir.mkdir()
    config = {
        "thingspace:baseUrl": "http://127.0.0.1:8650",
        "thingspace:clientSecret": secret("client-s3cret"),
        "sinkPassword": secret("sink-s3cret"),
    }

    ws = PulumiWorkspace(PulumiCli(fake, "v3.276.0"), QUICKSTART, workdir, config=config, stack="demo")
    ws.run("up", "--yes")

    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls[0]["args"][:3] == ["stack", "init", "demo"]
    sets = {c["args"][2]: c for c in calls if c["args"][:2] == ["config", "set"]}
    assert set(sets) == set(config)
    assert "--secret" in sets["sinkPassword"]["args"] and sets["sinkPassword"]["stdin"] == "sink-s3cret"
    assert "--secret" in sets["thingspace:clientSecret"]["args"]
    assert "--plaintext" in sets["thingspace:baseUrl"]["args"]
    assert sets["thingspace:baseUrl"]["stdin"] == "http://127.0.0.1:8650"
    assert not any("s3cret" in arg for c in calls for arg in c["args"])  # values go through stdin only
    assert all("--non-interactive" in c["args"] for c in calls)

    env = calls[0]["env"]
    assert env["PULUMI_BACKEND_URL"] == (workdir / "state").as_uri()
    assert env["PULUMI_CONFIG_PASSPHRASE"] and env["PULUMI_PYTHON_CMD"] == sys.executable
    assert Path(env["PULUMI_HOME"]).is_relative_to(workdir)
    assert {c["cwd"] for c in calls} == {str(workdir / "quickstart")}  # a copy, not examples/quickstart
    assert not list(QUICKSTART.glob("Pulumi.*.yaml"))
