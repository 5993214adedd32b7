"""Run the program with the real Pulumi CLI: a local file backend and a passphrase in a temporary directory.

No Pulumi account is needed and nothing outside the temporary directory is written: the project is
copied there, ``PULUMI_HOME`` points there, and the stack's state lives in a ``file://`` backend there
(:class:`pulumi_thingspace.testing.cli.PulumiWorkspace`).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from ..testing.cli import PulumiCli, PulumiCommandError, PulumiWorkspace
from .runs import DemoError, RunResult


def resources_block(output: str) -> list[str]:
    """The lines under the last ``Resources:`` of a command's output, e.g. ``+ 5 created``."""
    lines = output.splitlines()
    for i in reversed(range(len(lines))):
        if lines[i].strip() == "Resources:":
            block = []
            for item in lines[i + 1 :]:
                if not item.strip():
                    break
                block.append(item.strip())
            return block
    return []


def step_lines(output: str) -> list[str]:
    """The finished steps of the program's resources, as the CLI printed them."""
    done = (" created", " updated", " deleted", " replaced", " unchanged")
    return [
        "  " + line.strip()
        for line in output.splitlines()
        if "thingspace:" in line and any(f"{w} (" in line or line.rstrip().endswith(w) for w in done)
    ]


class CliRunner:
    """``pulumi preview --diff``, ``pulumi up`` and ``pulumi destroy`` on a copy of the project.

    ``plugin`` installs the ThingSpace provider plugin into the stack's private ``PULUMI_HOME`` first, as a
    user does for a program in another language than Python (``pulumi plugin install``).
    ``state_exports`` names exports the program does not declare, each read from a resource's outputs
    in the stack's state: ``{"labels": ("segments", "labels")}``.
    """

    def __init__(
        self,
        cli: PulumiCli,
        project_dir: Path,
        workdir: Path,
        config: Mapping[str, Any],
        stack: str = "demo",
        plugin: bool = False,
        state_exports: Mapping[str, tuple[str, str]] | None = None,
    ) -> None:
        self.description = f"`pulumi` {cli.version} ({cli.path}), file backend in a temporary directory"
        self.state_exports = dict(state_exports or {})
        try:
            self.ws = PulumiWorkspace(cli, project_dir, workdir, config=config, stack=stack)
            if plugin:
                self.ws.install_plugin()
        except PulumiCommandError as exc:
            raise DemoError(f"could not create the demo stack: {exc}") from None

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        try:
            return self.ws.run(*args)
        except PulumiCommandError as exc:
            raise DemoError(str(exc)) from None

    def preview(self) -> list[str]:
        """``pulumi preview --diff``: the CLI's own text, as a reviewer reads it."""
        return self._run("preview", "--diff").stdout.rstrip().splitlines()

    def up(self, expect_no_changes: bool = False) -> RunResult:
        """``pulumi up --yes --skip-preview`` (plus ``--expect-no-changes``), then the stack outputs."""
        args = ["up", "--yes", "--skip-preview", "--suppress-outputs"]
        proc = self._run(*args, *(["--expect-no-changes"] if expect_no_changes else []))
        block = resources_block(proc.stdout)
        outputs = self._run("stack", "output", "--json", "--show-secrets")
        exports: dict[str, Any] = json.loads(outputs.stdout or "{}")
        exports.update({k: v for k, v in self.recorded_exports().items() if k not in exports})
        return RunResult(
            lines=step_lines(proc.stdout),
            summary=", ".join(block) or "no summary printed",
            changed=any(not line.endswith("unchanged") for line in block),
            exports=exports,
        )

    def recorded_exports(self) -> dict[str, Any]:
        """The ``state_exports`` values, read from ``pulumi stack export``."""
        if not self.state_exports:
            return {}
        state = json.loads(self._run("stack", "export").stdout)
        outputs = {
            res["urn"].rsplit("::", 1)[1]: res.get("outputs", {})
            for res in state["deployment"].get("resources", [])
        }
        return {
            export: outputs[name][prop]
            for export, (name, prop) in self.state_exports.items()
            if prop in outputs.get(name, {})
        }

    def destroy(self) -> RunResult:
        """``pulumi destroy --yes --exclude-protected``: a protected resource stays, as it must."""
        proc = self._run("destroy", "--yes", "--exclude-protected")
        block = resources_block(proc.stdout)
        return RunResult(lines=step_lines(proc.stdout), summary=", ".join(block), changed=bool(block))

    def close(self) -> None:
        """Nothing to stop: every command has finished; the temporary directory is removed by the caller."""

    def __enter__(self) -> CliRunner:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
