"""Connectivity Management actions: labels and deactivation (asynchronous) and delete (synchronous)."""

from __future__ import annotations

import uuid
from typing import Any

from ..models.devices import DeviceIds
from ..models.labels import LabelEntry
from .records import SimDevice
from .state import SimulatorState

CARRIER_SERVICE = "CarrierService"
DEVICE_MISSING = "The device does not exist"
LABEL_NOT_PRESENT = "Label not present"
NOT_DEACTIVE = "The device is not in deactive state."
FORCED_FAULT = "UnifiedWebService.REQUEST_FAILED.SimulatedFailure"
NOT_IN_ACCOUNT = "UnifiedWebService.INPUT_INVALID.Device.Account.Invalid"


def _pairs(ids: DeviceIds | LabelEntry) -> list[tuple[str, str]]:
    return [(d.kind, d.id) for d in ids.device_ids]


def _forced(state: SimulatorState, pairs: list[tuple[str, str]], device: SimDevice | None) -> str | None:
    """The forced failure for the device as requested or known by any of its identifiers."""
    values = [v for _, v in pairs] + (list(device.ids.values()) if device else [])
    return state.faults.device_failure(values)


def submit_labels(state: SimulatorState, account: str, entries: list[LabelEntry], action: str) -> str:
    """Accept a set (``"Set"``) or remove (``"Remove"``) request; it is applied and reported later."""
    request_id = str(uuid.uuid4())
    state.dispatcher.schedule(
        state.config.action_delay_seconds, lambda: apply_labels(state, account, entries, action, request_id)
    )
    return request_id


def apply_labels(
    state: SimulatorState, account: str, entries: list[LabelEntry], action: str, request_id: str
) -> None:
    """Apply label lines and send one CarrierService callback with the per-line outcome."""
    lines: list[dict[str, Any]] = []
    failed = 0
    for entry in entries:
        pairs = _pairs(entry)
        device = state.fleet.find_ids(pairs, account)
        line: dict[str, Any] = {
            "deviceIds": [{"id": d.id, "kind": d.kind} for d in entry.device_ids],
            "label": {"name": entry.label.name, "value": entry.label.value},
            "action": action,
        }
        reason = _forced(state, pairs, device)
        if device is None or reason is not None:
            line.update(lineStatus="Failed", description=reason or DEVICE_MISSING)
            failed += 1
        elif action == "Set":
            state.fleet.set_label(device, entry.label.name, entry.label.value)
            line["lineStatus"] = "Success"
        else:
            removed = state.fleet.remove_label(device, entry.label.name, entry.label.value)
            line.update(lineStatus="Success", description="" if removed else LABEL_NOT_PRESENT)
        lines.append(line)
    payload = {
        "deviceResponse": {
            "usageSegmentationLabelsResponse": {
                "usageSegmentationLabels": lines,
                "totalLabelCount": str(len(lines)),
                "failedLabelCount": str(failed),
                "successLabelCount": str(len(lines) - failed),
            }
        },
        "status": "Success",
    }
    state.callbacks.emit(account, CARRIER_SERVICE, request_id, payload)


def submit_deactivate(state: SimulatorState, account: str, devices: list[DeviceIds]) -> str:
    """Accept a deactivation; after ``deactivate_delay_seconds`` each device is done and reported."""
    request_id = str(uuid.uuid4())
    state.dispatcher.schedule(
        state.config.deactivate_delay_seconds, lambda: apply_deactivate(state, account, devices, request_id)
    )
    return request_id


def apply_deactivate(state: SimulatorState, account: str, devices: list[DeviceIds], request_id: str) -> None:
    """Deactivate each device and send one CarrierService callback per device."""
    for entry in devices:
        pairs = _pairs(entry)
        device = state.fleet.find_ids(pairs, account)
        reason = _forced(state, pairs, device)
        requested = [{"id": v, "kind": k} for k, v in pairs]
        if device is None or reason is not None:
            fault = (
                (NOT_IN_ACCOUNT, "The device was not a part of the account specified")
                if device is None
                else (FORCED_FAULT, str(reason))
            )
            payload: dict[str, Any] = {
                "deviceIds": device.wire_ids() if device else requested,
                "faultResponse": {"faultcode": fault[0], "faultstring": fault[1]},
                "status": "Failed",
            }
        else:
            state.fleet.set_state(device, "deactive")
            payload = {
                "deviceIds": device.wire_ids(),
                "deviceResponse": {
                    "deactivateResponse": {"deviceIds": device.wire_ids(), "state": "deactive"}
                },
                "status": "Success",
            }
        state.callbacks.emit(account, CARRIER_SERVICE, request_id, payload)


def delete_devices(
    state: SimulatorState, account: str | None, devices: list[DeviceIds]
) -> list[dict[str, Any]]:
    """Delete deactivated devices; one ``{deviceIds, status, message?}`` result per requested device."""
    results: list[dict[str, Any]] = []
    with state.lock:
        for entry in devices:
            pairs = _pairs(entry)
            first = entry.device_ids[0]
            result: dict[str, Any] = {"deviceIds": {"id": first.id, "kind": first.kind}}
            device = state.fleet.find_ids(pairs, account)
            reason = _forced(state, pairs, device)
            if device is None:
                reason = DEVICE_MISSING
            elif reason is None and device.state.lower() != "deactive":
                reason = NOT_DEACTIVE
            if reason is None and device is not None:
                state.fleet.delete(device)
                result["status"] = "Success"
            else:
                result.update(status="Failed", message=reason)
            results.append(result)
    return results
