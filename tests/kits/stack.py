"""The simulator and the callback sink as the tests wire them: sink credentials, stack config, a provider.

The ``sim`` and ``sink`` fixtures (``tests/conftest.py``) are built from :func:`sink_settings`; a test
points a stack at them with :func:`stack_config` and runs it in a provider process with :func:`engine_for`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
HOOK_USER = "ts-hook"
"""The user name a CarrierService listener sends to the sink with every callback."""
HOOK_PASSWORD = "hook-pw-Rk41-qQz8"
"""The listener's password: the sink refuses callbacks without it."""
READ_TOKEN = "sink-read-Tt93-pLm2"
"""The bearer token the provider reads results and the label ledger from the sink with."""
SECRETS = (DEMO_CLIENT_SECRET, DEMO_PASSWORD, HOOK_PASSWORD, READ_TOKEN)
"""Every secret of :func:`stack_config` and :func:`sink_settings`: none may show in state or output."""
AUTH = ("/oauth2/", "/session/")


def sink_settings(db: Path | str, **overrides: Any) -> SinkSettings:
    """A sink that accepts the listener's credentials and answers :data:`READ_TOKEN`.

    ``db`` is a SQLite file (a path) or a PostgreSQL URL (a string); ``overrides`` are other
    :class:`SinkSettings` fields.
    """
    values: dict[str, Any] = {
        "callback_username": HOOK_USER,
        "callback_password": HOOK_PASSWORD,
        "read_token": READ_TOKEN,
    }
    values["database_url" if isinstance(db, str) else "db_path"] = db
    values.update(overrides)
    return SinkSettings(**values)


def stack_config(
    sim: SimulatorServer | str,
    sink: SinkServer | None = None,
    *,
    timeout: float = 30.0,
    client_id: str = DEMO_CLIENT_ID,
    client_secret: str = DEMO_CLIENT_SECRET,
    username: str = DEMO_USERNAME,
    password: str = DEMO_PASSWORD,
    read_token: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Stack config as ``pulumi config set [--secret]`` gives it, for the demo credentials on ``sim``.

    With a ``sink``, label changes wait for their results there (``timeout`` seconds at most), read with
    ``read_token`` (default: the sink's own). ``extra`` adds keys of the program's own config.
    """
    config: dict[str, Any] = {
        "thingspace:baseUrl": sim if isinstance(sim, str) else sim.url,
        "thingspace:clientId": client_id,
        "thingspace:clientSecret": secret(client_secret),
        "thingspace:username": username,
        "thingspace:password": secret(password),
    }
    if sink is not None:
        token = sink.settings.read_token if read_token is None else read_token
        config["thingspace:callbackResultsUrl"] = sink.url
        config["thingspace:callbackResultsToken"] = secret(token)
        config["thingspace:callbackTimeoutSeconds"] = f"{timeout:g}"
    return {**config, **extra}


@contextmanager
def engine_for(tmp: Path, config: Mapping[str, Any], project: str = "test") -> Iterator[Engine]:
    """A fresh provider process in ``tmp`` (the engine starts one per run) and a stack on it."""
    with ProviderServer(cwd=tmp, project=project) as server:
        yield Engine(server, project=project, config=config)


def api_counts(sim: SimulatorServer) -> dict[str, int]:
    """Requests per endpoint since the last reset, authentication left out."""
    return {k: v for k, v in sim.state.request_counts().items() if not any(a in k for a in AUTH)}
