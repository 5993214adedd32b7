"""Run the program with the Pulumi CLI: a local file backend and a passphrase in a temporary directory.

No Pulumi account is needed and nothing outside the temporary directory is written: the project is
copied there, ``PULUMI_HOME`` points there, and the stack's state lives in a ``file://`` backend there.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from ..testing import Secret
from .runs import DemoError, RunResult

COMMAND_TIMEOUT = 300.0
TAIL_LINES = 25
IN_PROGRESS = ("creating", "updating", "deleting", "replacing", "reading", "refreshing")


def pulumi_env(workdir: Path) -> dict[str, str]:
    """The environment for every ``pulumi`` command: local backend, random passphrase, this Python."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PULUMI_", "THINGSPACE_"))}
    python_dir = str(Path(sys.executable).parent)
    env.update(
        {
            "PULUMI_BACKEND_URL": (workdir / "state").as_uri(),
            "PULUMI_CONFIG_PASSPHRASE": secrets.token_urlsafe(24),
            "PULUMI_HOME": str(workdir / "pulumi-home"),
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            # The language host and the dynamic provider shim both start this interpreter.
            "PULUMI_PYTHON_CMD": sys.executable,
            "PATH": python_dir + os.pathsep + env.get("PATH", ""),
        }
    )
    (workdir / "state").mkdir(parents=True, exist_ok=True)
    return env


def resources_block(output: str) -> list[str]:
    """The lines under ``Resources:`` in the output of ``pulumi up``, e.g. ``+ 4 created``."""
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == "Resources:":
            block = []
            for item in lines[i + 1 :]:
                if not item.strip():
                    break
                block.append(item.strip())
            return block
    return []


def step_lines(output: str) -> list[str]:
    """The finished steps of the program's resources in the output of ``pulumi up``."""
    return [
        "  " + line.strip()
        for line in output.splitlines()
        if "thingspace:" in line and "::" not in line and not any(f" {w}" in line for w in IN_PROGRESS)
    ]


class CliRunner:
    """``pulumi up`` on a copy of the project, against a stack created for the demo."""

    def __init__(
        self,
        pulumi: str,
        project_dir: Path,
        workdir: Path,
        config: Mapping[str, Any],
        stack: str = "demo",
    ) -> None:
        self.description = f"`pulumi up` ({pulumi}, file backend in a temporary directory)"
        self.pulumi = pulumi
        self.stack = stack
        self.dir = workdir / project_dir.name
        # A copy keeps stack files and caches out of the example directory.
        shutil.copytree(
            project_dir,
            self.dir,
            ignore=shutil.ignore_patterns("Pulumi.*.yaml", "venv", ".venv", "__pycache__"),
        )
        self.env = pulumi_env(workdir)
        self._run(["stack", "init", stack])
        for key, value in config.items():
            self._config_set(key, value)

    def _run(
        self, args: Sequence[str], stdin: str | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        try:
            proc = subprocess.run(
                [self.pulumi, *args, "--non-interactive"],
                cwd=self.dir,
                env=self.env,
                input=stdin if stdin is not None else "",
                capture_output=True,
                text=True,
                timeout=COMMAND_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise DemoError(f"`pulumi {args[0]}` did not finish within {COMMAND_TIMEOUT:g} s") from None
        if check and proc.returncode != 0:
            raise DemoError(f"`pulumi {' '.join(args[:2])}` failed (exit {proc.returncode}):\n{tail(proc)}")
        return proc

    def _config_set(self, key: str, value: Any) -> None:
        # Values go through stdin so that no secret appears in a process listing.
        base = ["config", "set", key, "--stack", self.stack]
        if isinstance(value, Secret):
            self._run([*base, "--secret"], stdin=str(value.value))
            return
        proc = self._run(base, stdin=str(value), check=False)
        if proc.returncode != 0 and "looks like a secret" in proc.stderr:
            proc = self._run([*base, "--plaintext"], stdin=str(value), check=False)
        if proc.returncode != 0:
            raise DemoError(f"`pulumi config set {key}` failed (exit {proc.returncode}):\n{tail(proc)}")

    def up(self, expect_no_changes: bool = False) -> RunResult:
        """``pulumi up --yes --skip-preview`` (plus ``--expect-no-changes``), then the stack outputs."""
        args = [
            "up",
            "--yes",
            "--skip-preview",
            "--suppress-outputs",
            "--color",
            "never",
            "--stack",
            self.stack,
        ]
        if expect_no_changes:
            args.append("--expect-no-changes")
        proc = self._run(args, check=False)
        block = resources_block(proc.stdout)
        if proc.returncode != 0 and not (expect_no_changes and block):
            raise DemoError(f"`pulumi up` failed (exit {proc.returncode}):\n{tail(proc)}")
        outputs = self._run(["stack", "output", "--json", "--show-secrets", "--stack", self.stack])
        changed = proc.returncode != 0 or any(not line.endswith("unchanged") for line in block)
        return RunResult(
            lines=step_lines(proc.stdout),
            summary=", ".join(block) or "no summary printed",
            changed=changed,
            exports=json.loads(outputs.stdout or "{}"),
        )

    def close(self) -> None:
        """Nothing to stop: every command has finished; the temporary directory is removed by the caller."""

    def __enter__(self) -> CliRunner:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def tail(proc: subprocess.CompletedProcess[str]) -> str:
    """The last lines of a command's output, for an error message."""
    lines = (proc.stdout + proc.stderr).strip().splitlines()
    return "\n".join("  " + line for line in lines[-TAIL_LINES:])
