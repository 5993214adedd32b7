"""Fixtures for the callback sink and the results poller: real servers on 127.0.0.1, free ports.

Every test that takes ``backend`` (or ``sink``/``post``: here ``sink_config`` is on the backend's store)
runs twice: on a SQLite file and on a fresh
database of a throwaway PostgreSQL server. Without PostgreSQL binaries the postgres runs skip, except
under CI=true, where they fail.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from kits.ci import skip_or_fail
from kits.postgres import PostgresServer, find_bindir
from kits.sink import make_settings
from kits.sink_backends import Backend
from kits.sink_processes import Sink
from pulumi_thingspace.sink import SinkServer, SinkSettings

NO_POSTGRES = "PostgreSQL binaries (initdb, pg_ctl) not found; install Debian's postgresql package"


def require_postgres_bindir() -> Path:
    """The PostgreSQL binaries; skips the test without them, or fails it when CI=true."""
    bindir = find_bindir()
    if bindir is None:
        skip_or_fail(NO_POSTGRES)
    return bindir


def _running_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer(require_postgres_bindir())
    try:
        server.start()
        yield server
    finally:
        server.destroy()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session; tests each get their own empty schema on it."""
    yield from _running_postgres()


@pytest.fixture
def private_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of the test's own, for tests that stop and restart it."""
    yield from _running_postgres()


@pytest.fixture
def processes() -> Iterator[list[Sink]]:
    """Sink processes a test started (append them); any still running are killed afterwards."""
    started: list[Sink] = []
    yield started
    for sink in started:
        if sink.proc.poll() is None:
            sink.stop(signal.SIGKILL)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh SQLite database file location."""
    return tmp_path / "callbacks.db"


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, db_path: Path) -> Backend:
    """An empty store location: a SQLite file, or a new schema on the session's PostgreSQL."""
    if request.param == "sqlite":
        return Backend("sqlite", db_path)
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return Backend("postgres", server.create_database())


@pytest.fixture
def sink_config(backend: Backend) -> SinkSettings:
    """The ``sink`` fixture (tests/conftest.py) of this folder: on the backend's store."""
    return make_settings(backend.target)


@pytest.fixture
def post(sink: SinkServer) -> Callable[[Any], requests.Response]:
    """POST a JSON body (dict) or raw text (str) to the running sink's callback URL."""

    def _post(body: Any) -> requests.Response:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return requests.post(
            sink.callback_url, data=data, headers={"Content-Type": "application/json"}, timeout=10
        )

    return _post
