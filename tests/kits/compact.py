"""Shared wiring of the compact-form tests: stack config, a provider process, label text."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pulumi_thingspace.models.compact import label_text
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import Engine, ProviderServer, secret

ACCOUNT = DEMO_ACCOUNT
PROJECT = "compact"
HOOK_USER = "ts-hook"
HOOK_PASSWORD = "hook-pw-Cc52-xVb7"
READ_TOKEN = "sink-read-Zq81-nMw4"
LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
SECRETS = (DEMO_CLIENT_SECRET, DEMO_PASSWORD, HOOK_PASSWORD, READ_TOKEN)


def stack_config(sim_url: str, sink: SinkServer | None = None) -> dict[str, Any]:
    """Stack config as ``pulumi config set [--secret]`` gives it; with a sink, labels are verified."""
    config: dict[str, Any] = {
        "thingspace:baseUrl": sim_url,
        "thingspace:clientId": DEMO_CLIENT_ID,
        "thingspace:clientSecret": secret(DEMO_CLIENT_SECRET),
        "thingspace:username": DEMO_USERNAME,
        "thingspace:password": secret(DEMO_PASSWORD),
    }
    if sink is not None:
        config["thingspace:callbackResultsUrl"] = sink.url
        config["thingspace:callbackResultsToken"] = secret(READ_TOKEN)
        config["thingspace:callbackTimeoutSeconds"] = "20"
    return config


@contextmanager
def engine_for(tmp: Path, config: Mapping[str, Any]) -> Iterator[Engine]:
    """A fresh provider process and one stack on it."""
    with ProviderServer(cwd=tmp, project=PROJECT) as server:
        yield Engine(server, project=PROJECT, config=config)


def text_of(labels: Mapping[str, str], name: str = "VIN") -> str:
    """Label text for ``{eid: value}``."""
    return label_text((eid, name, value) for eid, value in labels.items())


def api_counts(sim: SimulatorServer) -> dict[str, int]:
    """Requests per endpoint since the last reset, excluding authentication."""
    return {
        k: v for k, v in sim.state.request_counts().items() if "/oauth2/" not in k and "/session/" not in k
    }
