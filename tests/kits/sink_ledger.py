"""Helpers of the label-ledger tests: device EIDs, label callbacks and ``POST /ledger``."""

from __future__ import annotations

from typing import Any

import requests

from kits.sink import Line, callback_body
from kits.stack import READ_TOKEN

ACCOUNT = "0342330389-00001"
OTHER_ACCOUNT = "0342330389-00002"


def eid(n: int) -> str:
    """A well-formed EID (32 digits) numbered ``n``."""
    return f"89049032000000000000{n:012d}"


def key(n: int, name: str = "VIN") -> str:
    """The ledger key of label ``name`` on device ``n``."""
    return f"{eid(n)}/{name}"


def set_line(n: int, value: str, name: str = "VIN", status: str = "Success") -> Line:
    """A Set line for device ``n``."""
    return (eid(n), name, value, "Set", status)


def remove_line(n: int, value: str, name: str = "VIN", status: str = "Success") -> Line:
    """A Remove line for device ``n``."""
    return (eid(n), name, value, "Remove", status)


def labelled(request_id: str, *lines: Line, count: int = 1) -> dict[str, Any]:
    """A label callback with credentials, as ThingSpace posts it."""
    return callback_body(request_id, list(lines), count=count)


def stored(request_id: str, *lines: Line, count: int = 1) -> dict[str, Any]:
    """A label callback as the sink stores it (no credentials), for ``store.add``."""
    body = labelled(request_id, *lines, count=count)
    del body["username"], body["password"]
    return body


def ask(base_url: str, account: str, keys: list[str], token: str | None = READ_TOKEN) -> requests.Response:
    """``POST {base_url}/ledger`` with the read token (none when ``token`` is None)."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    body = {"accountName": account, "keys": keys}
    return requests.post(f"{base_url}/ledger", json=body, headers=headers, timeout=60)
