"""A bare dynamic provider for one label: the same HTTP call as ``UsageSegmentationLabel``, nothing more.

No validation, no models, no retries, no result tracking: the floor a dynamic provider cannot go
below. It lives in an importable module so that the provider server imports it by reference (start
the server with this directory on ``PYTHONPATH``).
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import pulumi
import requests
from pulumi.dynamic import ConfigureRequest, CreateResult, Resource, ResourceProvider

LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"

_settings: dict[str, str] = {}
_headers: dict[str, str] = {}
_lock = threading.Lock()
_http = requests.Session()
_http.trust_env = False


def _auth_headers() -> dict[str, str]:
    # One token and one login per provider process, as the real provider does.
    with _lock:
        if not _headers:
            url = _settings["baseUrl"]
            token = _http.post(
                f"{url}/api/ts/v1/oauth2/token",
                auth=(_settings["clientId"], _settings["clientSecret"]),
                data={"grant_type": "client_credentials"},
                timeout=30,
            ).json()["access_token"]
            session = _http.post(
                f"{url}/api/m2m/v1/session/login",
                headers={"Authorization": f"Bearer {token}"},
                json={"username": _settings["username"], "password": _settings["password"]},
                timeout=30,
            ).json()["sessionToken"]
            _headers.update(
                {
                    "Authorization": f"Bearer {token}",
                    "VZ-M2M-Token": session,
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                }
            )
        return _headers


class BareLabelProvider(ResourceProvider):
    """Sets one label with one POST; check and diff are the SDK defaults."""

    def configure(self, req: ConfigureRequest) -> None:
        """Remember the stack's ``thingspace:*`` settings in this process."""
        for key in ("baseUrl", "clientId", "clientSecret", "username", "password"):
            _settings[key] = str(req.config.get(f"thingspace:{key}"))

    def create(self, props: dict[str, Any]) -> CreateResult:
        """POST the label and return the inputs as outputs."""
        body = {
            "accountName": props["account_name"],
            "labels": [
                {
                    "deviceIds": [{"id": props["device_id"], "kind": "EID"}],
                    "label": {"name": props["name"], "value": props["value"]},
                }
            ],
        }
        response = _http.post(
            _settings["baseUrl"] + LABELS_PATH, data=json.dumps(body), headers=_auth_headers(), timeout=30
        )
        response.raise_for_status()
        return CreateResult(uuid.uuid4().hex, {**props, "request_ids": [response.json()["requestId"]]})


class BareLabel(Resource, module="bench", name="BareLabel"):
    """One label on one device, through the bare provider."""

    def __init__(self, name: str, account_name: str, device_id: str, label: str, value: str) -> None:
        props = {
            "account_name": account_name,
            "device_id": device_id,
            "name": label,
            "value": value,
            "request_ids": None,
        }
        super().__init__(BareLabelProvider(), name, props, pulumi.ResourceOptions())
