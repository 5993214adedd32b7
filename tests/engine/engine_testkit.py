"""Shared helpers of the engine-path tests."""

from __future__ import annotations

from typing import Any

from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
)
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing import secret

ACCOUNT = DEMO_ACCOUNT
SECRETS = (DEMO_CLIENT_SECRET, DEMO_PASSWORD)


def provider_config(url: str, **extra: Any) -> dict[str, Any]:
    """Stack config for the demo credentials, secrets marked as the CLI marks them."""
    return {
        "thingspace:baseUrl": url,
        "thingspace:clientId": DEMO_CLIENT_ID,
        "thingspace:clientSecret": secret(DEMO_CLIENT_SECRET),
        "thingspace:username": DEMO_USERNAME,
        "thingspace:password": secret(DEMO_PASSWORD),
        **extra,
    }


def ids(serial: int) -> dict[str, str]:
    """Identifiers (eid, iccid, imei) of the demo fleet's device ``serial``."""
    return synthetic_ids(serial)


def api_counts(sim: SimulatorServer) -> dict[str, int]:
    """Requests per endpoint since the last reset, excluding authentication."""
    return {
        k: v for k, v in sim.state.request_counts().items() if "/oauth2/" not in k and "/session/" not in k
    }
