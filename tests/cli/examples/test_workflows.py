"""The CI files: every job runs the one pipeline script, deploys are serialised per stack, and they lint."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from kits.ci import skip_or_fail
from kits.paths import EXAMPLES

CI = EXAMPLES / "ci"
GITHUB = CI / "github" / "thingspace.yml"
GITLAB = CI / "gitlab" / ".gitlab-ci.yml"


def tool(name: str, hint: str) -> str:
    """Path of a linter; skipped without it, failed under CI=true (tests/cli/examples/install-linters.sh)."""
    found = shutil.which(name) or next(
        (str(p) for p in [Path.home() / "go" / "bin" / name] if p.is_file()), None
    )
    if found:
        return found
    skip_or_fail(f"{name} not installed: {hint}")


def scripts(job: dict[str, Any]) -> str:
    """Every command of a GitHub job (``run`` steps) or GitLab job (``script``)."""
    if "steps" in job:
        return "\n".join(step.get("run", "") for step in job["steps"])
    return "\n".join(job.get("script", []))


@pytest.mark.parametrize("path", [GITHUB, GITLAB], ids=["github", "gitlab"])
def test_each_job_runs_the_pipeline_script(path: Path) -> None:
    data = yaml.safe_load(path.read_text())
    jobs = (
        data["jobs"]
        if "jobs" in data
        else {k: v for k, v in data.items() if k in ("preview", "apply", "drift")}
    )
    for name in ("preview", "apply", "drift"):
        assert f"examples/ci/pipeline.sh {name}" in scripts(jobs[name])


def pipeline_job(name: str) -> str:
    """The commands of one ``case`` branch of pipeline.sh (from ``  <name>)`` to its ``;;``)."""
    text = (CI / "pipeline.sh").read_text()
    _, found, rest = text.partition(f"\n  {name})\n")
    assert found, f"pipeline.sh has no {name} job"
    return rest.partition("\n    ;;")[0]


def test_apply_is_pulumi_up_with_refresh_and_drift_stays_a_refreshed_preview() -> None:
    apply = pipeline_job("apply")
    assert "run_pulumi up --yes --refresh" in apply
    assert "run_pulumi refresh" not in apply  # one command: the refresh and the update share the lock
    assert "summarise drift --refresh --expect-no-changes" in pipeline_job("drift")
    github = yaml.safe_load(GITHUB.read_text())["jobs"]
    gitlab = yaml.safe_load(GITLAB.read_text())
    assert scripts(github["apply"]).strip().endswith("examples/ci/pipeline.sh apply")
    assert scripts(gitlab["apply"]).strip() == "examples/ci/pipeline.sh apply"
    for path in (GITHUB, GITLAB):
        assert "`pulumi up --refresh`" in path.read_text()  # the header says what the apply job runs


def test_deploys_run_one_at_a_time_per_stack() -> None:
    github = yaml.safe_load(GITHUB.read_text())["jobs"]
    for name in ("apply", "drift"):
        assert github[name]["concurrency"]["cancel-in-progress"] is False
        assert "thingspace-stack-" in github[name]["concurrency"]["group"]
    gitlab = yaml.safe_load(GITLAB.read_text())
    assert (
        gitlab["apply"]["resource_group"] == gitlab["drift"]["resource_group"] == "thingspace-$PULUMI_STACK"
    )


def test_actionlint() -> None:
    actionlint = tool("actionlint", "run tests/cli/examples/install-linters.sh")
    proc = subprocess.run([actionlint, str(GITHUB)], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_shellcheck() -> None:
    shellcheck = tool("shellcheck", "run tests/cli/examples/install-linters.sh")
    proc = subprocess.run([shellcheck, str(CI / "pipeline.sh")], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
