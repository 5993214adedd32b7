"""The engine path: the SDK's dynamic provider server driven by the offline harness, with RPC timing."""

from __future__ import annotations

import pickle
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from types import SimpleNamespace, TracebackType
from typing import Any

from pulumi_thingspace.resources.labels import LabelSetProvider
from pulumi_thingspace.simulator.seed import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USERNAME
from pulumi_thingspace.testing import Engine, ProviderServer, secret

BENCH_DIR = Path(__file__).resolve().parent
PROJECT = "bench"
_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]


def unwrap_pickler() -> None:
    """Undo the SDK's pickler wrapping after a dynamic resource was constructed.

    ``pulumi.dynamic`` wraps ``pickle._Pickler._batch_setitems`` once more on every resource it
    serializes and never restores it, so about 985 dynamic resources in one process end in a
    RecursionError (pulumi 3.272). The benchmarks build thousands; restoring it keeps the depth at one.
    """
    pickle._Pickler._batch_setitems = _BATCH_SETITEMS  # type: ignore[attr-defined]


def plain_config(url: str) -> dict[str, str]:
    """Provider settings for the demo credentials, no callback sink."""
    return {
        "thingspace:baseUrl": url,
        "thingspace:clientId": DEMO_CLIENT_ID,
        "thingspace:clientSecret": DEMO_CLIENT_SECRET,
        "thingspace:username": DEMO_USERNAME,
        "thingspace:password": DEMO_PASSWORD,
    }


def stack_config(url: str) -> dict[str, Any]:
    """The same settings as stack config, secrets marked as ``pulumi config set --secret`` marks them."""
    config: dict[str, Any] = plain_config(url)
    for key in ("thingspace:clientSecret", "thingspace:password"):
        config[key] = secret(config[key])
    return config


def direct_label_provider(url: str) -> LabelSetProvider:
    """The label-set provider class in this process, configured and logged in (no engine, no gRPC)."""
    provider = LabelSetProvider()
    provider.configure(SimpleNamespace(config=plain_config(url)))  # type: ignore[arg-type]
    provider.client.session_token()
    return provider


class TimedStub:
    """Wraps the gRPC stub and adds up the wall time of each provider RPC (request to response)."""

    def __init__(self, stub: Any) -> None:
        self._stub = stub
        self.seconds: defaultdict[str, float] = defaultdict(float)

    def __getattr__(self, method: str) -> Callable[..., Any]:
        call = getattr(self._stub, method)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.seconds[method] += time.perf_counter() - start

        return timed

    def reset(self) -> None:
        """Start adding up from zero."""
        self.seconds.clear()

    def total(self, *methods: str) -> float:
        """Seconds spent in the given RPCs since the last reset."""
        return sum(self.seconds[m] for m in methods)


class Provider:
    """One provider process (``python -m pulumi.dynamic``) configured for one simulator."""

    def __init__(self, url: str, pythonpath: Sequence[Path] = ()) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="ts-bench-project-")
        self.server = ProviderServer(cwd=self._dir.name, project=PROJECT, pythonpath=pythonpath)
        self.stub = TimedStub(self.server.stub)
        self.server.stub = self.stub  # type: ignore[assignment]
        self.url = url
        self._stacks = 0

    @property
    def pid(self) -> int:
        """Process id of the provider server."""
        return int(self.server.process.pid)

    def engine(self) -> Engine:
        """A fresh stack (empty state) on this provider process."""
        self._stacks += 1
        return Engine(self.server, project=PROJECT, stack=f"s{self._stacks}", config=stack_config(self.url))

    def close(self) -> None:
        """Stop the provider process."""
        self.server.close()
        self._dir.cleanup()

    def __enter__(self) -> Provider:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def timed(action: Callable[[], object]) -> float:
    """Wall seconds of ``action()``."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start
