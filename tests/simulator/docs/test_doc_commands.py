"""Every shell block the docs mark as runnable runs, from the repository root, against a simulator.

A fenced block whose info string is ``sh runnable`` is a promise that its commands work as written on a
clone after ``make install``. The test runs each block with ``bash -eu`` and ``THINGSPACE_BASE_URL`` and
the demo credentials pointing at a simulator on loopback, so the commands the docs show cannot drift from
the code.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from kits.paths import REPO
from pulumi_thingspace.simulator import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    SimulatorServer,
)

ROOT = REPO
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").rglob("*.md"))]
RUNNABLE = re.compile(r"^```sh runnable\n(.*?)^```", re.M | re.S)


@dataclass(frozen=True)
class Block:
    """One runnable block: where it is and its commands."""

    path: Path
    line: int
    script: str

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def runnable_blocks() -> list[Block]:
    """The runnable blocks of every doc, in file order."""
    blocks = []
    for path in DOCS:
        text = path.read_text(encoding="utf-8")
        for match in RUNNABLE.finditer(text):
            blocks.append(Block(path, text.count("\n", 0, match.start()) + 1, match[1]))
    return blocks


BLOCKS = runnable_blocks()


def test_the_docs_mark_their_commands_runnable() -> None:
    assert len(BLOCKS) >= 5, "the docs lost their runnable blocks"
    assert {b.path.parent.name for b in BLOCKS} >= {"docs", "guides"}


@pytest.mark.parametrize("block", BLOCKS, ids=str)
def test_a_runnable_block_runs(block: Block, module_sim: SimulatorServer) -> None:
    venv_bin = str(Path(sys.executable).parent)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("THINGSPACE_", "PULUMI_"))}
    env.update(
        {
            "PATH": os.pathsep.join([venv_bin, env.get("PATH", "")]),
            "THINGSPACE_BASE_URL": module_sim.url,
            "THINGSPACE_CLIENT_ID": DEMO_CLIENT_ID,
            "THINGSPACE_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            "THINGSPACE_USERNAME": DEMO_USERNAME,
            "THINGSPACE_PASSWORD": DEMO_PASSWORD,
        }
    )
    proc = subprocess.run(
        ["bash", "-eu", "-o", "pipefail", "-c", block.script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
    assert proc.returncode == 0, f"{block} failed (exit {proc.returncode}):\n{output}"
