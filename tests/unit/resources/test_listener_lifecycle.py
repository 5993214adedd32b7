"""CallbackListener: register, adopt, read, deregister."""

from __future__ import annotations

from typing import Any

import pytest
import responses

from kits.resources import ACCOUNT, BASE, api_calls, with_provider
from pulumi_thingspace.resources.listener import ListenerExistsError, ListenerProvider

PATH = f"/api/m2m/v1/callbacks/{ACCOUNT}"


def props(**over: Any) -> dict[str, Any]:
    return with_provider(
        {
            "account_name": ACCOUNT,
            "url": "https://hooks.example.com/ts",
            "username": "ts",
            "password": "hook-password",
            "service_name": "CarrierService",
            "adopt": False,
            **over,
        }
    )


def listing(url: str = "https://old.example.com/x") -> list[dict[str, Any]]:
    return [{"accountName": ACCOUNT, "serviceName": "CarrierService", "url": url, "username": "ts"}]


def test_create_registers_with_name_field(api: responses.RequestsMock) -> None:
    api.get(f"{BASE}{PATH}", json=[])
    api.post(f"{BASE}{PATH}", json={"accountName": ACCOUNT, "serviceName": "CarrierService"})
    res = ListenerProvider().create(props())
    assert api_calls(api, PATH, "POST") == [
        {
            "name": "CarrierService",
            "url": "https://hooks.example.com/ts",
            "username": "ts",
            "password": "hook-password",
        }
    ]
    assert res.id == f"{ACCOUNT}/CarrierService"


def test_existing_listener_is_not_overwritten_without_adopt(api: responses.RequestsMock) -> None:
    api.get(f"{BASE}{PATH}", json=listing())
    with pytest.raises(ListenerExistsError, match="adopt=True"):
        ListenerProvider().create(props())
    assert api_calls(api, PATH, "POST") == []


def test_adopt_takes_over(api: responses.RequestsMock) -> None:
    api.post(f"{BASE}{PATH}", json={"accountName": ACCOUNT, "serviceName": "CarrierService"})
    ListenerProvider().create(props(adopt=True))
    assert len(api_calls(api, PATH, "POST")) == 1


def test_read_finds_the_service_or_reports_it_gone(api: responses.RequestsMock) -> None:
    api.get(f"{BASE}{PATH}", json=listing("https://moved.example.com/x"))
    res = ListenerProvider().read("id", props())
    assert res.id == "id" and res.outs["url"] == "https://moved.example.com/x"
    api.replace(responses.GET, f"{BASE}{PATH}", json=[])
    assert not ListenerProvider().read("id", props()).id


def test_delete_deregisters_and_tolerates_already_gone(api: responses.RequestsMock) -> None:
    api.delete(
        f"{BASE}{PATH}/name/CarrierService", json={"accountName": ACCOUNT, "serviceName": "CarrierService"}
    )
    ListenerProvider().delete("id", props())
    api.replace(
        responses.DELETE,
        f"{BASE}{PATH}/name/CarrierService",
        status=400,
        json={"errorCode": "UnifiedWebService.REQUEST_FAILED.CallbackNotFound", "errorMessage": "not found"},
    )
    ListenerProvider().delete("id", props())
    assert len(api_calls(api, f"{PATH}/name/CarrierService")) == 2
