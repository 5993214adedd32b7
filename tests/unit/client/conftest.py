"""Fixtures for the ThingSpace client tests: a mocked API (responses) and fake time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import responses

from kits.client import BASE, CLIENT_SECRET, PASSWORD, FakeTime, add_auth
from pulumi_thingspace.client import Credentials, RetryPolicy, ThingSpaceClient


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def api() -> Iterator[responses.RequestsMock]:
    """The mocked ThingSpace API; unmatched requests fail with ConnectionError."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def credentials() -> Credentials:
    return Credentials("demo-client", CLIENT_SECRET, "demo-user", PASSWORD)


@pytest.fixture
def make_client(credentials: Credentials, fake_time: FakeTime) -> Iterator[Callable[..., ThingSpaceClient]]:
    made: list[ThingSpaceClient] = []

    def make(**kwargs: Any) -> ThingSpaceClient:
        kwargs.setdefault("sleep", fake_time.sleep)
        kwargs.setdefault("clock", fake_time.clock)
        kwargs.setdefault("retry", RetryPolicy(max_attempts=4, max_elapsed=60.0))
        client = ThingSpaceClient(credentials, BASE, **kwargs)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., ThingSpaceClient]) -> ThingSpaceClient:
    return make_client()


@pytest.fixture
def authed(api: responses.RequestsMock) -> responses.RequestsMock:
    """The mocked API with working OAuth and login."""
    add_auth(api)
    return api
