"""``make demo`` on the real CLI: the quickstart previewed, applied, proved, applied again and destroyed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pulumi_thingspace.simulator import DEMO_CLIENT_SECRET, DEMO_PASSWORD
from pulumi_thingspace.testing.cli import CLI_OVERRIDE, PulumiCli

REPO = Path(__file__).resolve().parents[2]


def test_the_demo_runs_the_real_pulumi_preview_up_and_destroy(pulumi_cli: PulumiCli) -> None:
    env = {**os.environ, CLI_OVERRIDE: str(pulumi_cli.path)}
    proc = subprocess.run(
        [sys.executable, "-m", "pulumi_thingspace.demo"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
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
