"""The offline harness (``pulumi_thingspace.testing``) against the real engine, on one scenario.

Users test their own programs with the harness; this keeps it true to the CLI: the same program, run
through both, must give the same operations per run and send the same API requests.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from kits.cli import PROGRAM, Fleet, FleetStack, label_list, label_map, listener, resource
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing import Engine, ProviderServer
from pulumi_thingspace.testing.cli import PulumiCli

Run = tuple[list[tuple[str, str]], dict[str, int]]


def scenario(
    stack: Fleet, apply: Callable[[], list[tuple[str, str]]], destroy: Callable[[], None]
) -> list[Run]:
    """Create, change one label and drop one license, then destroy: ops and API writes of each run."""
    imeis = [synthetic_ids(n)["imei"] for n in (6, 7)]

    def declare(labels: dict[str, str], licensed: list[str]) -> None:
        stack.declare(
            [
                listener(stack.services),
                resource(
                    "UsageSegmentationLabels",
                    "segments",
                    {"account_name": stack.account, "labels": label_list(labels)},
                    depends_on=["carrier"],
                ),
                resource(
                    "FotaLicenseAssignment", "fota", {"account_name": stack.account, "device_imeis": licensed}
                ),
            ]
        )

    runs: list[Run] = []

    def record(ops: list[tuple[str, str]]) -> None:
        stack.services.sim.wait_idle()
        runs.append((sorted(ops), stack.api_writes()))
        stack.services.sim.state.reset_request_counts()

    labels = label_map(range(1, 11))
    declare(labels, imeis)
    stack.services.sim.state.reset_request_counts()
    record(apply())
    record(apply())
    labels[f"{synthetic_ids(5)['eid']}/SEGMENT"] = "changed"
    declare(labels, imeis[:1])
    record(apply())
    destroy()
    record([])
    return runs


def test_the_harness_and_the_cli_run_the_same_operations_and_requests(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    cli_stack = FleetStack(pulumi_cli, services, tmp_path / "cli")
    through_cli = scenario(cli_stack, cli_stack.up_steps, lambda: cli_stack.run("destroy", "--yes") and None)

    project = tmp_path / "harness" / "fleet"
    shutil.copytree(PROGRAM, project)
    harness_stack = Fleet(services, project)
    with ProviderServer(cwd=project, project="fleet") as server:
        engine = Engine(server, project="fleet", stack="dev", config=services.stack_config())
        through_harness = scenario(
            harness_stack,
            lambda: [(s.op, s.name) for s in engine.up(project)],
            lambda: engine.destroy() and None,
        )

    assert through_harness == through_cli
    assert through_cli[1] == ([("same", "carrier"), ("same", "fota"), ("same", "segments")], {})
