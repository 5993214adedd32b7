"""Every error a user may see derives from ``UserError``, so it is reported by its message, never a traceback.

The test walks every module of the package and finds each Exception subclass defined there. One that is
not a ``UserError`` must be on :data:`INTERNAL`, which says why a user never meets it as an error of a
Pulumi run; a new user-facing error therefore cannot slip by without a decision.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import pkgutil
from pathlib import Path

import pulumi_thingspace
from pulumi_thingspace.errors import UserError

INTERNAL = {
    # The client's retry loop: a transient answer is retried, and an exhausted retry raises a UserError.
    "pulumi_thingspace.client.transport._Transient",
    # Validation inside check: turned into check failures naming the line, never raised to the engine.
    "pulumi_thingspace.models.compact.CompactSetError",
    # The simulator (a local stand-in for ThingSpace): its errors become HTTP answers.
    "pulumi_thingspace.simulator.errors.ApiError",
    # The callback sink server: its own process, errors become HTTP answers or its start-up message.
    "pulumi_thingspace.sink.store.StoreUnavailable",
    "pulumi_thingspace.sink.limits.BodyTooLarge",
    "pulumi_thingspace.sink.limits.BodyIncomplete",
    "pulumi_thingspace.sink.limits.NestedTooDeeply",
    # The demo command: prints its own messages.
    "pulumi_thingspace.demo.runs.DemoError",
    # The review tool (thingspace-review): a command line of its own, reports its input errors itself.
    "pulumi_thingspace.review.parse.ReviewInputError",
    # The test harness and the real-CLI kit: errors for test authors, raised in their test process.
    "pulumi_thingspace.testing.cli.PulumiNotFoundError",
    "pulumi_thingspace.testing.cli.PulumiCommandError",
    "pulumi_thingspace.testing.nodejs.NodeToolsNotFoundError",
    "pulumi_thingspace.testing.sdk.SdkGenerationError",
    # make schema (a repository tool): reports a broken example file itself.
    "pulumi_thingspace.schema.examples.ExampleError",
    "pulumi_thingspace.testing.errors.HarnessError",
    "pulumi_thingspace.testing.errors.ProviderServerError",
    "pulumi_thingspace.testing.errors.CheckFailedError",
    "pulumi_thingspace.testing.errors.ProviderOperationError",
}


def modules() -> list[pkgutil.ModuleInfo]:
    """Every module of the package (the dev extras make the server modules importable)."""
    infos = pkgutil.walk_packages(pulumi_thingspace.__path__, pulumi_thingspace.__name__ + ".")
    return sorted(infos, key=lambda info: info.name)


def defined_errors() -> dict[str, type[Exception]]:
    """``{"<module>.<name>": class}`` of every Exception subclass defined in a module of the package."""
    found: dict[str, type[Exception]] = {}
    for info in modules():
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue  # an entry point runs its command when imported; see the test below
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, Exception) and obj.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = obj
    return found


def test_every_error_a_user_may_see_is_a_user_error() -> None:
    errors = defined_errors()
    assert "pulumi_thingspace.resources.listener.ListenerExistsError" in errors  # the walk reaches resources
    slipped = sorted(
        name for name, cls in errors.items() if not issubclass(cls, UserError) and name not in INTERNAL
    )
    assert slipped == [], "derive these from UserError, or add them to INTERNAL saying why no user sees them"


def test_the_internal_list_names_only_errors_that_exist_and_are_not_user_errors() -> None:
    errors = defined_errors()
    assert sorted(INTERNAL - set(errors)) == []
    assert sorted(name for name in INTERNAL if issubclass(errors[name], UserError)) == []


def test_entry_points_define_no_classes() -> None:
    # Entry points are read, not imported: importing one runs its command.
    for info in modules():
        if info.name.endswith(".__main__"):
            spec = importlib.util.find_spec(info.name)
            assert spec is not None and spec.origin is not None
            tree = ast.parse(Path(spec.origin).read_text())
            assert not [n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)], info.name
