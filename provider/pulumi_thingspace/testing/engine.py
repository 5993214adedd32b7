"""``Engine``: the Pulumi engine's handling of dynamic resources, without the CLI.

A ``pulumi.runtime.Mocks`` whose ``new_resource`` hands each dynamic resource to the step generator
(:mod:`.steps`), which calls a real :class:`~pulumi_thingspace.testing.server.ProviderServer`.
State persists on the ``Engine`` across runs, like a stack's checkpoint.
"""

from __future__ import annotations

import copy
import os
import threading
from collections.abc import Mapping
from typing import Any

from pulumi.runtime import mocks as runtime_mocks

from .errors import HarnessError
from .program import Program, ProgramFile, current_registration, run_program
from .rpc import ProviderClient
from .server import ProviderServer
from .state import ResourceState, StepRecord
from .steps import Deployment
from .values import StackConfig

__all__ = ["Engine"]

DYNAMIC_TYPE_PREFIX = "pulumi-python:dynamic"
ProgramLike = Program | str | os.PathLike[str]


class Engine(runtime_mocks.Mocks):
    """Run Pulumi programs against a dynamic provider server the way ``pulumi`` would.

    Args:
        server: A started :class:`ProviderServer`; its ``project`` must equal ``project``.
        project: Project name (``Pulumi.yaml`` ``name``); prefixes config keys that have no namespace.
        stack: Stack name, used in URNs.
        config: Stack config, e.g. ``{"thingspace:clientSecret": secret("..."), "region": "east"}``.

    Attributes:
        exports: Stack outputs (``pulumi.export``) of the last program run, secrets unwrapped.
    """

    def __init__(
        self,
        server: ProviderServer,
        project: str = "test",
        stack: str = "dev",
        config: Mapping[str, Any] | None = None,
    ) -> None:
        if server.project != project:
            raise ValueError(f"server was started for project {server.project!r}, engine is for {project!r}")
        self.server = server
        self.project = project
        self.stack = stack
        self._config = StackConfig.build(project, config or {})
        server.configure(self._config.provider_args)
        self._deployment = Deployment(ProviderClient(server.stub))
        self.exports: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._run_id = 0
        self._failure: HarnessError | None = None

    @property
    def state(self) -> dict[str, ResourceState]:
        """Resource state per URN, in creation order."""
        return self._deployment.state

    @property
    def steps(self) -> list[StepRecord]:
        """Steps of the last run (:meth:`preview`, :meth:`up`, :meth:`refresh` or :meth:`destroy`)."""
        return self._deployment.steps

    @property
    def planned(self) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        """Per resource name, ``(old_inputs, new_inputs)`` as checked in the last run: what a preview
        displays. Without ``__provider``; secrets in plain text; unknowns are :data:`UNKNOWN`."""
        return self._deployment.planned

    @property
    def calls(self) -> list[tuple[str, str]]:
        """Provider RPCs of the last run as ``(method, resource name)``, e.g. ``("Create", "lbl")``."""
        return self._deployment.client.calls

    def preview(self, program: ProgramLike) -> list[StepRecord]:
        """``pulumi preview``: Check and Diff only; state is unchanged. Returns the planned steps."""
        self._run(program, preview=True)
        return self.steps

    def up(self, program: ProgramLike) -> list[StepRecord]:
        """``pulumi up``: apply every step, then delete resources the program no longer declares."""
        self._run(program, preview=False)
        return self.steps

    def refresh(self) -> list[StepRecord]:
        """``pulumi refresh``: Read every resource; drop the gone ones, store new outputs and inputs."""
        self._begin(preview=False)
        self._deployment.refresh()
        return self.steps

    def destroy(self) -> list[StepRecord]:
        """``pulumi destroy``: delete every resource in reverse creation order (the program is not run)."""
        self._begin(preview=False)
        self._deployment.destroy()
        self.exports = {}
        return self.steps

    def resource(self, name: str) -> ResourceState:
        """The state of the resource with logical name ``name`` (KeyError if absent or ambiguous)."""
        matches = [state for state in self.state.values() if state.name == name]
        if len(matches) != 1:
            known = sorted(state.name for state in self.state.values())
            problem = "no resource" if not matches else "more than one resource"
            raise KeyError(f"{problem} named {name!r} in state (known: {known}); look it up in .state by URN")
        return matches[0]

    def outputs(self, name: str) -> dict[str, Any]:
        """Outputs of resource ``name`` in state: plain values, without ``__provider`` (a copy)."""
        return copy.deepcopy(self.resource(name).public_outputs())

    def call(self, args: runtime_mocks.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        """Invokes are not emulated: every function call returns an empty result."""
        return {}, None

    def new_resource(self, args: runtime_mocks.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        """Handle one registration: dynamic resources go to the provider, others are echoed like mocks."""
        reg = current_registration()
        if reg is not None and reg.run_id != self._run_id:
            return "", {}  # a registration left over from an earlier, failed run
        if not args.typ.startswith(DYNAMIC_TYPE_PREFIX):
            return args.resource_id or f"{args.name}_id", dict(args.inputs)
        urn = reg.urn if reg else f"urn:pulumi:{self.stack}::{self.project}::{args.typ}::{args.name}"
        secret_outs = reg.additional_secret_outputs if reg else ()
        deployment = self._deployment
        with self._lock:
            try:
                if self._failure is not None:
                    # Like the engine, start no new step once one has failed.
                    raise HarnessError(f"{urn} not processed: an earlier step failed")
                if urn in deployment.seen:
                    raise HarnessError(f"duplicate resource URN {urn}")
                deployment.seen.add(urn)
                if reg.read if reg else bool(args.resource_id):
                    return deployment.read_external(
                        urn, args.name, args.typ, args.resource_id or "", args.inputs, secret_outs
                    )
                if args.resource_id:
                    raise HarnessError(
                        f"import of {urn} is not supported for dynamic resources (pulumi#16175)"
                    )
                dbr = bool(reg and reg.delete_before_replace)
                return deployment.register(urn, args.name, args.typ, args.inputs, secret_outs, dbr)
            except HarnessError as exc:
                self._failure = self._failure or exc
                raise

    def _begin(self, preview: bool) -> None:
        self._run_id += 1
        self._failure = None
        self._deployment.begin(preview)

    def _run(self, program: ProgramLike, preview: bool) -> None:
        if isinstance(program, (str, os.PathLike)):
            program = ProgramFile(program)
        if isinstance(program, ProgramFile) and program.project_name not in (None, self.project):
            raise ValueError(
                f"{program.path} belongs to project {program.project_name!r}, not {self.project!r}"
            )
        self._begin(preview)
        try:
            exports = run_program(
                self,
                program,
                run_id=self._run_id,
                project=self.project,
                stack=self.stack,
                preview=preview,
                config=self._config.program_values,
                secret_config_keys=self._config.secret_keys,
            )
        except BaseException:
            failure = self._failure
            if failure is not None:
                raise failure.with_traceback(None) from None  # the runtime's frames say nothing useful
            raise
        self.exports = exports
        self._deployment.finish()
