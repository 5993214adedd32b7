"""Shared helpers of the resource unit tests."""

from __future__ import annotations

import json
from typing import Any

import responses

BASE = "https://ts.test"
SINK = "https://sink.test"
ACCOUNT = "0342330389-00001"


def api_calls(rsps: responses.RequestsMock, path: str, method: str | None = None) -> list[Any]:
    """Requests sent to ``path`` (auth excluded), with their JSON bodies."""
    out = []
    for call in rsps.calls:
        req = call.request
        if req.path_url.split("?")[0] == path and (method is None or req.method == method):
            out.append(json.loads(req.body) if req.body else None)
    return out


def with_provider(props: dict[str, Any]) -> dict[str, Any]:
    """Props as the engine passes them, including the provider blob."""
    return {"__provider": "blob", **props}
