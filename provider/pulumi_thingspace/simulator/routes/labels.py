"""Usage segmentation labels: set (POST) and remove (DELETE), answered with a requestId."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request

from ...models.labels import LabelsRequest
from ..actions import submit_labels
from ..errors import invalid_input
from .common import account_of, parse, session_guard, sim

router = APIRouter(dependencies=[Depends(session_guard)])

PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
_EID = re.compile(r"\d{32}")


async def _accept(request: Request, action: str) -> dict[str, str]:
    state = sim(request)
    body = await parse(request, LabelsRequest)
    if len(body.labels) > state.config.max_labels_per_request:
        raise invalid_input(
            "Labels", f"labels: at most {state.config.max_labels_per_request} entries are allowed"
        )
    for i, entry in enumerate(body.labels):
        if not entry.device_ids:
            raise invalid_input("DeviceIds", f"labels[{i}].deviceIds: a device identifier is required")
        for j, ident in enumerate(entry.device_ids):
            where = f"labels[{i}].deviceIds[{j}]"
            if ident.kind.upper() != "EID":
                raise invalid_input("Kind", f"{where}.kind: the only valid kind is EID")
            if not _EID.fullmatch(ident.id):
                raise invalid_input("Id", f"{where}.id: an EID is 32 digits")
    account_of(state, body.account_name)
    return {"requestId": submit_labels(state, body.account_name, list(body.labels), action)}


@router.post(PATH)
async def set_labels(request: Request) -> dict[str, str]:
    """Accept a set request; the outcome arrives as a CarrierService callback."""
    return await _accept(request, "Set")


@router.delete(PATH)
async def remove_labels(request: Request) -> dict[str, str]:
    """Accept a remove request (same body as set); the outcome arrives as a CarrierService callback."""
    return await _accept(request, "Remove")
