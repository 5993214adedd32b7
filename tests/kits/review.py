"""The review tier's kit: the ``changes`` program under the real ``pulumi``, and reviews of its previews."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from kits.paths import PROGRAMS
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace

PROGRAM = PROGRAMS / "changes"
AUTH = ("/oauth2/", "/session/")
READS = ("GET ", "/devices/actions/list", "/fota/v3/devices/")


def eid(n: int) -> str:
    """EID of synthetic device ``n``."""
    return synthetic_ids(n)["eid"]


def imei(n: int) -> str:
    """IMEI of synthetic device ``n``."""
    return synthetic_ids(n)["imei"]


def iccid(n: int) -> str:
    """ICCID of synthetic device ``n``."""
    return synthetic_ids(n)["iccid"]


def labels(serials: Iterable[int], value: str = "v", name: str = "SEGMENT") -> dict[str, str]:
    """``{"<eid>/<name>": value}`` for synthetic devices."""
    return {f"{eid(n)}/{name}": value for n in serials}


class ChangesStack:
    """The ``changes`` program with its own stack; :meth:`plan` says what it declares next."""

    def __init__(self, cli: PulumiCli, services: Services, workdir: Path, **config: Any) -> None:
        self.services = services
        self.ws = PulumiWorkspace(cli, PROGRAM, workdir, config={**services.stack_config(), **config})

    def plan(self, plan: Mapping[str, Any]) -> None:
        """Make the program declare ``plan`` (see the program's docstring) on its next run."""
        (self.ws.dir / "plan.json").write_text(json.dumps(plan))

    def preview_json(self, *args: str, check: bool = True) -> str:
        """``pulumi preview --json`` output."""
        return self.ws.run("preview", "--json", *args, check=check).stdout

    def up(self) -> dict[str, int]:
        """``pulumi up`` (no preview); the ThingSpace write requests it sent, per endpoint."""
        self.services.sim.state.reset_request_counts()
        self.ws.run("up", "--yes", "--skip-preview")
        self.services.sim.wait_idle()
        counts = self.services.sim.state.request_counts()
        return {k: v for k, v in counts.items() if not any(p in k for p in AUTH + READS)}


def run_review(preview: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``thingspace-review`` (as ``python -m``) on preview JSON text given on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_thingspace.review", *args],
        input=preview,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
