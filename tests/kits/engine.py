"""Shared wiring of the reliability and security tests: simulator, sink, provider process, programs."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
from hypothesis import HealthCheck, settings

import pulumi_thingspace as thingspace
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from pulumi_thingspace.sink import SinkServer, SinkSettings
from pulumi_thingspace.testing import Engine, ProviderServer, secret

ACCOUNT = DEMO_ACCOUNT
PROJECT = "reliability"
HOOK_USER = "ts-hook"
HOOK_PASSWORD = "hook-pw-Rk41-qQz8"
READ_TOKEN = "sink-read-Tt93-pLm2"
AUTH_ENDPOINTS = ("POST /api/ts/v1/oauth2/token", "POST /api/m2m/v1/session/login")
LABELS_SET = "POST /api/m2m/v1/devices/actions/usagesegmentationlabels"

BOUNDED = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
"""Hypothesis settings of this suite: bounded, no deadline, nothing written to disk."""


def sink_settings(db: Path, password: str = HOOK_PASSWORD, token: str = READ_TOKEN) -> SinkSettings:
    """A sink that accepts the listener's credentials and answers the provider's read token."""
    return SinkSettings(callback_username=HOOK_USER, callback_password=password, read_token=token, db_path=db)


def stack_config(
    sim_url: str,
    sink: SinkServer | None = None,
    *,
    client_id: str = DEMO_CLIENT_ID,
    client_secret: str = DEMO_CLIENT_SECRET,
    username: str = DEMO_USERNAME,
    password: str = DEMO_PASSWORD,
    read_token: str = READ_TOKEN,
    timeout: float = 30.0,
) -> dict[str, Any]:
    """Stack config as ``pulumi config set [--secret]`` would give it; with a sink, labels are verified."""
    config: dict[str, Any] = {
        "thingspace:baseUrl": sim_url,
        "thingspace:clientId": client_id,
        "thingspace:clientSecret": secret(client_secret),
        "thingspace:username": username,
        "thingspace:password": secret(password),
    }
    if sink is not None:
        config["thingspace:callbackResultsUrl"] = sink.url
        config["thingspace:callbackResultsToken"] = secret(read_token)
        config["thingspace:callbackTimeoutSeconds"] = str(timeout)
    return config


@contextmanager
def engine_for(tmp: Path, config: Mapping[str, Any]) -> Iterator[Engine]:
    """A fresh provider process (one per stack config, as the engine starts one per run) and a stack."""
    with ProviderServer(cwd=tmp, project=PROJECT) as server:
        yield Engine(server, project=PROJECT, config=config)


def behind_listener(sink: SinkServer, password: str = HOOK_PASSWORD) -> pulumi.ResourceOptions:
    """Declare a CarrierService listener posting to ``sink``; options that make a resource wait for it."""
    listener = thingspace.CallbackListener(
        "carrier", account_name=ACCOUNT, url=sink.callback_url, username=HOOK_USER, password=password
    )
    return pulumi.ResourceOptions(depends_on=[listener])


def label_set(
    labels: Mapping[str, str],
    *,
    sink: SinkServer | None = None,
    name: str = "VIN",
    password: str = HOOK_PASSWORD,
) -> Callable[[], None]:
    """A program: labels ``{eid: value}``; with a sink, behind a CarrierService listener posting to it."""

    def program() -> None:
        opts = None if sink is None else behind_listener(sink, password)
        thingspace.UsageSegmentationLabels(
            "labels",
            account_name=ACCOUNT,
            labels=[{"device_id": d, "name": name, "value": v} for d, v in labels.items()],
            opts=opts,
        )

    return program


def add_fleet(sim: SimulatorServer, count: int, state: str = "active") -> list[dict[str, str]]:
    """Add ``count`` synthetic devices to the demo account; their identifiers by kind."""
    return [dict(d.ids) for d in sim.state.add_synthetic_devices(ACCOUNT, count, state)]


def auth_counts(sim: SimulatorServer) -> tuple[int, int]:
    """(token requests, login requests) since the last reset."""
    counts = sim.state.request_counts()
    token, login = (counts.get(e, 0) for e in AUTH_ENDPOINTS)
    return token, login


def failed_logins(sim: SimulatorServer, username: str = DEMO_USERNAME) -> int:
    """The simulator's consecutive failed-login counter of ``username``."""
    (user,) = [u for u in sim.state.users() if u["username"] == username]
    return int(user["failedLogins"])
