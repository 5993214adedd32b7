"""Engine harness: stack config, secrets and running a program file."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import pulumi

from kits.record_provider import PROJECT, TOKEN, Record, RecordProvider
from pulumi_thingspace.testing import Engine, ProviderServer, module_root, program_from_file, secret

PROGRAM_DIR = Path(__file__).parent / "programs" / "recordstack"


def wait_for_stderr(server: ProviderServer, needle: str, timeout: float = 5.0) -> str:
    """The provider's stderr is drained by a thread: poll for the line instead of sleeping blindly."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in server.stderr_lines:
            if needle in line:
                return line
        time.sleep(0.02)
    raise AssertionError(f"{needle!r} not in provider stderr: {server.stderr_lines}")


def test_secret_config_reaches_configure_unwrapped(
    engine: Engine, store: Path, server: ProviderServer
) -> None:
    engine.up(lambda: Record("a", store, "a", "one"))

    line = wait_for_stderr(server, "configure:")
    assert f"token_sha256={hashlib.sha256(TOKEN.encode()).hexdigest()}" in line
    assert "greeting=hello" in line


def test_secret_helper_hides_the_value() -> None:
    assert TOKEN not in repr(secret(TOKEN))
    assert secret(secret(TOKEN)).value == TOKEN


def test_secret_inputs_reach_the_provider_plain_and_come_back_secret(engine: Engine, store: Path) -> None:
    def program() -> None:
        record = Record(
            "hush",
            store,
            "hush",
            pulumi.Output.secret("quiet"),
            opts=pulumi.ResourceOptions(additional_secret_outputs=["digest"]),
        )
        for field in ("value", "digest", "key"):
            pulumi.export(f"{field}_is_secret", pulumi.Output.from_input(getattr(record, field).is_secret()))
        pulumi.export("value", record.value)

    engine.up(program)

    assert json.loads((store / "hush.json").read_text())["value"] == "quiet"
    assert engine.exports == {
        "value_is_secret": True,
        "digest_is_secret": True,
        "key_is_secret": False,
        "value": "quiet",
    }
    secret_outputs = engine.resource("hush").secret_outputs
    assert {"value", "digest", "__provider"} <= secret_outputs
    assert "key" not in secret_outputs
    assert engine.outputs("hush")["value"] == "quiet"

    # A same step hands the stored outputs back: still secret.
    engine.up(program)
    assert [step.op for step in engine.steps] == ["same"]
    assert engine.exports["value_is_secret"] is True


def test_program_file_runs_with_stack_config(tmp_path: Path) -> None:
    store = tmp_path / "records"
    store.mkdir()
    config = {
        "token": secret(TOKEN),
        "greeting": "hi there",
        "store": str(store),
        "thingspace:accountName": "0000000000-00001",
    }
    with ProviderServer(cwd=module_root(RecordProvider), project=PROJECT) as server:
        engine = Engine(server, project=PROJECT, config=config)

        engine.up(program_from_file(PROGRAM_DIR / "__main__.py"))
        assert engine.exports == {
            "account": "0000000000-00001",
            "record_id": "rec-greeting",
            "token_is_secret": True,
        }
        assert engine.outputs("greeting")["value"] == "hi there"

        engine.up(PROGRAM_DIR)  # a project directory works as well
        assert [step.op for step in engine.steps] == ["same"]
