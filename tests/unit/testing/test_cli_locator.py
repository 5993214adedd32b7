"""``find_pulumi``: which ``pulumi`` the tests, the demo and the benchmarks run (stand-in executables)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulumi_thingspace.testing.cli import CLI_OVERRIDE, PulumiNotFoundError, find_pulumi, minimum_version


def fake_cli(tmp_path: Path, version: str) -> Path:
    """A ``pulumi`` that only answers ``pulumi version``."""
    path = tmp_path / version / "pulumi"
    path.parent.mkdir(parents=True)
    path.write_text(f"#!/bin/sh\necho {version}\n")
    path.chmod(0o755)
    return path


def test_a_compatible_cli_named_by_the_override_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = fake_cli(tmp_path, "v3.999.0")
    monkeypatch.setenv(CLI_OVERRIDE, str(cli))
    found = find_pulumi()
    assert found.path == cli.resolve() and found.version == "v3.999.0" and found.bin_dir == cli.parent


def test_a_cli_older_than_the_python_sdk_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = ".".join(map(str, (3, minimum_version()[1] - 1, 0)))
    cli = fake_cli(tmp_path, f"v{old}")
    monkeypatch.setenv(CLI_OVERRIDE, str(cli))
    with pytest.raises(PulumiNotFoundError) as info:
        find_pulumi()
    assert f"v{old}" in str(info.value) and "make pulumi" in str(info.value)


def test_an_empty_override_means_no_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CLI_OVERRIDE, "")
    with pytest.raises(PulumiNotFoundError, match="run `make pulumi`"):
        find_pulumi()
