"""Shared helpers of the client-against-simulator suite."""

from __future__ import annotations

from dataclasses import dataclass

import requests


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
