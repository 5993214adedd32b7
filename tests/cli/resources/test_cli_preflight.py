"""Errors that stop a run before its first write, as the real CLI prints them: one line each, no
traceback, and no write request reaching ThingSpace."""

from __future__ import annotations

from pathlib import Path

from kits.cli import FleetStack, label_list, label_map, listener, resource
from kits.paths import EXCERPTS
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing.cli import PulumiCli

CALLBACKS_READ = "GET /api/m2m/v1/callbacks/{account}"


def one_line(output: str, head: str, tail: str) -> None:
    """Every line that starts the message also ends it, and no traceback was printed."""
    assert "Traceback" not in output
    lines = [line for line in output.splitlines() if head in line]
    assert lines, f"{head!r} not in the output:\n{output}"
    assert all(tail in line for line in lines), lines


def test_errors_that_stop_a_run_before_its_first_write(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    stack = FleetStack(pulumi_cli, services, tmp_path)
    account = stack.account
    seen: list[str] = []

    def fails(*command: str) -> str:
        proc = stack.run(*command, check=False)
        output = proc.stdout + proc.stderr
        seen.append(f"$ pulumi {' '.join(command)}\n{output}")
        assert proc.returncode != 0, output
        return output

    def labels(name: str, entries: list[dict[str, str]], type_: str = "UsageSegmentationLabels") -> dict:
        return resource(type_, name, {"account_name": account, "labels": entries})

    stack.declare([labels("segments", label_list(label_map([1])))])

    # 1. Settings are checked when the provider is configured: the first check of a preview fails.
    stack.ws.set_config("thingspace:baseUrl", services.sim.url + "/api")
    output = fails("preview")
    one_line(output, "invalid provider settings: thingspace:baseUrl must be", "but it has a path")
    assert stack.api_writes() == {}
    stack.ws.set_config("thingspace:baseUrl", services.sim.url)

    stack.ws.set_config("thingspace:callbackResultsUrl", "ftp://sink.test/results")
    output = fails("preview")
    one_line(output, "thingspace:callbackResultsUrl must be an http:// or https:// URL", "the scheme 'ftp'")
    assert stack.api_writes() == {}
    stack.ws.set_config("thingspace:callbackResultsUrl", services.sink.url)

    # 2. A listener already registered for the service: a preview only checks inputs, so the up finds
    # it, before it registers anything.
    services.sim.state.callbacks.register(account, "CarrierService", "https://elsewhere.test/cb", "u", "p")
    try:
        stack.declare([listener(services)])
        assert stack.run("preview").returncode == 0 and stack.api_writes() == {}
        output = fails("up", "--yes", "--skip-preview")
        one_line(output, "a CarrierService listener is already registered", "set adopt=True to take it over")
        assert stack.api_writes() == {CALLBACKS_READ: 1}
    finally:
        services.sim.state.callbacks.deregister(account, "CarrierService")

    # 3. A conflicting duplicate in 5,000 labels: named by its path, the set is never printed.
    entries = label_list(label_map(range(1000, 6000)))
    entries.insert(5000, {**entries[1234], "value": "other"})
    key = f"{entries[1234]['device_id']}/SEGMENT"
    for type_, where, first in (
        ("UsageSegmentationLabels", "labels[5000]", "labels[1234]"),
        ("UsageSegmentationLabelBundle", "labels line 5001", "line 1235"),
    ):
        stack.declare([labels("segments", entries, type_)])
        output = fails("preview")
        one_line(output, f"{where}: {key} is given both", f"'v' ({first}) and 'other'")
        assert len(output) < 5_000 and stack.api_writes() == {}

    # 4. Two resources giving one device's label two values: the second one checked names both.
    eid = synthetic_ids(2)["eid"]
    stack.declare(
        [
            labels("first", label_list(label_map([2, 3], value="x"))),
            resource(
                "UsageSegmentationLabel",
                "second",
                {"account_name": account, "device_id": eid, "name": "SEGMENT", "value": "y"},
            ),
        ]
    )
    output = fails("preview")
    one_line(output, f"label {eid}/SEGMENT is set to ", "declare it in one resource only")
    line = next(line for line in output.splitlines() if f"label {eid}/SEGMENT is set to " in line)
    assert (
        "'x' by UsageSegmentationLabels \"first\"" in line
        and "'y' by UsageSegmentationLabel \"second\"" in line
    )
    assert stack.api_writes() == {}

    EXCERPTS.mkdir(parents=True, exist_ok=True)
    (EXCERPTS / "preflight.txt").write_text("\n".join(seen))
