"""Every client endpoint against the simulator over real HTTP on loopback."""

from __future__ import annotations

import time

import pytest

from kits.simulator import Sim
from pulumi_thingspace.client import ApiError, AuthenticationError, Credentials, ThingSpaceClient
from pulumi_thingspace.models import DeviceId, DeviceLabel
from pulumi_thingspace.simulator.seed import DEMO_ACCOUNT, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USERNAME
from pulumi_thingspace.simulator.synthetic import synthetic_ids

ACCOUNT = DEMO_ACCOUNT


def ids(serial: int) -> dict[str, str]:
    return synthetic_ids(serial)


def test_token_and_session_are_fetched_once(client: ThingSpaceClient) -> None:
    assert client.access_token() == client.access_token()
    assert client.session_token() == client.session_token()
    assert client.calls["oauth.token"] == 1 and client.calls["session.login"] == 1


def test_labels_set_and_remove(client: ThingSpaceClient, sim_http: Sim) -> None:
    label = DeviceLabel(device_id=ids(1)["eid"], name="CONTRACT", value="set-and-remove")
    (request_id,) = client.set_labels(ACCOUNT, [label])
    assert request_id
    sim_http.wait_idle()
    labels = sim_http.admin("GET", f"accounts/{ACCOUNT}/labels").json()
    assert labels[ids(1)["eid"]]["CONTRACT"] == "set-and-remove"
    client.remove_labels(ACCOUNT, [label])
    sim_http.wait_idle()
    assert "CONTRACT" not in sim_http.admin("GET", f"accounts/{ACCOUNT}/labels").json().get(ids(1)["eid"], {})


def test_callback_listeners(client: ThingSpaceClient) -> None:
    client.register_callback(ACCOUNT, "DeviceService", "https://hooks.example.com/x", "u", "p")
    listed = {c.service_name: c for c in client.list_callbacks(ACCOUNT)}
    assert listed["DeviceService"].url == "https://hooks.example.com/x"
    client.deregister_callback(ACCOUNT, "DeviceService")
    assert "DeviceService" not in {c.service_name for c in client.list_callbacks(ACCOUNT)}
    with pytest.raises(ApiError) as info:
        client.deregister_callback(ACCOUNT, "DeviceService")
    assert info.value.code_endswith("CallbackNotFound")


def test_device_list_follows_pages(client: ThingSpaceClient, sim_http: Sim) -> None:
    sim_http.admin("DELETE", "requests")
    devices = client.list_devices(ACCOUNT)
    assert len({d.identifier("eid") for d in devices}) == len(devices) >= 10
    assert client.calls["devices.list"] >= 3  # pages of 5


def test_get_device_by_any_kind_and_missing(client: ThingSpaceClient) -> None:
    found = client.get_device(ACCOUNT, DeviceId(kind="ICCID", id=ids(2)["iccid"]))
    assert found is not None and found.identifier("imei") == ids(2)["imei"] and found.state == "active"
    assert client.get_device(ACCOUNT, DeviceId(kind="iccid", id="89148000000099999999")) is None


def test_deactivate_then_delete(client: ThingSpaceClient) -> None:
    device = DeviceId(kind="iccid", id=ids(9)["iccid"])
    (refused,) = client.delete_devices(ACCOUNT, [device])
    assert not refused.ok and "deactive" in (refused.message or "")
    assert client.deactivate_devices(ACCOUNT, [device], etf_waiver=True)
    deadline = time.monotonic() + 10
    while (d := client.get_device(ACCOUNT, device)) is not None and d.state != "deactive":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    (deleted,) = client.delete_devices(ACCOUNT, [device])
    assert deleted.ok and client.get_device(ACCOUNT, device) is None


@pytest.mark.parametrize("version", ["v1", "v3"])
def test_licenses_assign_read_remove(client: ThingSpaceClient, version: str) -> None:
    imei = ids(7 if version == "v1" else 8)["imei"]
    assigned = client.assign_licenses(ACCOUNT, [imei], version)
    assert [d.ok for d in assigned.device_list] == [True] and assigned.lic_count == 10
    assert client.licensed_imeis(ACCOUNT, [imei, ids(6)["imei"]], version) == {imei}
    again = client.assign_licenses(ACCOUNT, [imei], version)
    assert again.device_list[0].already_assigned
    removed = client.remove_licenses(ACCOUNT, [imei], version)
    assert removed.device_list[0].ok
    gone = client.remove_licenses(ACCOUNT, [imei], version)
    assert "no license attached" in (gone.device_list[0].reason or "").lower()
    assert client.subscription(ACCOUNT)["licenseCount"] == 10


def test_bad_password_is_one_login_and_never_retried(sim_http: Sim) -> None:
    creds = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USERNAME, "wrong-password")
    with ThingSpaceClient(creds, sim_http.url) as bad:
        for _ in range(3):
            with pytest.raises(AuthenticationError) as info:
                bad.list_callbacks(ACCOUNT)
            assert "wrong-password" not in str(info.value)
        assert bad.calls["session.login"] == 1
    users = {u["username"]: u for u in sim_http.admin("GET", "users").json()}
    assert users[DEMO_USERNAME]["failedLogins"] == 1
    sim_http.admin("POST", f"users/{DEMO_USERNAME}/unlock")


def test_expired_session_logs_in_again_once(client: ThingSpaceClient, sim_http: Sim) -> None:
    client.list_callbacks(ACCOUNT)
    sim_http.admin("POST", "sessions/expire")
    client.list_callbacks(ACCOUNT)
    assert client.calls["session.login"] == 2 and client.calls["callbacks.list"] == 3
