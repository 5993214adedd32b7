"""The rules of the ThingSpace policy pack, as plain functions of resource properties and config.

Each rule returns the violation messages it finds (empty: compliant), so it can be tested without the
engine; :mod:`.pack` wires them into ``pulumi-policy``. Properties are the checked inputs the provider
stores: device sets are maps (``devices`` is ``{"<kind>:<id>": true}``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..client.batching import DEVICES_PER_DELETE
from ..models.resources import is_loopback
from ..review.kinds import SUMMARY

DEFAULT_MAX_RETIRED = DEVICES_PER_DELETE
"""Devices one run may retire unless configured: one delete request's worth."""


def retirement_protected(kind: str, name: str, protect: bool) -> list[str]:
    """A DeviceRetirement must be protected: its record is the only trace of deleted devices."""
    if protect:
        return []
    return [
        f"{kind} '{name}' must be protected: pass opts=pulumi.ResourceOptions(protect=True) so "
        "`pulumi destroy` cannot drop the record of deleted devices silently"
    ]


def pending_devices(props: Mapping[str, Any]) -> int:
    """Devices a retirement will still delete.

    A compact retirement (``DeviceRetirementBundle``) names them in ``change_summary.set``. A map-form
    one: devices listed and not in its ``retired`` output. In a preview a created or changed retirement
    carries its inputs only, so every listed device counts (conservative); an unchanged one carries
    its outputs, so its retired devices do not count.
    """
    summary = props.get(SUMMARY)
    if isinstance(summary, Mapping):
        return int(summary.get("set") or 0)
    devices = props.get("devices")
    if not isinstance(devices, Mapping):
        return 0
    retired = props.get("retired") or {}
    return sum(1 for k in devices if k not in retired)


def retirement_limit(retirements: Iterable[tuple[str, Mapping[str, Any]]], max_devices: int) -> list[str]:
    """All DeviceRetirements of the stack together may delete at most ``max_devices`` in one run."""
    pending = {name: pending_devices(props) for name, props in retirements}
    total = sum(pending.values())
    if total <= max_devices:
        return []
    per = ", ".join(f"{name}: {n}" for name, n in sorted(pending.items()) if n)
    return [
        f"this run would retire {total} devices ({per}); the limit is {max_devices} per run "
        "(policy config maxDevices): split the retirement over several runs"
    ]


def listener_https(name: str, url: Any) -> list[str]:
    """A CallbackListener URL must be https (plain http only on loopback): the password is in the body."""
    if not isinstance(url, str):
        return []
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(parts.hostname or "")):
        return []
    return [
        f"CallbackListener '{name}' url {url!r} must use https: ThingSpace sends the callback password "
        "in every callback body (plain http is allowed only for loopback hosts)"
    ]


def account_allowed(kind: str, name: str, account: Any, allowed: Sequence[str]) -> list[str]:
    """Labels and licenses only on allowed accounts, when an allow-list is configured."""
    if not allowed or not isinstance(account, str) or account in allowed:
        return []
    return [
        f"{kind} '{name}' targets account {account}, which is not in the allowed accounts "
        f"({', '.join(allowed)}; policy config accounts)"
    ]
