"""Bare dynamic providers: the same HTTP calls as the real resources, nothing more.

``BareLabel`` makes the call of ``UsageSegmentationLabel``; ``BareLabelText`` takes a whole label set as
one string of JSON lines, as ``UsageSegmentationLabelBundle`` does, and sends the line delta. No
validation, no models, no retries, no result tracking: the floor a dynamic provider cannot go below.
It lives in an importable module so that the provider server imports it by reference (start the
server with this directory on ``PYTHONPATH``).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Sequence
from typing import Any

import pulumi
import requests
from pulumi.dynamic import (
    ConfigureRequest,
    CreateResult,
    DiffResult,
    Resource,
    ResourceProvider,
    UpdateResult,
)

LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
CHUNK = 2000

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


def _configure(req: ConfigureRequest) -> None:
    """Remember the stack's ``thingspace:*`` settings in this process."""
    for key in ("baseUrl", "clientId", "clientSecret", "username", "password"):
        _settings[key] = str(req.config.get(f"thingspace:{key}"))


def _send(method: str, account: str, lines: Sequence[str]) -> list[str]:
    """Send label lines ``["<eid>","<name>","<value>"]`` in chunks of 2,000; the request ids."""
    ids = []
    for i in range(0, len(lines), CHUNK):
        body = {
            "accountName": account,
            "labels": [
                {"deviceIds": [{"id": eid, "kind": "EID"}], "label": {"name": name, "value": value}}
                for eid, name, value in json.loads("[" + ",".join(lines[i : i + CHUNK]) + "]")
            ],
        }
        response = _http.request(
            method,
            _settings["baseUrl"] + LABELS_PATH,
            data=json.dumps(body),
            headers=_auth_headers(),
            timeout=300,
        )
        response.raise_for_status()
        ids.append(response.json()["requestId"])
    return ids


class BareLabelProvider(ResourceProvider):
    """Sets one label with one POST; check and diff are the SDK defaults."""

    def configure(self, req: ConfigureRequest) -> None:
        """Remember the stack's settings."""
        _configure(req)

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


class BareLabelTextProvider(ResourceProvider):
    """A label set as one string: create POSTs it, update sends the line delta, delete removes it."""

    def configure(self, req: ConfigureRequest) -> None:
        """Remember the stack's settings."""
        _configure(req)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        """Changed when the string changed."""
        return DiffResult(changes=olds.get("labels") != news.get("labels"))

    def create(self, props: dict[str, Any]) -> CreateResult:
        """POST every line."""
        ids = _send("POST", props["account_name"], props["labels"].split("\n"))
        return CreateResult(uuid.uuid4().hex, {**props, "request_ids": ids})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        """DELETE the dropped lines, POST the added ones."""
        old, new = set(olds["labels"].split("\n")), set(news["labels"].split("\n"))
        account = news["account_name"]
        ids = _send("DELETE", account, sorted(old - new)) + _send("POST", account, sorted(new - old))
        return UpdateResult({**news, "request_ids": ids})

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        """DELETE every line."""
        _send("DELETE", props["account_name"], props["labels"].split("\n"))


class BareLabelText(Resource, module="bench", name="BareLabelText"):
    """A label set as one string of JSON lines, through the bare provider."""

    def __init__(self, name: str, account_name: str, labels: str) -> None:
        props = {"account_name": account_name, "labels": labels, "request_ids": None}
        super().__init__(BareLabelTextProvider(), name, props, pulumi.ResourceOptions())
