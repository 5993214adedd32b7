"""The plain ``requests`` script the provider is compared with: the same chunked calls, nothing else."""

from __future__ import annotations

import json
import time
from collections.abc import Sequence

import requests

from pulumi_thingspace.simulator.seed import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USERNAME

LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
CHUNK = 2000


class PlainClient:
    """A token, a session and one keep-alive connection; no validation, retries or models."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.trust_env = False
        token = self.http.post(
            f"{url}/api/ts/v1/oauth2/token",
            auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET),
            data={"grant_type": "client_credentials"},
            timeout=30,
        ).json()["access_token"]
        session = self.http.post(
            f"{url}/api/m2m/v1/session/login",
            headers={"Authorization": f"Bearer {token}"},
            json={"username": DEMO_USERNAME, "password": DEMO_PASSWORD},
            timeout=30,
        ).json()["sessionToken"]
        self.headers = {
            "Authorization": f"Bearer {token}",
            "VZ-M2M-Token": session,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }

    def set_labels(self, account: str, labels: Sequence[tuple[str, str, str]]) -> float:
        """POST ``(eid, name, value)`` labels in chunks of 2,000; return the wall seconds taken."""
        return self.send("POST", account, labels)

    def remove_labels(self, account: str, labels: Sequence[tuple[str, str, str]]) -> float:
        """DELETE ``(eid, name, value)`` labels in chunks of 2,000; return the wall seconds taken."""
        return self.send("DELETE", account, labels)

    def send(self, method: str, account: str, labels: Sequence[tuple[str, str, str]]) -> float:
        """Send labels with ``method`` in chunks of 2,000; return the wall seconds taken."""
        start = time.perf_counter()
        for i in range(0, len(labels), CHUNK):
            body = {
                "accountName": account,
                "labels": [
                    {"deviceIds": [{"id": eid, "kind": "EID"}], "label": {"name": name, "value": value}}
                    for eid, name, value in labels[i : i + CHUNK]
                ],
            }
            response = self.http.request(
                method, self.url + LABELS_PATH, data=json.dumps(body), headers=self.headers, timeout=300
            )
            response.raise_for_status()
            response.json()["requestId"]
        return time.perf_counter() - start

    def close(self) -> None:
        """Close the connection."""
        self.http.close()
