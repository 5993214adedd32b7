"""Engine harness: how validation failures, provider exceptions and server failures are reported."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kits.record_provider import Record, journal
from pulumi_thingspace.testing import (
    CheckFailedError,
    Engine,
    ProviderOperationError,
    ProviderServer,
    ProviderServerError,
)


def test_check_failure_lists_every_property(engine: Engine, store: Path) -> None:
    def program() -> None:
        Record("bad", store, "not alnum!", "far too long a value")

    with pytest.raises(CheckFailedError) as caught:
        engine.up(program)

    error = caught.value
    assert error.resource_name == "bad"
    assert error.failures == [
        ("key", "key must be alphanumeric"),
        ("value", "value must be at most 12 characters"),
    ]
    assert str(error) == (
        "check failed for resource 'bad' (pulumi-python:dynamic/fixture:Record):\n"
        "  - key: key must be alphanumeric\n"
        "  - value: value must be at most 12 characters"
    )
    assert engine.state == {}


def test_check_failure_in_preview_is_reported_too(engine: Engine, store: Path) -> None:
    with pytest.raises(CheckFailedError, match="key must be alphanumeric"):
        engine.preview(lambda: Record("bad", store, "", "v"))


def test_provider_exception_carries_the_clean_message_and_full_details(engine: Engine, store: Path) -> None:
    with pytest.raises(ProviderOperationError) as caught:
        engine.up(lambda: Record("boom", store, "boom", "explode"))

    error = caught.value
    assert (error.resource_name, error.operation, error.code) == ("boom", "Create", "UNKNOWN")
    assert error.message == "RuntimeError: backend rejected record boom"
    assert str(error) == "Create failed for resource 'boom': RuntimeError: backend rejected record boom"
    assert error.details.startswith("Traceback (most recent call last)")
    assert "record_provider.py" in error.details


def test_a_failed_up_keeps_finished_work_and_the_next_run_is_clean(engine: Engine, store: Path) -> None:
    values = {"good": "fine", "boom": "explode", "later": "fine"}

    def program() -> None:
        for name, value in values.items():
            Record(name, store, name, value)

    with pytest.raises(ProviderOperationError):
        engine.up(program)
    assert [state.name for state in engine.state.values()] == ["good"]

    values["boom"] = "mended"
    engine.up(program)
    assert [(step.op, step.name) for step in engine.steps] == [
        ("same", "good"),
        ("create", "boom"),
        ("create", "later"),
    ]
    assert journal(store) == ["create good", "create boom", "create later"]


def test_server_that_prints_no_port_reports_its_stderr(tmp_path: Path) -> None:
    # A `pulumi` package that fails on import stands in for a broken provider environment.
    broken = tmp_path / "pulumi"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise ImportError('pulumi is broken here')\n")

    with pytest.raises(ProviderServerError) as caught:
        ProviderServer(cwd=tmp_path, project="p", python=sys.executable, startup_timeout=20)

    assert "did not print a port" in str(caught.value)
    assert "ImportError: pulumi is broken here" in str(caught.value)


def test_engine_refuses_a_server_started_for_another_project(server: ProviderServer) -> None:
    with pytest.raises(ValueError, match="recordstack"):
        Engine(server, project="other")


def test_server_refuses_a_second_different_config(server: ProviderServer) -> None:
    with pytest.raises(ProviderServerError, match="already configured"):
        Engine(server, project=server.project, config={"greeting": "different"})


def test_message_keeps_its_own_indented_lines() -> None:
    from pulumi_thingspace.testing.errors import final_exception_message

    details = (
        "Traceback (most recent call last):\n"
        '  File "/srv/__main__.py", line 83, in wrapper\n'
        "    return fn(self, request, context)\n"
        '  File "/srv/labels.py", line 12, in create\n'
        "    raise DeviceFailuresError(...)\n"
        "    ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "DeviceFailuresError: label change failed for 2 of 3 devices:\n"
        "  - 8904/VIN (set): The device does not exist\n"
        "  - 8905/VIN (set): The device does not exist\n"
    )
    assert final_exception_message(details) == (
        "DeviceFailuresError: label change failed for 2 of 3 devices:\n"
        "  - 8904/VIN (set): The device does not exist\n"
        "  - 8905/VIN (set): The device does not exist"
    )
