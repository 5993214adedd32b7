"""Each rule of the policy pack under the real CLI: a violating program fails with the rule's message."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from kits.paths import PROGRAMS
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

PROGRAM = PROGRAMS / "changes"
LABELS = {f"{synthetic_ids(1)['eid']}/SEGMENT": "a"}
RETIRE = [synthetic_ids(n)["iccid"] for n in (11, 12)]
COMPLIANT = {"listener": {}, "labels": LABELS, "licenses": [synthetic_ids(3)["imei"]], "retire": RETIRE}


class PolicyStack:
    """The ``changes`` program with a stack; previews run with the pack and a policy config."""

    def __init__(self, ws: PulumiWorkspace, workdir: Path) -> None:
        self.ws = ws
        self.workdir = workdir
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "thingspace-policy-path"), "--check"],
            capture_output=True,
            text=True,
            check=True,
        )
        self.pack = proc.stdout.strip()

    def preview(self, plan: Mapping[str, Any], config: Mapping[str, Any]) -> subprocess.CompletedProcess[str]:
        """``pulumi preview --policy-pack <pack> --policy-pack-config <config>`` of ``plan``."""
        (self.ws.dir / "plan.json").write_text(json.dumps(plan))
        config_file = self.workdir / "policy-config.json"
        config_file.write_text(json.dumps(config))
        args = ("--policy-pack", self.pack, "--policy-pack-config", str(config_file))
        return self.ws.run("preview", *args, check=False)


@pytest.fixture(scope="module")
def stack(
    pulumi_cli: PulumiCli, services: Services, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[PolicyStack]:
    """One stack for every policy test of this module."""
    workdir = tmp_path_factory.mktemp("policy")
    yield PolicyStack(PulumiWorkspace(pulumi_cli, PROGRAM, workdir, config=services.stack_config()), workdir)


def allowing(account: str, max_devices: int = 5) -> dict[str, Any]:
    """A policy config with an allow-list and a retirement limit."""
    return {
        "thingspace-allowed-accounts": {"accounts": [account]},
        "thingspace-retirement-limit": {"maxDevices": max_devices},
    }


def test_compliant_program_passes(stack: PolicyStack, services: Services) -> None:
    proc = stack.preview(COMPLIANT, allowing(services.account))
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "Loading policy packs...: done" in proc.stdout
    assert "thingspace@v0.1.0" in proc.stdout


def test_unprotected_retirement_too_many_devices_and_foreign_account_fail(stack: PolicyStack) -> None:
    plan = {**COMPLIANT, "protect": False}
    proc = stack.preview(plan, allowing("0342330389-00001", max_devices=1))
    out = proc.stdout
    assert proc.returncode != 0
    assert "[mandatory]  thingspace-retirement-protected" in out
    assert "DeviceRetirement 'retired' must be protected" in out
    assert "[mandatory]  thingspace-retirement-limit" in out
    assert "this run would retire 2 devices (retired: 2); the limit is 1 per run" in out
    assert "[mandatory]  thingspace-allowed-accounts" in out
    assert "UsageSegmentationLabels 'segments' targets account 0000000000-00001" in out
    assert "FotaLicenseAssignment 'fota' targets account 0000000000-00001" in out


def test_plain_http_listener_fails(stack: PolicyStack, services: Services) -> None:
    plan = {**COMPLIANT, "listener": {"url": "http://hooks.example.com/thingspace"}}
    proc = stack.preview(plan, allowing(services.account))
    assert proc.returncode != 0
    assert "[mandatory]  thingspace-listener-https" in proc.stdout
    assert (
        "CallbackListener 'carrier' url 'http://hooks.example.com/thingspace' must use https" in proc.stdout
    )


def test_enforcement_level_is_configurable(stack: PolicyStack, services: Services) -> None:
    config = {**allowing(services.account), "thingspace-retirement-protected": "advisory"}
    proc = stack.preview({**COMPLIANT, "protect": False}, config)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "[advisory]  thingspace-retirement-protected" in proc.stdout


def test_bad_policy_config_is_named(stack: PolicyStack, services: Services) -> None:
    proc = stack.preview(COMPLIANT, {"thingspace-retirement-limit": {"maxDevices": "ten"}})
    assert proc.returncode != 0
    assert "maxDevices" in proc.stdout + proc.stderr


def test_retired_devices_do_not_count_again(stack: PolicyStack, services: Services) -> None:
    """After the devices are retired, an unchanged retirement does not count against the limit."""
    (stack.ws.dir / "plan.json").write_text(json.dumps(COMPLIANT))
    stack.ws.run("up", "--yes", "--skip-preview")
    services.sim.wait_idle()
    proc = stack.preview(COMPLIANT, allowing(services.account, max_devices=1))
    assert proc.returncode == 0, proc.stdout[-3000:]
