"""Offline engine harness: run a Pulumi program against real dynamic providers, without the CLI.

``pulumi.runtime.set_mocks`` alone never runs a dynamic provider. This harness runs your program
in-process under ``set_mocks`` and forwards every dynamic resource to the SDK's own provider server
(``python -u -m pulumi.dynamic``, the process the engine starts), calling Configure, Check, Diff,
Create, Update, Delete and Read over gRPC in the order the engine does across ``preview``, ``up``,
``refresh`` and ``destroy``. Secrets are stripped before each provider call (the server answers
``acceptSecrets=False``) and put back on the outputs handed to the program.

Usage in pytest::

    import pulumi
    import pytest
    from pulumi_thingspace.testing import Engine, ProviderServer, secret

    from myproject.records import Record       # a pulumi.dynamic.Resource of your own

    @pytest.fixture(scope="module")
    def server():
        # cwd: the Pulumi project directory, where the engine would start the provider process.
        with ProviderServer(cwd="path/to/project", project="myproject") as srv:
            yield srv

    def program():                              # a Pulumi program: declares resources
        Record("greeting", value=pulumi.Config().require("greeting"))

    def test_lifecycle(server):
        engine = Engine(server, project="myproject", stack="dev",
                        config={"greeting": "hello", "apiToken": secret("t0p")})
        engine.preview(program)
        assert [s.op for s in engine.steps] == ["create"] and engine.state == {}
        engine.up(program)
        assert engine.outputs("greeting")["value"] == "hello"
        assert {s.op for s in engine.up(program)} == {"same"}   # a second up changes nothing
        engine.refresh()
        engine.destroy()
        assert engine.state == {}

``engine.up("path/to/project")`` runs the project's ``__main__.py`` instead (see
:func:`program_from_file`; the ``Pulumi.yaml`` name must match ``project``). The ``config`` reaches
the provider's ``configure`` (namespaced, secrets unwrapped) and the program
(``pulumi.Config().require(...)``, ``require_secret`` gives a secret). Per run, ``engine.steps``
lists :class:`StepRecord` s, ``engine.calls`` the provider RPCs, ``engine.planned[name]`` the
``(old_inputs, new_inputs)`` a preview would display and ``engine.exports`` the stack outputs.
Failures raise :class:`CheckFailedError` (every property failure) or
:class:`ProviderOperationError` (the provider's exception line in ``.message``, its traceback in
``.details``). Use one ``Engine`` per stack; its runs share ``engine.state``. One server serves one
stack config, because the SDK configures each provider once per process.

Providers must be importable by the server: classes from an importable module are pickled by
reference, so start the server with that module's root on its path (``cwd`` or ``pythonpath``;
:func:`module_root` computes it).

What the harness emulates:

* preview (Check and Diff only; creates return their checked inputs, with unknowns left unknown),
  up (Create; Diff then same, Update or replace; DIFF_UNKNOWN falls back to comparing inputs
  including ``__provider``; replacements re-Check without old inputs and honour the provider's
  ``delete_before_replace`` and the ``delete_before_replace`` resource option; create-before-delete
  deletes the original at the end of the run), refresh (Read; an empty id drops the resource,
  ``ReadResult.inputs`` replace the stored inputs), destroy and deletion of resources no longer
  declared (reverse creation order), ``Resource.get`` (a Read step);
* secrets: secret program inputs are unwrapped before Check; outputs named like secret inputs, and
  those in ``additional_secret_outputs``, are handed back to the program as secrets;
* stack exports (``pulumi.export``) made while the program runs are captured in ``engine.exports``;
* failures: a failed step ends the run (later registrations are refused, no deletes happen at the
  end); finished steps stay in state; a delete-before-replace whose create fails loses the resource.

What it does NOT emulate:

* dependency ordering beyond program order: resources are handled one at a time in registration
  order (the SDK registers a resource only after the resources its inputs and ``depends_on``
  refer to), and deletes run in reverse creation order, not in reverse dependency order;
* parallelism (everything is sequential);
* resource options other than ``additional_secret_outputs``, ``delete_before_replace`` and
  ``depends_on`` (which the SDK itself waits for): no ``ignore_changes``, ``replace_on_changes``,
  ``protect``, ``retain_on_delete``, ``aliases``, ``custom_timeouts``, ``import_`` (an error, as
  for dynamic resources in real Pulumi), transforms or hooks;
* invokes (``call`` returns ``{}``), non-dynamic resources (echoed back like plain mocks, with id
  ``<name>_id``), component outputs, assets/archives and resource references as dynamic inputs;
* nested secretness: an output is secret as a whole when its same-named input contains a secret;
* exports registered after the program returns (e.g. inside ``apply`` callbacks) and exports of
  unknown values in preview;
* stack config files: pass config explicitly; values are strings (others are JSON-encoded).
"""

from .engine import Engine
from .errors import (
    CheckFailedError,
    HarnessError,
    ProviderOperationError,
    ProviderServerError,
)
from .program import ProgramFile, program_from_file
from .server import ProviderServer, module_root
from .state import ResourceState, StepRecord
from .values import UNKNOWN, Secret, secret

__all__ = [
    "UNKNOWN",
    "CheckFailedError",
    "Engine",
    "HarnessError",
    "ProgramFile",
    "ProviderOperationError",
    "ProviderServer",
    "ProviderServerError",
    "ResourceState",
    "Secret",
    "StepRecord",
    "module_root",
    "program_from_file",
    "secret",
]
