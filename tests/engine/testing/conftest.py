"""Fixtures for the engine harness tests: one provider server per session, a fresh engine per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kits import record_provider
from kits.record_provider import PROJECT, TOKEN
from pulumi_thingspace.testing import Engine, ProviderServer, module_root, secret

CONFIG = {"token": secret(TOKEN), "greeting": "hello", "thingspace:accountName": "0000000000-00001"}


@pytest.fixture(scope="session")
def server() -> Iterator[ProviderServer]:
    # The provider is pickled by reference (`kits.record_provider.RecordProvider`): the server imports it.
    with ProviderServer(cwd=module_root(record_provider.RecordProvider), project=PROJECT) as srv:
        yield srv


@pytest.fixture
def new_engine(server: ProviderServer) -> Callable[[str], Engine]:
    """Build an engine for another stack on the shared server (same project and config)."""
    return lambda stack: Engine(server, project=PROJECT, stack=stack, config=CONFIG)


@pytest.fixture
def engine(new_engine: Callable[[str], Engine]) -> Engine:
    return new_engine("dev")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "records"
    path.mkdir()
    return path
