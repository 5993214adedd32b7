"""Prove what the program did by reading the simulator's and the sink's state, not the program's word."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .services import Services

AUTH_PATHS = ("/oauth2/", "/session/")
READ_ENDPOINTS = frozenset({"POST /api/m2m/v1/devices/actions/list", "POST /api/fota/v3/devices/{account}"})


@dataclass(frozen=True)
class Check:
    """One verified fact: PASS or FAIL with a short detail."""

    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        """``  PASS  labels on devices: 4/4 present``."""
        return f"  {'PASS' if self.ok else 'FAIL'}  {self.name}: {self.detail}"


def write_requests(counts: Mapping[str, int]) -> int:
    """API requests that change ThingSpace state (authentication and reads excluded)."""
    return sum(
        n
        for endpoint, n in counts.items()
        if not endpoint.startswith("GET ")
        and not any(p in endpoint for p in AUTH_PATHS)
        and endpoint not in READ_ENDPOINTS
    )


def check_listener(services: Services, exports: Mapping[str, Any]) -> Check:
    """The CarrierService listener points at the sink."""
    url = services.sink.callback_url
    listeners = services.sim.state.registered_callbacks(services.account)
    found = [c for c in listeners if c.get("serviceName") == "CarrierService" and c.get("url") == url]
    ok = bool(found) and bool(exports.get("listenerId"))
    return Check(
        "callback listener registered", ok, f"CarrierService -> {url}" if ok else f"found {listeners}"
    )


def check_labels(services: Services, exports: Mapping[str, Any]) -> Check:
    """Every label the program declared is on its device, with its value."""
    wanted: dict[str, str] = dict(exports.get("labels") or {})
    actual = services.sim.state.labels(services.account)
    present = 0
    for key, value in wanted.items():
        eid, _, name = key.partition("/")
        present += actual.get(eid, {}).get(name) == value
    devices = len({key.partition("/")[0] for key in wanted})
    ok = bool(wanted) and present == len(wanted)
    return Check("labels on devices", ok, f"{present}/{len(wanted)} labels present on {devices} devices")


def check_label_results(services: Services, exports: Mapping[str, Any]) -> Check:
    """ThingSpace's callbacks reached the sink, and the provider read them: every label verified."""
    request_ids = list(exports.get("labelRequestIds") or [])
    store = services.sink.store
    received = sum(len(store.get(rid)) for rid in request_ids) if store is not None else 0
    verified = exports.get("labelsVerified") is True
    ok = verified and bool(request_ids) and received >= len(request_ids)
    detail = f"{received} callback(s) in the sink for {len(request_ids)} request(s); verified={verified}"
    return Check("label results verified through the sink", ok, detail)


def check_licenses(services: Services, exports: Mapping[str, Any]) -> Check:
    """Every IMEI the program listed holds a FOTA license."""
    wanted = set(exports.get("licensedImeis") or {})
    view = services.sim.state.licenses(services.account)
    held = set(view.get("devices", []))
    ok = bool(wanted) and wanted <= held
    pool = f"pool {view.get('licUsedCount')}/{view.get('licCount')} used"
    return Check("licenses held", ok, f"{len(wanted & held)}/{len(wanted)} IMEIs licensed ({pool})")


def check_retired(services: Services, exports: Mapping[str, Any]) -> Check:
    """Every retired device is gone from the account and in the simulator's deletion log."""
    retired = dict(exports.get("retired") or {})
    deleted_ids = {
        ident.get("id")
        for record in services.sim.state.deleted_devices()
        for ident in record.get("deviceIds", [])
    }
    gone = 0
    for key in retired:
        ident = key.partition(":")[2]
        gone += services.sim.state.device(ident, services.account) is None and ident in deleted_ids
    ok = bool(retired) and gone == len(retired)
    return Check("devices gone", ok, f"{gone}/{len(retired)} deleted ({', '.join(sorted(retired))})")


def verify_state(services: Services, exports: Mapping[str, Any]) -> list[Check]:
    """Every check of the first run."""
    return [
        check(services, exports)
        for check in (check_listener, check_labels, check_label_results, check_licenses, check_retired)
    ]


def check_second_run(changed: bool, summary: str, counts: Mapping[str, int]) -> Check:
    """A second ``up`` of the same program changes nothing and sends no write request."""
    writes = write_requests(counts)
    detail = f"{summary}; {writes} API write request(s), {sum(counts.values())} request(s) in all"
    return Check("second run changes nothing", not changed and writes == 0, detail)


def verify_destroyed(services: Services, exports: Mapping[str, Any]) -> list[Check]:
    """After ``destroy``: labels and licenses gone, listener deregistered, retired devices still gone."""
    labels = services.sim.state.labels(services.account)
    left = [
        k for k in exports.get("labels") or {} if k.partition("/")[2] in labels.get(k.partition("/")[0], {})
    ]
    held = set(services.sim.state.licenses(services.account).get("devices", []))
    licensed = set(exports.get("licensedImeis") or {})
    listeners = services.sim.state.registered_callbacks(services.account)
    back = [
        k for k in exports.get("retired") or {} if services.sim.state.device(k.partition(":")[2]) is not None
    ]
    return [
        Check(
            "destroy removed the labels", not left, f"{len(left)} of {len(exports.get('labels') or {})} left"
        ),
        Check(
            "destroy removed the licenses it assigned", not licensed & held, f"{len(licensed & held)} left"
        ),
        Check("destroy deregistered the listener", not listeners, f"{len(listeners)} listener(s) left"),
        Check("retired devices stay retired", not back, f"{len(back)} device(s) back"),
    ]
