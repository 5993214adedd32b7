"""examples/ci/pipeline.sh end to end with the real CLI: preview, apply and drift jobs on the quickstart.

Credentials come from the environment (as a CI's secret store gives them), not from stack config.
"""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from kits.paths import REPO
from pulumi_thingspace.demo.services import Services, plain, running_services
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

SCRIPT = REPO / "examples" / "ci" / "pipeline.sh"
QUICKSTART = REPO / "examples" / "quickstart"
CREDENTIALS = {
    "thingspace:clientId": "THINGSPACE_CLIENT_ID",
    "thingspace:clientSecret": "THINGSPACE_CLIENT_SECRET",
    "thingspace:username": "THINGSPACE_USERNAME",
    "thingspace:password": "THINGSPACE_PASSWORD",
}


class Pipeline:
    """The quickstart's stack and the pipeline script's jobs on it."""

    def __init__(self, cli: PulumiCli, services: Services, workdir: Path) -> None:
        self.services = services
        config = services.stack_config()
        secrets = {env: plain(config.pop(key)) for key, env in CREDENTIALS.items()}
        self.ws = PulumiWorkspace(cli, QUICKSTART, workdir, config=config)
        self.out = workdir / "ci-out"
        self.env = {**self.ws.env, **secrets, "PULUMI_STACK": "dev", "PROJECT_DIR": str(self.ws.dir)}
        self.env["OUT_DIR"] = str(self.out)

    def job(self, name: str, **env: str) -> subprocess.CompletedProcess[str]:
        """``pipeline.sh <name>``; waits for the simulator's callbacks afterwards."""
        proc = subprocess.run(
            ["bash", str(SCRIPT), name],
            env={**self.env, **env},
            cwd=self.ws.dir.parent,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        self.services.sim.wait_idle()
        return proc

    def summary(self, name: str) -> str:
        """The Markdown a job wrote."""
        return (self.out / f"{name}.md").read_text()


@pytest.fixture(scope="module")
def pipeline(pulumi_cli: PulumiCli, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    """A quickstart stack on a fresh simulator, shared by the module's tests in order."""
    workdir = tmp_path_factory.mktemp("pipeline")
    with running_services(workdir) as services:
        yield Pipeline(pulumi_cli, services, workdir)


def admin(services: Services, path: str, body: Mapping[str, object]) -> None:
    """A call to the simulator's admin API (an out-of-band change)."""
    request = urllib.request.Request(
        services.sim.admin_url(path),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def test_preview_job_blocks_device_deletion_until_allowed(pipeline: Pipeline) -> None:
    blocked = pipeline.job("preview")
    assert blocked.returncode == 2, blocked.stderr[-3000:]
    summary = pipeline.summary("preview")
    assert "**2 device(s) will be DELETED." in summary
    assert "| labels set | 4 |" in summary
    assert "--allow-delete" in blocked.stderr
    assert summary in blocked.stdout  # the job log shows the summary too
    allowed = pipeline.job("preview", THINGSPACE_ALLOW_DELETE="true")
    assert allowed.returncode == 0, allowed.stderr[-3000:]


def test_preview_job_shows_policy_violations(pipeline: Pipeline, tmp_path: Path) -> None:
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"thingspace-allowed-accounts": {"accounts": ["0342330389-00001"]}}))
    proc = pipeline.job("preview", THINGSPACE_ALLOW_DELETE="true", POLICY_CONFIG=str(config))
    assert proc.returncode != 0
    summary = pipeline.summary("preview")
    assert "**The preview failed:**" in summary
    assert "thingspace-allowed-accounts" in summary
    assert "targets account 0000000000-00001, which is not in the allowed accounts" in summary


def test_apply_job_applies_the_stack(pipeline: Pipeline) -> None:
    proc = pipeline.job("apply")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    account = pipeline.services.account
    assert len(pipeline.services.sim.state.labels(account)) == 4
    assert {"350000000000030", "350000000000048", "350000000000055"} <= set(
        pipeline.services.sim.state.licenses(account)["devices"]
    )


def test_drift_job_fails_after_an_out_of_band_license_removal_and_passes_after_apply(
    pipeline: Pipeline,
) -> None:
    clean = pipeline.job("drift")
    assert clean.returncode == 0, clean.stdout[-3000:] + clean.stderr[-2000:]
    assert "No ThingSpace changes." in pipeline.summary("drift")

    admin(
        pipeline.services,
        f"accounts/{pipeline.services.account}/licenses/remove",
        {"deviceList": ["350000000000048"]},
    )
    drifted = pipeline.job("drift")
    assert drifted.returncode == 1
    assert "pipeline: drift: ThingSpace differs from the stack" in drifted.stderr
    assert "**licenses assigned: 1**: `350000000000048`" in pipeline.summary("drift")

    # The apply job refreshes before it updates: the state learns that the license is gone, so the
    # same program assigns it again (a plain `pulumi up` would see no change and leave it removed).
    apply = pipeline.job("apply")
    assert apply.returncode == 0, apply.stdout[-3000:] + apply.stderr[-2000:]
    assert "fota refresh" in " ".join(apply.stdout.split())  # the CLI's line for the refresh step
    assert "350000000000048" in pipeline.services.sim.state.licenses(pipeline.services.account)["devices"]
    again = pipeline.job("drift")
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-2000:]


def test_preview_job_after_apply_has_no_changes(pipeline: Pipeline) -> None:
    proc = pipeline.job("preview")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "No ThingSpace changes." in pipeline.summary("preview")


def test_unknown_job_is_a_usage_error(pipeline: Pipeline) -> None:
    proc = pipeline.job("deploy")
    assert proc.returncode == 64
    assert "usage: pipeline.sh preview|apply|drift" in proc.stderr
