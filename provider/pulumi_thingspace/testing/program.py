"""Running a Pulumi program in-process under ``pulumi.runtime.set_mocks``, once per run.

Each run gets a fresh root stack, the stack config the engine would give the program, a mock
monitor that reports each registration's URN and resource options to the harness, and a
one-thread executor so resources reach the harness one at a time, in registration order.
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import re
import runpy
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi.resource import Resource
from pulumi.runtime import config as runtime_config
from pulumi.runtime import mocks as runtime_mocks
from pulumi.runtime.settings import ROOT, get_project, get_stack
from pulumi.runtime.stack import Stack
from pulumi.runtime.sync_await import _ensure_event_loop

from .errors import HarnessError

__all__ = [
    "Program",
    "ProgramFile",
    "Registration",
    "current_registration",
    "program_from_file",
    "run_program",
]

Program = Callable[[], object]
"""A Pulumi program: a zero-argument callable that declares resources (its return value is ignored)."""

_STACK_TYPE = "pulumi:pulumi:Stack"
_current = threading.local()


@dataclass(frozen=True)
class Registration:
    """What the engine knows about a registration that ``Mocks.new_resource`` is not told."""

    run_id: int
    urn: str
    read: bool
    additional_secret_outputs: tuple[str, ...] = ()
    delete_before_replace: bool = False


def current_registration() -> Registration | None:
    """The registration being handled on this thread, or None outside the harness monitor."""
    registration: Registration | None = getattr(_current, "value", None)
    return registration


class RecordingMonitor(runtime_mocks.MockMonitor):
    """A ``MockMonitor`` that exposes URN (parent-aware) and resource options to ``new_resource``."""

    def __init__(self, mocks: runtime_mocks.Mocks, run_id: int) -> None:
        super().__init__(mocks)
        self.run_id = run_id

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """URNs as the engine builds them: children of the root stack carry no parent type."""
        qualified = type_
        if parent:
            parent_type = parent.split("::")[2]
            if parent_type != _STACK_TYPE:
                qualified = f"{parent_type}${type_}"
        return f"urn:pulumi:{get_stack()}::{get_project()}::{qualified}::{name}"

    def RegisterResource(self, request: Any) -> Any:
        if request.type == _STACK_TYPE:
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]
        urn = self.make_urn(request.parent, request.type, request.name)
        registration = Registration(
            run_id=self.run_id,
            urn=urn,
            read=False,
            additional_secret_outputs=tuple(request.additionalSecretOutputs),
            delete_before_replace=bool(request.deleteBeforeReplace),
        )
        return self._with(
            registration,
            lambda: super(RecordingMonitor, self).RegisterResource(request),  # type: ignore[no-untyped-call]
        )

    def ReadResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        registration = Registration(
            run_id=self.run_id,
            urn=urn,
            read=True,
            additional_secret_outputs=tuple(request.additionalSecretOutputs),
        )
        return self._with(
            registration,
            lambda: super(RecordingMonitor, self).ReadResource(request),  # type: ignore[no-untyped-call]
        )

    @staticmethod
    def _with(registration: Registration, call: Callable[[], Any]) -> Any:
        _current.value = registration
        try:
            return call()
        finally:
            _current.value = None


class ProgramFile:
    """A Pulumi program file (``__main__.py``) run the way the Python language host runs it.

    It is executed with ``runpy.run_path(..., run_name="__main__")``; during the run the working
    directory is the program's directory and that directory is first on ``sys.path``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        resolved = Path(path).resolve()
        self.path = resolved / "__main__.py" if resolved.is_dir() else resolved
        if not self.path.is_file():
            raise FileNotFoundError(f"no Pulumi program at {self.path}")
        self.directory = self.path.parent

    @property
    def project_name(self) -> str | None:
        """The ``name:`` of the ``Pulumi.yaml`` next to the program, if there is one."""
        for candidate in ("Pulumi.yaml", "Pulumi.yml"):
            project_file = self.directory / candidate
            if project_file.is_file():
                match = re.search(r"^name:\s*['\"]?([^'\"#\s]+)", project_file.read_text(), re.MULTILINE)
                return match.group(1) if match else None
        return None

    def __call__(self) -> None:
        runpy.run_path(str(self.path), run_name="__main__")

    @contextmanager
    def environment(self) -> Iterator[None]:
        """Working directory and ``sys.path[0]`` set to the program directory, restored afterwards."""
        previous_cwd = Path.cwd()
        directory = str(self.directory)
        os.chdir(directory)
        sys.path.insert(0, directory)
        try:
            yield
        finally:
            os.chdir(previous_cwd)
            if directory in sys.path:
                sys.path.remove(directory)

    def __repr__(self) -> str:
        return f"ProgramFile({str(self.path)!r})"


def program_from_file(path: str | os.PathLike[str]) -> ProgramFile:
    """Build a program from a ``__main__.py`` file or a project directory containing one."""
    return ProgramFile(path)


def run_program(
    mocks: runtime_mocks.Mocks,
    program: Program,
    *,
    run_id: int,
    project: str,
    stack: str,
    preview: bool,
    config: Mapping[str, str],
    secret_config_keys: list[str],
) -> dict[str, Any]:
    """Run ``program`` once under ``set_mocks``; return the stack exports (plain values).

    Exports whose values are unknown (preview) are left out.
    """
    loop: asyncio.AbstractEventLoop = _ensure_event_loop()  # type: ignore[no-untyped-call]
    _silence_reraised_errors(loop)
    tasks_before = asyncio.all_tasks(loop) if not loop.is_running() else set()
    previous_executor = getattr(loop, "_default_executor", None)
    # One worker keeps registrations in program order, so steps and state order are deterministic.
    executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pulumi-harness")
    saved_config = dict(runtime_config.CONFIG.get())
    saved_secret_keys = list(runtime_config._SECRET_KEYS.get())
    root_token = ROOT.set(None)  # set_mocks only creates a new root stack when none is set
    exports: dict[str, Any] = {}

    def main() -> pulumi.Output[None]:
        program()
        root = pulumi.runtime.get_root_resource()
        outputs = dict(root.outputs) if isinstance(root, Stack) else {}
        return pulumi.Output.from_input(outputs).apply(lambda values: exports.update(values))

    scope: AbstractContextManager[None] = (
        program.environment() if isinstance(program, ProgramFile) else nullcontext()
    )
    failed = True
    try:
        loop.set_default_executor(executor)
        runtime_config.set_all_config(dict(config), secret_config_keys)
        monitor = RecordingMonitor(mocks, run_id)
        pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview, monitor=monitor)
        with scope:
            pulumi.runtime.test(main)()  # type: ignore[no-untyped-call]
        failed = False
    finally:
        if failed and not loop.is_running():
            _cancel_new_tasks(loop, tasks_before)
        executor.shutdown(wait=True, cancel_futures=failed)
        setattr(loop, "_default_executor", previous_executor)  # noqa: B010 - no public way to restore it
        runtime_config.set_all_config(saved_config, saved_secret_keys)
        _reset_root(root_token)
    return exports


def _reset_root(token: contextvars.Token[Resource | None]) -> None:
    # Later set_mocks users must get a fresh root stack, not this run's.
    try:
        ROOT.reset(token)
    except ValueError:  # called from another context (e.g. inside a running task)
        ROOT.set(None)


def _silence_reraised_errors(loop: asyncio.AbstractEventLoop) -> None:
    """Drop asyncio's "exception was never retrieved" reports for harness errors.

    A failed step rejects every output future of the resource; the harness raises the error to the
    caller once, so the per-future reports garbage collection would print are only noise.
    """
    if getattr(loop, "_thingspace_harness_quiet", False):
        return
    previous = loop.get_exception_handler()

    def handler(event_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if isinstance(context.get("exception"), HarnessError) and "never retrieved" in context.get(
            "message", ""
        ):
            return
        if previous is not None:
            previous(event_loop, context)
        else:
            event_loop.default_exception_handler(context)

    loop.set_exception_handler(handler)
    setattr(loop, "_thingspace_harness_quiet", True)  # noqa: B010 - marks the loop as already wrapped


def _cancel_new_tasks(loop: asyncio.AbstractEventLoop, before: set[asyncio.Task[Any]]) -> None:
    # A failed run leaves registrations pending; cancel them so they cannot leak into the next run.
    leftovers = [task for task in asyncio.all_tasks(loop) if task not in before and not task.done()]
    for task in leftovers:
        task.cancel()
    if leftovers:
        loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
