"""Shared test data and helpers for the callback sink and the results poller."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import requests

from kits.stack import HOOK_PASSWORD, HOOK_USER, READ_TOKEN, sink_settings
from pulumi_thingspace.sink import SinkSettings

EID_A = "89049032000000000000000000000011"
EID_B = "89049032000000000000000000000022"

# Seed 001 "Example Callback Request", byte for byte (credentials foo/bar as documented).
SEED_001_CALLBACK = """{
   "username":"foo",
   "password":"bar",
   "requestId":"595f5c44-c31c-4552-8670-020a1545a84d",
   "deviceResponse":{
      "usageSegmentationLabelsResponse":{
         "usageSegmentationLabels":[
            {
               "deviceIds":[
                  {
                     "id":"3029423189477699229543109876975",
                     "kind":"EID"
                  }
               ],
               "label":{
                  "name":"VIN",
                  "value":"XX1TFCFL5EA137745"
               },
               "action":"Set",
               "lineStatus":"Success"
            },
            {
               "deviceIds":[
                  {
                     "id":"29183120783667588118432098765864",
                     "kind":"EID"
                  }
               ],
               "label":{
                  "name":"VIN",
                  "value":"XXUZL54B5YN105457"
               },
               "action":"Set",
               "lineStatus":"Failed",
               "description":"The device does not exist"
            }
         ],
         "totalLabelCount":"2",
         "failedLabelCount":"1",
         "successLabelCount":"1"
      }
   },
   "status":"Success",
   "callbackCount":1,
   "maxCallbackThreshold":4
}"""

# Seed 000 (remove) callback with its lost braces restored; it has no top-level "status".
SEED_000_CALLBACK: dict[str, Any] = {
    "username": "foo",
    "password": "bar",
    "requestId": "8835387e-cbf9-4df5-bb66-522c5072fb21",
    "deviceResponse": {
        "usageSegmentationLabelsResponse": {
            "usageSegmentationLabels": [
                {
                    "deviceIds": [{"id": "8991101200003204514", "kind": "EID"}],
                    "label": {"name": "vin", "value": "meetapk12345678"},
                    "action": "Remove",
                    "lineStatus": "Success",
                    "description": "",
                }
            ],
            "totalLabelCount": "1",
            "failedLabelCount": "0",
            "successLabelCount": "1",
        }
    },
    "callbackCount": 1,
    "maxCallbackThreshold": 4,
}

Line = tuple[str, str, str, str, str]  # (eid, label name, label value, action, lineStatus)


def callback_body(
    request_id: str,
    lines: list[Line] | None = None,
    *,
    count: int = 1,
    username: str | None = HOOK_USER,
    password: str | None = HOOK_PASSWORD,
) -> dict[str, Any]:
    """A CarrierService label callback in the seed 001 shape."""
    lines = lines if lines is not None else [(EID_A, "VIN", "V1", "Set", "Success")]
    entries = []
    for eid, name, value, action, status in lines:
        entry: dict[str, Any] = {
            "deviceIds": [{"id": eid, "kind": "EID"}],
            "label": {"name": name, "value": value},
            "action": action,
            "lineStatus": status,
        }
        if status != "Success":
            entry["description"] = "The device does not exist"
        entries.append(entry)
    failed = sum(1 for e in entries if e["lineStatus"] != "Success")
    body: dict[str, Any] = {
        "requestId": request_id,
        "deviceResponse": {
            "usageSegmentationLabelsResponse": {
                "usageSegmentationLabels": entries,
                "totalLabelCount": str(len(entries)),
                "failedLabelCount": str(failed),
                "successLabelCount": str(len(entries) - failed),
            }
        },
        "status": "Success",
        "callbackCount": count,
        "maxCallbackThreshold": 4,
    }
    if username is not None:
        body["username"] = username
    if password is not None:
        body["password"] = password
    return body


def read(base_url: str, request_id: str, token: str | None = READ_TOKEN) -> requests.Response:
    """GET the read endpoint, with a bearer token unless ``token`` is None."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(f"{base_url}/requests/{request_id}", headers=headers, timeout=10)


def make_settings(db: Path | str, **overrides: Any) -> SinkSettings:
    """``kits.stack.sink_settings`` on ``db`` with a 2 s store timeout, so an outage shows quickly."""
    return sink_settings(db, **{"db_timeout": 2.0, **overrides})
