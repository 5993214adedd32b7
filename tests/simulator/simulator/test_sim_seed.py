"""Seed files and the built-in demo fleet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from kits.simulator import Api
from pulumi_thingspace.models.identifiers import DeviceKind, check_identifier, checksum_warning
from pulumi_thingspace.simulator import SimulatorServer, build_state, demo_seed, synthetic_ids

SEED = {
    "clients": [{"clientId": "ci-client", "clientSecret": "ci-secret"}],
    "users": [{"username": "ci-user", "password": "ci-password"}],
    "accounts": [
        {
            "accountName": "0342330389-00001",
            "licCount": 3,
            "devices": [
                {
                    "deviceIds": [
                        {"kind": "eid", "id": synthetic_ids(1)["eid"]},
                        {"kind": "imei", "id": synthetic_ids(1)["imei"]},
                    ],
                    "labels": {"VIN": "XX1TFCFL5EA137745"},
                    "licenseAssigned": True,
                },
                {"deviceIds": [{"kind": "iccid", "id": "89148000000800139708"}], "state": "deactive"},
            ],
            "generate": {"count": 4},
            "callbacks": [{"name": "CarrierService", "url": "http://127.0.0.1:9/cb", "username": "u"}],
        }
    ],
}


def test_seed_file_defines_credentials_accounts_and_devices(tmp_path: Path) -> None:
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(SEED))
    with SimulatorServer(path) as sim:
        api = Api(sim.url)
        assert api.token().status_code == 401
        assert api.token("ci-client", "ci-secret").status_code == 200
        api.headers["Authorization"] = "Bearer " + api.token("ci-client", "ci-secret").json()["access_token"]
        assert api.login("ci-user", "ci-password").status_code == 200
        devices = api.post("/api/m2m/v1/devices/actions/list", {"accountName": "0342330389-00001"}).json()
        assert len(devices["devices"]) == 6
        assert sim.state.labels("0342330389-00001") == {synthetic_ids(1)["eid"]: {"VIN": "XX1TFCFL5EA137745"}}
        assert sim.state.licenses("0342330389-00001")["licUsedCount"] == 1
        assert sim.state.device("89148000000800139708")["state"] == "deactive"  # type: ignore[index]
        # Generated devices continue after the synthetic serial used by hand.
        assert sim.state.device(synthetic_ids(2)["eid"]) is not None
        listeners = api.get("/api/m2m/v1/callbacks/0342330389-00001").json()
        assert [(cb["serviceName"], cb["username"]) for cb in listeners] == [("CarrierService", "u")]


def test_seed_with_unknown_fields_is_rejected() -> None:
    with pytest.raises(ValidationError):
        build_state({"accounts": [{"accountName": "a", "devicez": []}]})


def test_demo_fleet_is_deterministic_and_well_formed() -> None:
    assert demo_seed() == demo_seed()
    state = build_state()
    devices = state.devices("0000000000-00001", limit=100)
    assert len(devices) == 12
    assert [d["state"] for d in devices].count("deactive") == 3
    for device in devices:
        ids = {i["kind"]: i["id"] for i in device["deviceIds"]}
        assert (len(ids["eid"]), len(ids["iccid"]), len(ids["imei"])) == (32, 20, 15)
        for kind, value in ids.items():
            check_identifier(DeviceKind(kind), value)
            assert checksum_warning(DeviceKind(kind), value) is None
    assert state.licenses("0000000000-00001")["licCount"] == 10
