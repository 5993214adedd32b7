"""``make demo`` on the real CLI: the quickstart previewed, applied, proved, applied again and destroyed."""

from __future__ import annotations

import shutil
from pathlib import Path

from kits.examples import QUICKSTART, run_demo
from pulumi_thingspace.simulator import DEMO_CLIENT_SECRET, DEMO_PASSWORD
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing.cli import CLI_OVERRIDE, PulumiCli


def test_the_demo_runs_the_real_pulumi_preview_up_and_destroy(pulumi_cli: PulumiCli) -> None:
    proc = run_demo(env={CLI_OVERRIDE: str(pulumi_cli.path)})
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert out.splitlines()[0] == f"Pulumi CLI {pulumi_cli.version}: {pulumi_cli.path}"
    assert "offline harness" not in out
    assert "Previewing update (demo):" in out and "+ 5 to create" in out  # the CLI's own preview
    assert "Resources: + 5 created" in out
    assert "PASS  second run changes nothing: 5 unchanged; 0 API write request(s), 0 request(s) in all" in out
    assert "segments deleted" in out and "retired deleted" not in out  # protected: destroy leaves it
    assert "PASS  retired devices stay retired" in out
    assert out.rstrip().splitlines()[-1].startswith("PASS: 10/10 checks passed")
    for value in (DEMO_CLIENT_SECRET, DEMO_PASSWORD):
        assert value not in out + proc.stderr


def test_a_failed_up_ends_the_demo_with_the_cli_message_and_no_traceback(
    pulumi_cli: PulumiCli, tmp_path: Path
) -> None:
    project = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, project, ignore=shutil.ignore_patterns("__pycache__"))
    program = project / "__main__.py"
    missing = synthetic_ids(99)["eid"]  # not in the demo fleet: its callback reports the failure
    program.write_text(program.read_text().replace(synthetic_ids(4)["eid"], missing))
    proc = run_demo("--project", str(project), env={CLI_OVERRIDE: str(pulumi_cli.path)})
    assert proc.returncode == 1
    assert "FAIL: `pulumi up --yes` failed (exit 1)" in proc.stderr
    assert f"{missing}/SEGMENT (set): The device does not exist" in proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr and "@ updating" not in proc.stderr
