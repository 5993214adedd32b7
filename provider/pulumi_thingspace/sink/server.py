"""Run the sink in a background thread (tests, examples, local development)."""

from __future__ import annotations

import threading
import time
from types import TracebackType

import uvicorn

from ..serving import bind_socket, socket_url
from .app import create_app
from .settings import SinkSettings
from .store import CallbackStore
from .stores import open_store


def uvicorn_server(settings: SinkSettings, store: CallbackStore) -> uvicorn.Server:
    """A uvicorn server for the sink app; logging is left to the caller's configuration."""
    config = uvicorn.Config(create_app(settings, store), log_config=None, access_log=False, lifespan="on")
    return uvicorn.Server(config)


class SinkServer:
    """The sink served by uvicorn in a daemon thread on ``host`` (127.0.0.1) and ``port`` (0 = free port).

    Use it as a context manager; ``url`` is the base URL the provider reads from and ``callback_url`` is
    the URL to register as the CarrierService listener. Without ``store`` it opens (and later closes) the
    store named by ``settings.database`` (PostgreSQL URL or SQLite file).
    """

    def __init__(
        self,
        settings: SinkSettings,
        store: CallbackStore | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        start_timeout: float = 15.0,
    ) -> None:
        """Prepare the server; nothing listens until ``start()`` or ``with``."""
        self.settings = settings
        self.host = host
        self.port = port
        self._given_store = store
        self._start_timeout = start_timeout
        self.store: CallbackStore | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None

    def __repr__(self) -> str:
        return f"SinkServer(url={self._url!r})"

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:41234`` (read results at ``{url}/requests/{requestId}``)."""
        if self._url is None:
            raise RuntimeError("the sink server is not running")
        return self._url

    @property
    def callback_url(self) -> str:
        """The URL ThingSpace should POST CarrierService callbacks to."""
        return self.url + self.settings.callback_path

    def start(self) -> SinkServer:
        """Bind, start serving and wait until the server accepts requests."""
        if self._thread is not None:
            raise RuntimeError("the sink server is already running")
        sock = bind_socket(self.host, self.port)
        self.store = self._given_store or open_store(self.settings.database, timeout=self.settings.db_timeout)
        self.port = sock.getsockname()[1]
        server = uvicorn_server(self.settings, self.store)
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="sink")
        self._server, self._thread = server, thread
        thread.start()
        deadline = time.monotonic() + self._start_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                sock.close()
                self.stop()
                raise RuntimeError("the sink server did not start")
            time.sleep(0.01)
        self._url = socket_url(sock)
        return self

    def stop(self) -> None:
        """Stop serving (pending requests finish first) and close a store this server opened."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=15)
        if self.store is not None and self._given_store is None:
            self.store.close()
        self._server = self._thread = None
        self.store = None
        self._url = None

    def __enter__(self) -> SinkServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
