"""DeviceRetirement: state checks before deleting, deactivate-first, chunks, refresh, no-op delete."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses

from kits.resources import ACCOUNT, BASE, api_calls, with_provider
from pulumi_thingspace.resources import retirement
from pulumi_thingspace.resources.failures import DeviceFailuresError
from pulumi_thingspace.resources.retirement import RetirementProvider

LIST = "/api/m2m/v1/devices/actions/list"
DELETE = "/api/m2m/v1/devices/actions/delete"
DEACTIVATE = "/api/m2m/v1/devices/actions/deactivate"


def iccid(n: int) -> str:
    return f"8914800000080000{n:04d}"


def props(*ids: int, **extra: Any) -> dict[str, Any]:
    return with_provider(
        {
            "account_name": ACCOUNT,
            "devices": {f"iccid:{iccid(i)}": True for i in ids},
            "deactivate_first": False,
            "deactivate_timeout_seconds": 30.0,
            **extra,
        }
    )


def fleet(api: responses.RequestsMock, states: dict[str, str | list[str]]) -> None:
    """Answer single-device lookups from ``states`` (a list of states is consumed one per lookup)."""

    def lookup(request: Any) -> tuple[int, dict[str, str], str]:
        wanted = json.loads(request.body).get("deviceId")
        ident = wanted["id"] if wanted else None
        devices = []
        for dev, state in states.items():
            if ident in (None, dev):
                now = (
                    state.pop(0)
                    if isinstance(state, list) and len(state) > 1
                    else (state[0] if isinstance(state, list) else state)
                )
                devices.append(
                    {"deviceIds": [{"id": dev, "kind": "iccid"}], "carrierInformations": [{"state": now}]}
                )
        return 200, {}, json.dumps({"hasMoreData": False, "devices": devices})

    api.add_callback(responses.POST, f"{BASE}{LIST}", callback=lookup)


def deleted(*ids: int) -> dict[str, Any]:
    return {
        "deleteDevicesResponse": [
            {"deviceIds": {"id": iccid(i), "kind": "iccid"}, "status": "Success"} for i in ids
        ]
    }


def test_create_deletes_deactive_devices_and_counts_absent_as_retired(api: responses.RequestsMock) -> None:
    fleet(api, {iccid(1): "deactive", iccid(2): "DEACTIVE"})
    api.post(f"{BASE}{DELETE}", json=deleted(1, 2))
    outs = RetirementProvider().create(props(1, 2, 3)).outs
    (body,) = api_calls(api, DELETE)
    assert body["devicesToDelete"] == [
        {"deviceIds": [{"kind": "iccid", "id": iccid(1)}]},
        {"deviceIds": [{"kind": "iccid", "id": iccid(2)}]},
    ]
    assert outs["retired"] == {
        f"iccid:{iccid(1)}": "deleted",
        f"iccid:{iccid(2)}": "deleted",
        f"iccid:{iccid(3)}": "already_absent",
    }


def test_active_devices_fail_before_anything_is_deleted(api: responses.RequestsMock) -> None:
    fleet(api, {iccid(1): "deactive", iccid(2): "active", iccid(3): "suspend"})
    with pytest.raises(DeviceFailuresError) as info:
        RetirementProvider().create(props(1, 2, 3))
    message = str(info.value)
    assert (
        f"iccid:{iccid(2)}: state is active" in message and f"iccid:{iccid(3)}: state is suspend" in message
    )
    assert "nothing was deleted" in message and iccid(1) not in message
    assert api_calls(api, DELETE) == []
    # One consistent account of what happened: nothing was applied, so nothing "else" was either.
    assert message.splitlines()[0] == (
        f"DeviceRetirement in account {ACCOUNT}: retirement failed for 2 of 3 devices (nothing was deleted; "
        "deactivate these devices, or set deactivate_first and etf_waiver, and run `pulumi up` again):"
    )


def test_deactivate_first_waits_then_deletes(
    api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retirement.time, "sleep", lambda _s: None)
    fleet(api, {iccid(1): ["active", "active", "deactive"]})
    api.post(f"{BASE}{DEACTIVATE}", json={"requestId": "deact-1"})
    api.post(f"{BASE}{DELETE}", json=deleted(1))
    outs = RetirementProvider().create(props(1, deactivate_first=True, etf_waiver=True)).outs
    assert api_calls(api, DEACTIVATE) == [
        {
            "accountName": ACCOUNT,
            "devices": [{"deviceIds": [{"kind": "iccid", "id": iccid(1)}]}],
            "reasonCode": "FF",
            "etfWaiver": True,
        }
    ]
    assert outs["retired"] == {f"iccid:{iccid(1)}": "deleted"}


def test_deactivation_timeout_names_devices_and_deletes_nothing(
    api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = iter(range(0, 10_000, 7))
    monkeypatch.setattr(retirement.time, "monotonic", lambda: float(next(clock)))
    monkeypatch.setattr(retirement.time, "sleep", lambda _s: None)
    fleet(api, {iccid(1): "active"})
    api.post(f"{BASE}{DEACTIVATE}", json={"requestId": "deact-1"})
    with pytest.raises(DeviceFailuresError, match=rf"iccid:{iccid(1)}: still active") as info:
        RetirementProvider().create(
            props(1, deactivate_first=True, etf_waiver=False, deactivate_timeout_seconds=20.0)
        )
    assert api_calls(api, DELETE) == []
    assert "everything else was applied" not in str(info.value)
    assert "not deactive after 20 s, so nothing was deleted" in str(info.value)


def test_delete_failures_are_named_after_the_rest_is_deleted(api: responses.RequestsMock) -> None:
    fleet(api, {iccid(1): "deactive", iccid(2): "deactive"})
    body = deleted(1)
    body["deleteDevicesResponse"].append(
        {
            "deviceIds": {"id": iccid(2), "kind": "iccid"},
            "status": "Failed",
            "message": "The user does not have access to delete the device.",
        }
    )
    api.post(f"{BASE}{DELETE}", json=body)
    with pytest.raises(DeviceFailuresError, match=rf"iccid:{iccid(2)}: The user does not have access"):
        RetirementProvider().create(props(1, 2))


def test_large_sets_list_the_account_once_and_delete_in_chunks_of_100(api: responses.RequestsMock) -> None:
    ids = range(1, 251)
    fleet(api, {iccid(i): "deactive" for i in ids})
    api.post(f"{BASE}{DELETE}", json=deleted())
    RetirementProvider().create(props(*ids))
    assert len(api_calls(api, LIST)) == 1
    assert [len(b["devicesToDelete"]) for b in api_calls(api, DELETE)] == [100, 100, 50]


def test_update_retires_only_added_devices(api: responses.RequestsMock) -> None:
    fleet(api, {iccid(2): "deactive"})
    api.post(f"{BASE}{DELETE}", json=deleted(2))
    old = {**props(1), "retired": {f"iccid:{iccid(1)}": "deleted"}}
    outs = RetirementProvider().update("id", old, props(1, 2)).outs
    assert [b["devicesToDelete"] for b in api_calls(api, DELETE)] == [
        [{"deviceIds": [{"kind": "iccid", "id": iccid(2)}]}]
    ]
    assert set(outs["retired"]) == {f"iccid:{iccid(1)}", f"iccid:{iccid(2)}"}
    api.calls.reset()
    RetirementProvider().update("id", outs, props(2))
    assert api_calls(api, DELETE) == [] and api_calls(api, LIST) == []


def test_delete_never_touches_devices(
    api: responses.RequestsMock, capsys: pytest.CaptureFixture[str]
) -> None:
    RetirementProvider().delete("id", props(1))
    assert len(api.calls) == 0
    assert "cannot restore" in capsys.readouterr().err


def test_refresh_reports_a_device_that_exists_again(api: responses.RequestsMock) -> None:
    fleet(api, {iccid(2): "active"})
    state = {**props(1, 2), "retired": {f"iccid:{iccid(1)}": "deleted", f"iccid:{iccid(2)}": "deleted"}}
    res = RetirementProvider().read("id", state)
    assert res.inputs is not None and res.inputs["devices"] == {f"iccid:{iccid(1)}": True}
    assert res.outs["retired"] == {f"iccid:{iccid(1)}": "deleted"}
