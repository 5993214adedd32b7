"""Usage segmentation labels: set (POST) and remove (DELETE), at most 2,000 entries per request."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..models import RequestIdResponse
from ..models.labels import LabelLike
from .batching import LABELS_PER_REQUEST, send_chunks
from .requestor import Requestor, parse

LABELS_PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"

REMOVE_BODY_FLAT = False
"""UNCERTAIN: the JSON body of the remove (DELETE) request; only `remove_labels_body` reads this flag.

False (default): the same shape as set, ``{"accountName", "labels": [{"deviceIds": [...], "label": {...}}]}``,
the most likely real shape (the remove callback echoes deviceIds and label per entry).
True: the flat ``{"accountName", "labels": [{"name", "value"}]}`` of Verizon's remove example. It names no
device, so the server may remove the pair account-wide; use it only if the sandbox rejects the default.
"""


def label_entry(item: LabelLike) -> dict[str, Any]:
    """One ``labels`` entry in the documented shape (key order as in Verizon's example)."""
    return {
        "deviceIds": [{"id": item.device_id, "kind": "EID"}],
        "label": {"name": item.name, "value": item.value},
    }


def set_labels_body(account_name: str, labels: Sequence[LabelLike]) -> dict[str, Any]:
    """The set (POST) body for one chunk of labels."""
    return {"accountName": account_name, "labels": [label_entry(item) for item in labels]}


def remove_labels_body(
    account_name: str, labels: Sequence[LabelLike], *, flat: bool | None = None
) -> dict[str, Any]:
    """The remove (DELETE) body for one chunk of labels; the single place its UNCERTAIN shape is decided.

    ``flat`` defaults to the module flag REMOVE_BODY_FLAT.
    """
    if not (REMOVE_BODY_FLAT if flat is None else flat):
        return set_labels_body(account_name, labels)
    pairs = dict.fromkeys((item.name, item.value) for item in labels)  # ordered de-duplication
    return {"accountName": account_name, "labels": [{"name": n, "value": v} for n, v in pairs]}


def set_labels(api: Requestor, account_name: str, labels: Sequence[LabelLike]) -> list[str]:
    """Set labels in chunks of 2,000; return the requestIds in order (results arrive by callback).

    A rejected chunk stops the call; its error carries the requestIds of the chunks accepted before it.
    """
    return send_chunks(
        labels,
        LABELS_PER_REQUEST,
        lambda chunk: _request_id(api, "POST", "labels.set", set_labels_body(account_name, chunk)),
    )


def remove_labels(api: Requestor, account_name: str, labels: Sequence[LabelLike]) -> list[str]:
    """Remove labels in chunks of 2,000; return the requestIds in order (results arrive by callback).

    A rejected chunk stops the call; its error carries the requestIds of the chunks accepted before it.
    """
    return send_chunks(
        labels,
        LABELS_PER_REQUEST,
        lambda chunk: _request_id(api, "DELETE", "labels.remove", remove_labels_body(account_name, chunk)),
    )


def _request_id(api: Requestor, method: str, endpoint: str, body: dict[str, Any]) -> str:
    return parse(RequestIdResponse, api.call(method, LABELS_PATH, endpoint, body)).request_id
