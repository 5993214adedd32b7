"""The simulator and the callback sink on loopback, and the stack config that points the program at them."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..simulator import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    SimulatorServer,
)
from ..sink import SinkServer, SinkSettings
from ..testing import Secret, secret

SINK_USERNAME = "thingspace-callbacks"
CALLBACK_TIMEOUT_SECONDS = 30


@dataclass
class Services:
    """Running simulator and sink, and the generated sink credentials (never printed)."""

    sim: SimulatorServer
    sink: SinkServer
    settings: SinkSettings = field(repr=False)
    account: str = DEMO_ACCOUNT

    def stack_config(self) -> dict[str, Any]:
        """Provider settings (``thingspace:*``) and the quickstart's own config; secrets marked."""
        return {
            "thingspace:baseUrl": self.sim.url,
            "thingspace:clientId": DEMO_CLIENT_ID,
            "thingspace:clientSecret": secret(DEMO_CLIENT_SECRET),
            "thingspace:username": DEMO_USERNAME,
            "thingspace:password": secret(DEMO_PASSWORD),
            "thingspace:callbackResultsUrl": self.sink.url,
            "thingspace:callbackResultsToken": secret(self.settings.read_token),
            "thingspace:callbackTimeoutSeconds": str(CALLBACK_TIMEOUT_SECONDS),
            "accountName": self.account,
            "sinkUrl": self.sink.callback_url,
            "sinkUsername": self.settings.callback_username,
            "sinkPassword": secret(self.settings.callback_password),
        }


def plain(value: Any) -> str:
    """A config value as text, secret or not."""
    return str(value.value if isinstance(value, Secret) else value)


@contextmanager
def running_services(workdir: Path) -> Iterator[Services]:
    """Start the simulator (demo fleet) and a sink storing callbacks in ``workdir``; stop both after."""
    settings = SinkSettings(
        callback_username=SINK_USERNAME,
        callback_password=secrets.token_urlsafe(24),
        read_token=secrets.token_urlsafe(24),
        db_path=workdir / "callbacks.db",
        port=0,
    )
    with SimulatorServer() as sim, SinkServer(settings) as sink:
        yield Services(sim=sim, sink=sink, settings=settings)
