"""Run the simulator in a background thread: ``with SimulatorServer() as sim: ... sim.url ...``."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from ..serving import bind_socket, socket_url
from .app import SeedSource, create_app
from .config import SimulatorConfig
from .seed import build_state
from .state import SimulatorState


class SimulatorServer:
    """A simulator on a loopback port; ``.url`` is its base URL and ``.state`` its live state."""

    def __init__(
        self,
        seed: SeedSource = None,
        *,
        config: SimulatorConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        log_level: str = "warning",
    ) -> None:
        self.state: SimulatorState = seed if isinstance(seed, SimulatorState) else build_state(seed, config)
        self.app = create_app(self.state)
        self._host = host
        self._port = port
        self._log_level = log_level
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._sock: socket.socket | None = None
        self.url = ""

    def start(self, timeout: float = 10.0) -> SimulatorServer:
        """Start serving and wait until the port accepts requests."""
        self._sock = bind_socket(self._host, self._port)
        self.url = socket_url(self._sock)
        config = uvicorn.Config(self.app, log_level=self._log_level, access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="thingspace-sim", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the ThingSpace simulator did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop serving and stop the callback worker."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        if self._sock is not None:
            self._sock.close()
        self.state.stop()
        self._server = self._thread = self._sock = None

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Wait until pending asynchronous actions and callback sends (resends included) are done."""
        return self.state.wait_idle(timeout)

    def admin_url(self, path: str = "") -> str:
        """URL of an admin endpoint, e.g. ``admin_url("faults")``."""
        return f"{self.url}/_admin/{path.lstrip('/')}"

    def __repr__(self) -> str:
        return f"SimulatorServer(url={self.url!r})"
