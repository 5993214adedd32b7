"""The simulator over HTTP as a client sees it: an API session, a callback receiver, fast timings."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import requests

from pulumi_thingspace.simulator import (
    DEMO_ACCOUNT,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    SimulatorConfig,
)

ACCOUNT = DEMO_ACCOUNT
LABELS = "/api/m2m/v1/devices/actions/usagesegmentationlabels"


def fast_config(**overrides: Any) -> SimulatorConfig:
    """Short delays so asynchronous behaviour completes quickly."""
    values: dict[str, Any] = {"callback_resend_seconds": 0.05, "deactivate_delay_seconds": 0.05}
    values.update(overrides)
    return SimulatorConfig(**values)


class Api:
    """A plain requests session that speaks to the simulator like a ThingSpace client."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.http.trust_env = False
        self.headers: dict[str, str] = {}

    def token(self, client_id: str = DEMO_CLIENT_ID, secret: str = DEMO_CLIENT_SECRET) -> requests.Response:
        return self.http.post(
            self.base + "/api/ts/v1/oauth2/token",
            auth=(client_id, secret),
            data={"grant_type": "client_credentials"},
            timeout=10,
        )

    def login(self, username: str = DEMO_USERNAME, password: str = DEMO_PASSWORD) -> requests.Response:
        if "Authorization" not in self.headers:
            self.headers["Authorization"] = "Bearer " + self.token().json()["access_token"]
        response = self.post("/api/m2m/v1/session/login", {"username": username, "password": password})
        if response.status_code == 200:
            self.headers["VZ-M2M-Token"] = response.json()["sessionToken"]
        return response

    def call(self, method: str, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.http.request(
            method,
            self.base + path,
            json=body,
            headers={**self.headers, **kwargs.pop("headers", {})},
            timeout=10,
        )

    def post(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, **kwargs)

    def delete(self, path: str, body: Any = None, **kwargs: Any) -> requests.Response:
        return self.call("DELETE", path, body, **kwargs)


class Receiver:
    """A callback listener on 127.0.0.1:0 that records bodies and answers scripted status codes."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self._cond = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length))
                with receiver._cond:
                    receiver.bodies.append(body)
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver._cond.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/callbacks"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The first ``count`` bodies, waiting for them to arrive."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.bodies) >= count, timeout):
                raise AssertionError(f"expected {count} callbacks, got {len(self.bodies)}")
            return list(self.bodies[:count])

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def eventually(check: Any, timeout: float = 5.0) -> Any:
    """Poll ``check`` until it returns a truthy value."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


@dataclass
class Sim:
    """A running simulator reached only over HTTP: its base URL and admin endpoints."""

    url: str

    def admin(self, method: str, path: str, **kwargs: object) -> requests.Response:
        response = requests.request(method, f"{self.url}/_admin/{path}", timeout=10, **kwargs)  # type: ignore[arg-type]
        response.raise_for_status()
        return response

    def wait_idle(self) -> None:
        self.admin("POST", "wait-idle", params={"timeout": 10})

    def counts(self) -> dict[str, int]:
        return dict(self.admin("GET", "requests").json())
