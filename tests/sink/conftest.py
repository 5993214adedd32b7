"""Fixtures for the callback sink and the results poller: real servers on 127.0.0.1, free ports."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from pulumi_thingspace.sink import SinkServer

from .helpers import make_settings


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh database file location."""
    return tmp_path / "callbacks.db"


@pytest.fixture
def sink(db_path: Path) -> Iterator[SinkServer]:
    """A running sink on a free loopback port."""
    with SinkServer(make_settings(db_path)) as server:
        yield server


@pytest.fixture
def post(sink: SinkServer) -> Callable[[Any], requests.Response]:
    """POST a JSON body (dict) or raw text (str) to the running sink's callback URL."""

    def _post(body: Any) -> requests.Response:
        data = body if isinstance(body, (str, bytes)) else json.dumps(body)
        return requests.post(
            sink.callback_url, data=data, headers={"Content-Type": "application/json"}, timeout=10
        )

    return _post
