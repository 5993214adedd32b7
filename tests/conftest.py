"""Fixtures shared by every test tier: the real Pulumi CLI for the tiers that run it."""

from __future__ import annotations

import os

import pytest

from pulumi_thingspace.testing.cli import PulumiCli, PulumiNotFoundError, find_pulumi


@pytest.fixture(scope="session")
def pulumi_cli() -> PulumiCli:
    """The real ``pulumi`` (on PATH or built by ``make pulumi``).

    Without one the test is skipped with one line saying why; with ``CI=true`` it fails instead, so a
    pipeline never passes without having run the real-CLI tests.
    """
    try:
        return find_pulumi()
    except PulumiNotFoundError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and no Pulumi CLI: {exc}")
        pytest.skip(f"real-CLI test skipped: {exc}")
