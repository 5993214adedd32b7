"""The demo's command line and its sequence: start services, run twice, verify, print a summary."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..plugin.install import version as plugin_version
from ..testing import HarnessError
from ..testing.cli import PulumiNotFoundError, find_pulumi
from .checks import Check, check_second_run, verify_destroyed, verify_state, write_requests
from .cli_runner import CliRunner
from .harness_runner import HarnessRunner
from .runs import DemoError, Runner, RunResult
from .services import Services, running_services

PROJECT = "quickstart"
YAML_PROJECT = "quickstart-yaml"
YAML_STATE_EXPORTS = {"labels": ("segments", "labels"), "labelRequestIds": ("segments", "requestIds")}
"""Exports the checks read that the YAML quickstart does not declare: the ``segments`` resource's outputs."""
HARNESS_NOTICE = (
    "Pulumi CLI not found: running the program through the offline harness "
    "(pulumi_thingspace.testing), not `pulumi up`"
)
PREVIEW_LINES = 60


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m pulumi_thingspace.demo",
        description="Apply examples/quickstart against a local ThingSpace simulator and verify the result.",
    )
    parser.add_argument(
        "--engine",
        choices=["auto", "cli", "harness"],
        default="auto",
        help="auto (default): the Pulumi CLI (on PATH or built by `make pulumi`), else the offline harness",
    )
    parser.add_argument(
        "--project",
        type=Path,
        help="the quickstart project directory (default: examples/<quickstart> under the working directory, "
        "the root of a pulumi-thingspace clone)",
    )
    parser.add_argument(
        "--yaml",
        action="store_true",
        help=f"run examples/{YAML_PROJECT}, the Pulumi YAML program, through the thingspace provider "
        "plugin (installed into the demo's own PULUMI_HOME); needs the Pulumi CLI",
    )
    return parser.parse_args(argv)


def find_project(given: Path | None, yaml: bool = False) -> Path:
    """The quickstart directory: as given, else ``examples/<name>`` under the working directory.

    The demo belongs to the repository, not to the installed package: ``make demo`` runs it at the root
    of a clone, where the examples are.
    """
    name = YAML_PROJECT if yaml else PROJECT
    candidate = given or Path.cwd() / "examples" / name
    if (candidate / "Pulumi.yaml").is_file() and (yaml or (candidate / "__main__.py").is_file()):
        return candidate.resolve()
    if given:
        raise DemoError(f"no Pulumi project at {given}; pass --project path/to/examples/{name}")
    raise DemoError(
        f"no examples/{name} in {Path.cwd()}: run the demo from the root of a pulumi-thingspace clone "
        f"(`make demo`), or pass --project path/to/examples/{name}"
    )


def make_runner(
    engine: str, project_dir: Path, workdir: Path, services: Services, yaml: bool = False
) -> Runner:
    """The real CLI when it can be had (on PATH or built by ``make pulumi``), else the harness.

    The YAML program runs only under the CLI, with the provider plugin installed for it.
    """
    if yaml and engine == "harness":
        raise DemoError("--yaml: the offline harness runs Python programs only; use the Pulumi CLI")
    if engine != "harness":
        try:
            cli = find_pulumi()
        except PulumiNotFoundError as exc:
            if engine == "cli" or yaml:
                raise DemoError(f"{'--yaml' if yaml else '--engine cli'}: {exc}") from None
            print(f"{HARNESS_NOTICE}\n  ({exc})")
            return HarnessRunner(project_dir, PROJECT, services.stack_config())
        print(f"Pulumi CLI {cli.version}: {cli.path}")
        print(f"  state: a file backend in {workdir}; no Pulumi account is used")
        if not yaml:
            return CliRunner(cli, project_dir, workdir, services.stack_config())
        runner = CliRunner(
            cli,
            project_dir,
            workdir,
            services.stack_config(),
            plugin=True,
            state_exports=YAML_STATE_EXPORTS,
        )
        print(f"  plugin: thingspace {plugin_version()}, installed by `pulumi plugin install` into {workdir}")
        return runner
    print("--engine harness: running the program through the offline harness (pulumi_thingspace.testing)")
    return HarnessRunner(project_dir, PROJECT, services.stack_config())


def show_preview(lines: list[str]) -> None:
    """The preview as the CLI printed it (long previews are cut, saying how much was left out)."""
    print("\nPreview (`pulumi preview --diff`):")
    for line in lines[:PREVIEW_LINES]:
        print(f"  {line}")
    if len(lines) > PREVIEW_LINES:
        print(f"  ... {len(lines) - PREVIEW_LINES} more lines")


def show_run(title: str, result: RunResult, seconds: float, counts: Mapping[str, int]) -> None:
    """Print one run's steps and its one-line summary with the API requests it sent."""
    print(f"\n{title}")
    for line in result.lines:
        print(line)
    requests = f"{sum(counts.values())} API requests, {write_requests(counts)} writes"
    print(f"  Resources: {result.summary} ({seconds:.1f} s; {requests})")


def timed_up(
    runner: Runner, services: Services, expect_no_changes: bool
) -> tuple[RunResult, float, dict[str, int]]:
    """One ``up`` with its duration and the API requests the simulator counted during it."""
    services.sim.state.reset_request_counts()
    started = time.monotonic()
    result = runner.up(expect_no_changes=expect_no_changes)
    return result, time.monotonic() - started, services.sim.state.request_counts()


def run_demo(engine: str, project_dir: Path, yaml: bool = False) -> list[Check]:
    """Start the services; preview, apply, prove, apply again, destroy; return every check."""
    with (
        tempfile.TemporaryDirectory(prefix="thingspace-demo-") as tmp,
        running_services(Path(tmp)) as services,
    ):
        runner = make_runner(engine, project_dir, Path(tmp), services, yaml)
        print(f"ThingSpace simulator  {services.sim.url}  (demo fleet, account {services.account})")
        print(f"Callback sink         {services.sink.url}  (callbacks at {services.sink.callback_url})")
        try:
            show_preview(runner.preview())
            first, seconds, counts = timed_up(runner, services, expect_no_changes=False)
            show_run(f"Run 1: {project_dir.name} applied", first, seconds, counts)
            services.sim.wait_idle()
            print("\nVerified against the simulator's and the sink's state:")
            checks = verify_state(services, first.exports)
            for check in checks:
                print(check.line())

            second, seconds, counts = timed_up(runner, services, expect_no_changes=True)
            show_run("Run 2: the same program again", second, seconds, counts)
            checks.append(check_second_run(second.changed, second.summary, counts))
            print(checks[-1].line())

            services.sim.state.reset_request_counts()
            started = time.monotonic()
            gone = runner.destroy()
            show_run(
                "Destroy (protected resources stay)",
                gone,
                time.monotonic() - started,
                services.sim.state.request_counts(),
            )
            services.sim.wait_idle()
            for check in verify_destroyed(services, first.exports):
                checks.append(check)
                print(check.line())
        finally:
            runner.close()
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo; exit status 0 only when every check passed."""
    args = parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens under make or a pipe
    started = time.monotonic()
    try:
        project_dir = find_project(args.project, args.yaml)
    except DemoError as exc:
        print(f"FAIL: {exc}", file=sys.stderr)  # before any output: one line
        return 1
    try:
        checks = run_demo(args.engine, project_dir, args.yaml)
    except (DemoError, HarnessError) as exc:
        print(f"\nFAIL: {exc}", file=sys.stderr)
        return 1
    passed = sum(check.ok for check in checks)
    verdict = "PASS" if passed == len(checks) else "FAIL"
    print(f"\n{verdict}: {passed}/{len(checks)} checks passed in {time.monotonic() - started:.1f} s")
    return 0 if verdict == "PASS" else 1
