"""Callback listeners: register (field ``name``), list (JSON array), deregister by service name."""

from __future__ import annotations

import pytest
import responses

from kits.client import ACCOUNT, BASE, assert_api_headers, body, sent
from pulumi_thingspace.client import ApiError, ThingSpaceClient

CALLBACKS_URL = BASE + f"/api/m2m/v1/callbacks/{ACCOUNT}"
SINK = "https://sink.example.com:9001/carrier"


def test_register_sends_name_url_and_credentials(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, CALLBACKS_URL, json={"accountName": ACCOUNT, "serviceName": "CarrierService"})

    result = client.register_callback(ACCOUNT, "CarrierService", SINK, username="sink", password="cb-pass-1")

    assert (result.account_name, result.service_name) == (ACCOUNT, "CarrierService")
    (request,) = sent(authed, "/callbacks/")
    assert (request.method, request.path_url) == ("POST", f"/api/m2m/v1/callbacks/{ACCOUNT}")
    assert_api_headers(request)
    assert body(request) == {
        "name": "CarrierService",
        "url": SINK,
        "username": "sink",
        "password": "cb-pass-1",
    }


def test_register_without_credentials_sends_only_name_and_url(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, CALLBACKS_URL, json={"accountName": ACCOUNT, "serviceName": "CarrierService"})

    client.register_callback(ACCOUNT, "CarrierService", SINK)

    assert body(sent(authed, "/callbacks/")[0]) == {"name": "CarrierService", "url": SINK}
    assert client.calls["callbacks.register"] == 1


def test_list_reads_the_json_array(authed: responses.RequestsMock, client: ThingSpaceClient) -> None:
    authed.add(
        responses.GET,
        CALLBACKS_URL,
        json=[
            {
                "accountName": ACCOUNT,
                "serviceName": "CarrierService",
                "url": SINK,
                "username": "sink",
                "password": "cb-pass-1",
            },
            {"accountName": ACCOUNT, "serviceName": "ExternalProvisioningChanges", "url": SINK + "/ext"},
        ],
    )

    listeners = client.list_callbacks(ACCOUNT)

    assert [(x.service_name, x.url) for x in listeners] == [
        ("CarrierService", SINK),
        ("ExternalProvisioningChanges", SINK + "/ext"),
    ]
    assert "cb-pass-1" not in repr(listeners)
    (request,) = sent(authed, "/callbacks/")
    assert request.method == "GET"
    assert_api_headers(request)


def test_deregister_deletes_by_service_name(authed: responses.RequestsMock, client: ThingSpaceClient) -> None:
    authed.add(
        responses.DELETE,
        CALLBACKS_URL + "/name/CarrierService",
        json={"accountName": ACCOUNT, "serviceName": "CarrierService"},
    )

    client.deregister_callback(ACCOUNT, "CarrierService")

    (request,) = sent(authed, "/callbacks/")
    assert (request.method, request.path_url) == (
        "DELETE",
        f"/api/m2m/v1/callbacks/{ACCOUNT}/name/CarrierService",
    )
    assert_api_headers(request)
    assert client.calls["callbacks.deregister"] == 1


def test_deregistering_an_unregistered_service_is_an_api_error(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(
        responses.DELETE,
        CALLBACKS_URL + "/name/DeviceUsage",
        status=400,
        json={
            "errorCode": "UnifiedWebService.REQUEST_FAILED.CallbackNotFound",
            "errorMessage": "Not registered",
        },
    )

    with pytest.raises(ApiError) as caught:
        client.deregister_callback(ACCOUNT, "DeviceUsage")

    assert caught.value.code_endswith("CallbackNotFound")
    assert caught.value.endpoint == "callbacks.deregister"


def test_service_names_cannot_change_the_path(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.DELETE, CALLBACKS_URL + "/name/a%2F..%2Fb", json={})

    client.deregister_callback(ACCOUNT, "a/../b")

    assert sent(authed, "/callbacks/")[0].path_url == f"/api/m2m/v1/callbacks/{ACCOUNT}/name/a%2F..%2Fb"
