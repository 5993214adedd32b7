"""Run the program through the offline harness: the SDK's provider server, no Pulumi CLI."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

from ..testing import Engine, HarnessError, ProviderServer
from .runs import DemoError, RunResult, step_line, summarize

NOTE_PREFIX = "pulumi-thingspace:"


def type_name(urn: str) -> str:
    """``CallbackListener`` from ``urn:pulumi:s::p::pulumi-python:dynamic/thingspace:CallbackListener::n``."""
    return urn.split("::")[2].rsplit(":", 1)[-1]


class HarnessRunner:
    """``Engine.up`` on the project directory, with a provider server started in that directory."""

    def __init__(
        self, project_dir: Path, project: str, config: Mapping[str, Any], stack: str = "demo"
    ) -> None:
        self.description = "the offline harness (pulumi_thingspace.testing)"
        self.project_dir = project_dir
        self.server = ProviderServer(cwd=project_dir, project=project)
        try:
            self.engine = Engine(self.server, project=project, stack=stack, config=config)
        except BaseException:
            self.server.close()
            raise

    def preview(self) -> list[str]:
        """The planned steps of a preview, one line per resource."""
        try:
            steps = self.engine.preview(self.project_dir)
        except HarnessError as exc:
            raise DemoError(f"the preview failed: {exc}") from None
        return [step_line(s.op, type_name(s.urn), s.name) for s in steps] + [
            f"  {summarize(s.op for s in steps)}"
        ]

    def destroy(self) -> RunResult:
        """Delete every resource (the harness does not emulate ``protect``)."""
        try:
            steps = self.engine.destroy()
        except HarnessError as exc:
            raise DemoError(f"the destroy failed: {exc}") from None
        return RunResult(
            lines=[step_line(s.op, type_name(s.urn), s.name) for s in steps],
            summary=summarize(s.op for s in steps),
            changed=bool(steps),
        )

    def up(self, expect_no_changes: bool = False) -> RunResult:
        """One ``up``; the provider's own notes (stderr) are shown after the steps."""
        seen = len(self.server.stderr_lines)
        try:
            steps = self.engine.up(self.project_dir)
        except HarnessError as exc:
            raise DemoError(f"the program failed: {exc}") from None
        except Exception as exc:  # the program's own error (bad config, missing file, ...)
            raise DemoError(f"the program raised {type(exc).__name__}: {exc}") from None
        lines = [step_line(s.op, type_name(s.urn), s.name) for s in steps]
        notes = [line for line in self.server.stderr_lines[seen:] if line.startswith(NOTE_PREFIX)]
        lines += [f"     note: {line[len(NOTE_PREFIX) :].strip()}" for line in notes]
        return RunResult(
            lines=lines,
            summary=summarize(s.op for s in steps),
            changed=any(s.op != "same" for s in steps),
            exports=dict(self.engine.exports),
        )

    def close(self) -> None:
        """Stop the provider server."""
        self.server.close()

    def __enter__(self) -> HarnessRunner:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
