"""Session expiry during an apply, and bad credentials: how many logins, what the user is told."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pulumi
import pytest
import requests

import pulumi_thingspace as thingspace
from kits.engine import LABELS_SET, add_fleet, auth_counts, failed_logins
from kits.stack import ACCOUNT, engine_for, stack_config
from pulumi_thingspace.client import AuthenticationError, Credentials, ThingSpaceClient
from pulumi_thingspace.models import DeviceLabel
from pulumi_thingspace.resources import base
from pulumi_thingspace.resources.labels import LabelSetProvider
from pulumi_thingspace.resources.licenses import LicenseProvider
from pulumi_thingspace.resources.listener import ListenerProvider
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.seed import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_PASSWORD, DEMO_USERNAME
from pulumi_thingspace.testing import ProviderOperationError

pytestmark = pytest.mark.sim_config(callback_resend_seconds=0.1)  # unacknowledged callbacks resent quickly

WRONG_PASSWORD = "not-the-password-Jx72"


def expiring(sim: SimulatorServer, value: pulumi.Output[str]) -> pulumi.Output[str]:
    """``value``, after every M2M session has been expired (runs between two resources' steps)."""
    return value.apply(lambda v: (sim.state.expire_sessions(), v)[1])


def three_label_sets(sim: SimulatorServer, eids: list[str], expire: bool) -> Callable[[], None]:
    """Three label resources in sequence; with ``expire``, the sessions expire before the 2nd and 3rd."""

    def program() -> None:
        account: pulumi.Input[str] = ACCOUNT
        for i, eid in enumerate(eids):
            made = thingspace.UsageSegmentationLabel(
                f"label-{i}", account_name=account, device_id=eid, name="EXPIRY", value=f"v{i}"
            )
            account = expiring(sim, made.account_name) if expire else made.account_name

    return program


def test_each_session_expiry_mid_apply_costs_exactly_one_login(sim: SimulatorServer, tmp_path: Path) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 3)]
    with engine_for(tmp_path, stack_config(sim)) as engine:
        sim.state.reset_request_counts()
        engine.up(three_label_sets(sim, eids, expire=True))
        assert auth_counts(sim) == (1, 3)  # one token; the first login, then one per expiry
        # Each call that met an expired session was sent again once, after the new login.
        assert sim.state.request_counts()[LABELS_SET] == 3 + 2
        sim.wait_idle()
        assert [sim.state.labels(ACCOUNT)[e]["EXPIRY"] for e in eids] == ["v0", "v1", "v2"]

        sim.state.reset_request_counts()
        sim.state.expire_sessions()
        assert [s.op for s in engine.up(three_label_sets(sim, eids, expire=False))] == ["same"] * 3
        assert sim.state.request_counts() == {}  # nothing to send, so no login either


class ExpireAfterFirstChunk(requests.Session):
    """An HTTP session that expires every M2M session right after the first label chunk was accepted."""

    def __init__(self, sim: SimulatorServer) -> None:
        super().__init__()
        self.trust_env = False
        self.sim = sim
        self.done = False

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        response = super().request(method, url, *args, **kwargs)
        if not self.done and str(url).endswith("/usagesegmentationlabels") and response.ok:
            self.done = True
            self.sim.state.expire_sessions()
        return response


def test_expiry_between_the_chunks_of_one_change_costs_exactly_one_login(sim: SimulatorServer) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 5000)]
    labels = [DeviceLabel(device_id=e, name="CHUNKED", value="x") for e in eids]
    creds = Credentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USERNAME, DEMO_PASSWORD)
    http = ExpireAfterFirstChunk(sim)
    with ThingSpaceClient(creds, sim.url, http=http) as client:
        sim.state.reset_request_counts()
        request_ids = client.set_labels(ACCOUNT, labels)
    assert http.done and len(request_ids) == 3
    assert auth_counts(sim) == (1, 2)
    assert sim.state.request_counts()[LABELS_SET] == 3 + 1  # the chunk that met the expiry, once more
    sim.wait_idle()
    labels = sim.state.labels(ACCOUNT)
    assert all(labels[e]["CHUNKED"] == "x" for e in eids)


def test_bad_password_is_one_login_attempt_with_a_clear_error(sim: SimulatorServer, tmp_path: Path) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 2)]

    def program() -> None:
        thingspace.UsageSegmentationLabel("a", account_name=ACCOUNT, device_id=eids[0], name="N", value="1")
        thingspace.FotaLicenseAssignment("b", account_name=ACCOUNT, device_imeis=["990000862471854"])

    sim.state.reset_request_counts()
    with (
        engine_for(tmp_path, stack_config(sim, password=WRONG_PASSWORD)) as engine,
        pytest.raises(ProviderOperationError) as info,
    ):
        engine.up(program)
    assert auth_counts(sim) == (1, 1)
    assert failed_logins(sim) == 1 and not sim.state.users()[0]["locked"]
    message = info.value.message
    assert "Invalid username or password" in message and "locks the user after 5 consecutive" in message
    assert "Traceback" not in message
    assert "session.login" in message and "401" in message
    assert WRONG_PASSWORD not in info.value.details and DEMO_PASSWORD not in info.value.details


def test_one_rejected_login_is_remembered_by_every_resource_of_the_process(
    sim: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # All resources of a provider process share one client: a rejected login is never sent again.
    monkeypatch.setattr(base, "_CLIENTS", {})
    config = {k: getattr(v, "value", v) for k, v in stack_config(sim, password=WRONG_PASSWORD).items()}
    eid = add_fleet(sim, 1)[0]["eid"]
    calls = [
        lambda p: p.create({"account_name": ACCOUNT, "labels": {f"{eid}/N": "1"}}),
        lambda p: p.create({"account_name": ACCOUNT, "device_imeis": {"990000862471854": True}}),
        lambda p: p.create({"account_name": ACCOUNT, "url": "https://hooks.example.com/x", "adopt": True}),
    ]
    sim.state.reset_request_counts()
    for cls, call in zip((LabelSetProvider, LicenseProvider, ListenerProvider), calls, strict=True):
        provider = cls()
        provider.configure(SimpleNamespace(config=config))  # type: ignore[arg-type]
        with pytest.raises(AuthenticationError, match="Invalid username or password"):
            call(provider)
    assert auth_counts(sim) == (1, 1)
    assert failed_logins(sim) == 1
