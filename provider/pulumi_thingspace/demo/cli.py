"""The demo's command line and its sequence: start services, run twice, verify, print a summary."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from ..testing import HarnessError
from .checks import Check, check_second_run, verify_state, write_requests
from .cli_runner import CliRunner
from .harness_runner import HarnessRunner
from .runs import DemoError, Runner, RunResult
from .services import Services, running_services

PROJECT = "quickstart"
HARNESS_NOTICE = (
    "Pulumi CLI not found: running the program through the offline harness "
    "(pulumi_thingspace.testing), not `pulumi up`"
)


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
        help="auto (default): `pulumi up` when the Pulumi CLI is on PATH, else the offline harness",
    )
    parser.add_argument("--project", type=Path, help="the quickstart project directory (found by default)")
    return parser.parse_args(argv)


def find_project(given: Path | None) -> Path:
    """The quickstart directory: as given, under the working directory, or next to this source tree."""
    candidates = (
        [given]
        if given
        else [Path.cwd() / "examples" / PROJECT, Path(__file__).resolve().parents[3] / "examples" / PROJECT]
    )
    for candidate in candidates:
        if (candidate / "__main__.py").is_file() and (candidate / "Pulumi.yaml").is_file():
            return candidate.resolve()
    raise DemoError(f"no Pulumi project at {candidates[0]}; pass --project path/to/examples/{PROJECT}")


def make_runner(engine: str, project_dir: Path, workdir: Path, services: Services) -> Runner:
    """A CLI runner when asked for or available, else the harness (announced plainly)."""
    pulumi = shutil.which("pulumi") if engine != "harness" else None
    if engine == "cli" and pulumi is None:
        raise DemoError("--engine cli: the Pulumi CLI is not on PATH")
    if pulumi is not None:
        print(f"Pulumi CLI found: {pulumi}; running `pulumi up` with a file backend in {workdir}")
        return CliRunner(pulumi, project_dir, workdir, services.stack_config())
    if engine == "harness":
        print("--engine harness: running the program through the offline harness (pulumi_thingspace.testing)")
    else:
        print(HARNESS_NOTICE)
    return HarnessRunner(project_dir, PROJECT, services.stack_config())


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


def run_demo(engine: str, project_dir: Path) -> list[Check]:
    """Start the services, run the program twice and return every check."""
    with (
        tempfile.TemporaryDirectory(prefix="thingspace-demo-") as tmp,
        running_services(Path(tmp)) as services,
    ):
        print(f"ThingSpace simulator  {services.sim.url}  (demo fleet, account {services.account})")
        print(f"Callback sink         {services.sink.url}  (callbacks at {services.sink.callback_url})")
        runner = make_runner(engine, project_dir, Path(tmp), services)
        try:
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
        project_dir = find_project(args.project)
        checks = run_demo(args.engine, project_dir)
    except (DemoError, HarnessError) as exc:
        print(f"\nFAIL: {exc}", file=sys.stderr)
        return 1
    passed = sum(check.ok for check in checks)
    verdict = "PASS" if passed == len(checks) else "FAIL"
    print(f"\n{verdict}: {passed}/{len(checks)} checks passed in {time.monotonic() - started:.1f} s")
    return 0 if verdict == "PASS" else 1
