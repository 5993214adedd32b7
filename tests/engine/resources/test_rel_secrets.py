"""No credential leaks: outputs, state, the pickled provider, provider output, logs and error messages."""

from __future__ import annotations

import base64
import json
import logging
import secrets
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pulumi
import pytest

import pulumi_thingspace as thingspace
from kits.stack import ACCOUNT, HOOK_USER, engine_for, stack_config
from pulumi_thingspace.client import ThingSpaceClient
from pulumi_thingspace.client.auth import Credentials
from pulumi_thingspace.models import DeviceLabel
from pulumi_thingspace.results import CallbackResults, ResultsError
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import Engine, HarnessError, ProviderOperationError, secret


def unique(prefix: str) -> str:
    """A value that cannot occur anywhere by chance."""
    return f"{prefix}-{secrets.token_hex(8)}"


CLIENT_ID, USER = "rel-client", "rel-user"
CLIENT_SECRET, PASSWORD = unique("client-secret"), unique("user-password")
HOOK_PASSWORD, READ_TOKEN = unique("hook-password"), unique("read-token")
WRONG = {"password": unique("wrong-password"), "client_secret": unique("wrong-secret")}
WRONG_TOKEN = unique("wrong-read-token")

SEED = {
    "clients": [{"clientId": CLIENT_ID, "clientSecret": CLIENT_SECRET}],
    "users": [{"username": USER, "password": PASSWORD}],
    "accounts": [{"accountName": ACCOUNT, "licCount": 10, "generate": {"count": 6}}],
}
pytestmark = [
    pytest.mark.sim_seed(SEED),  # credentials of this module only, so any leak of them is found
    pytest.mark.sim_config(callback_resend_seconds=0.1),
    pytest.mark.sink_config(callback_password=HOOK_PASSWORD, read_token=READ_TOKEN),
]


class Leaks:
    """Every secret in play (issued tokens included) and every text that must not contain them."""

    def __init__(self, sim: SimulatorServer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.secrets = {CLIENT_SECRET, PASSWORD, HOOK_PASSWORD, READ_TOKEN, WRONG_TOKEN, *WRONG.values()}
        self.issued: list[str] = []
        self.texts: list[tuple[str, str]] = []
        identity = sim.state.identity
        issue, login = identity.issue_token, identity.login

        def issued(*args: Any) -> Any:
            result = issue(*args)
            if result is not None:
                self.issued.append(result[0])
                self.secrets.add(result[0])
            return result

        def logged_in(*args: Any) -> Any:
            outcome, session = login(*args)
            if session is not None:
                self.issued.append(session)
                self.secrets.add(session)
            return outcome, session

        monkeypatch.setattr(identity, "issue_token", issued)
        monkeypatch.setattr(identity, "login", logged_in)

    def add(self, where: str, text: str) -> None:
        """Remember ``text`` as seen at ``where``."""
        self.texts.append((where, text))

    def add_engine(self, where: str, engine: Engine, stderr: list[str]) -> None:
        """The stack's state (secret outputs set aside), decoded provider blobs and provider output."""
        for state in engine.state.values():
            blob = base64.b64decode(state.inputs["__provider"]).decode("latin-1")
            self.add(f"{where} {state.name} pickled provider", blob)
            for kind, values in (("inputs", state.inputs), ("outputs", state.outputs)):
                shown = {k: v for k, v in values.items() if k not in state.secret_outputs}
                self.add(f"{where} {state.name} {kind}", json.dumps(shown))
        self.add(f"{where} planned", json.dumps({k: v for k, v in engine.planned.items() if k != "carrier"}))
        self.add(f"{where} provider stderr", "\n".join(stderr))

    def add_error(self, where: str, exc: BaseException) -> None:
        """An error as the user sees it, with the provider's traceback when there is one."""
        self.add(where, f"{exc!s}\n{exc!r}\n{getattr(exc, 'details', '')}")

    def found(self) -> list[tuple[str, str]]:
        """``(where, secret prefix)`` of every leak."""
        return [(w, s.rsplit("-", 1)[0]) for w, t in self.texts for s in self.secrets if s and s in t]


def config(sim: SimulatorServer, sink: SinkServer, **overrides: str) -> dict[str, Any]:
    values = {"client_secret": CLIENT_SECRET, "password": PASSWORD, "read_token": READ_TOKEN, **overrides}
    cfg = stack_config(sim, sink, client_id=CLIENT_ID, username=USER, timeout=20, **values)
    return {**cfg, "hookPassword": secret(HOOK_PASSWORD)}


def fleet_program(
    sink: SinkServer, devices: list[dict[str, str]], labels: dict[str, str]
) -> Callable[[], None]:
    """Listener (password from secret config), verified labels, one label, licenses, one retirement."""

    def program() -> None:
        hook = pulumi.Config().require_secret("hookPassword")
        listener = thingspace.CallbackListener(
            "carrier", account_name=ACCOUNT, url=sink.callback_url, username=HOOK_USER, password=hook
        )
        after = pulumi.ResourceOptions(depends_on=[listener])
        thingspace.UsageSegmentationLabels(
            "labels",
            account_name=ACCOUNT,
            labels=[{"device_id": e, "name": "VIN", "value": v} for e, v in labels.items()],
            opts=after,
        )
        thingspace.UsageSegmentationLabel(
            "one", account_name=ACCOUNT, device_id=devices[0]["eid"], name="ONE", value="1", opts=after
        )
        thingspace.FotaLicenseAssignment(
            "fota", account_name=ACCOUNT, device_imeis=[d["imei"] for d in devices[:2]]
        )
        thingspace.DeviceRetirement(
            "retire", account_name=ACCOUNT, devices=[{"kind": "iccid", "id": devices[-1]["iccid"]}]
        )

    return program


@contextmanager
def failing(leaks: Leaks, where: str) -> Iterator[None]:
    """Expect the block to fail as the engine reports it; keep the error's text."""
    with pytest.raises(HarnessError) as info:
        yield
    leaks.add_error(where, info.value)


@pytest.mark.timeout(90)
def test_no_secret_leaks_through_a_full_lifecycle_and_its_failures(
    sim: SimulatorServer,
    sink: SinkServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    leaks = Leaks(sim, monkeypatch)
    devices = [dict(d.ids) for d in sim.state.add_synthetic_devices(ACCOUNT, 3)]
    devices += [dict(d.ids) for d in sim.state.add_synthetic_devices(ACCOUNT, 1, state="deactive")]
    labels = {d["eid"]: f"VIN{i}" for i, d in enumerate(devices[:3])}
    with engine_for(tmp_path, config(sim, sink)) as engine:
        engine.preview(fleet_program(sink, devices, labels))
        engine.up(fleet_program(sink, devices, labels))
        assert engine.outputs("labels")["verified"] is True
        listener = engine.resource("carrier")
        assert "password" in listener.secret_outputs and listener.outputs["password"] == HOOK_PASSWORD
        with failing(leaks, "labels on a device that does not exist"):
            engine.up(fleet_program(sink, devices, {**labels, "8904903200000100" + "9" * 16: "X"}))
        engine.up(fleet_program(sink, devices, {**labels, devices[0]["eid"]: "CHANGED"}))
        sim.state.expire_sessions()
        engine.refresh()
        leaks.add_engine("lifecycle", engine, engine.server.stderr_lines)
        engine.destroy()
    for setting, wrong in WRONG.items():
        with engine_for(tmp_path, config(sim, sink, **{setting: wrong})) as engine:
            with failing(leaks, f"wrong {setting}"):
                engine.up(fleet_program(sink, devices, labels))
            leaks.add_engine(f"wrong {setting}", engine, engine.server.stderr_lines)
        sim.state.unlock_user(USER)
    with engine_for(tmp_path, config(sim, sink, read_token=WRONG_TOKEN)) as engine:
        with failing(leaks, "wrong sink read token"):
            engine.up(fleet_program(sink, devices, labels))
        leaks.add_engine("wrong read token", engine, engine.server.stderr_lines)
    exercise_client_in_process(sim, sink, leaks)
    sim.wait_idle()
    for db in tmp_path.glob("cb.db*"):
        leaks.add(f"sink database {db.name}", db.read_bytes().decode("latin-1"))

    for record in caplog.records:
        fields = json.dumps(getattr(record, "fields", {}), default=str)
        leaks.add(f"log {record.name}", f"{record.getMessage()} {fields} {record.exc_text or ''}")
    assert len(caplog.records) > 20  # the client and the sink did log at DEBUG
    assert len(set(leaks.issued)) >= 4  # access tokens and session tokens are searched for too
    assert {w for w, _ in leaks.texts} >= {"wrong password", "wrong client_secret", "wrong sink read token"}
    assert leaks.found() == []


def exercise_client_in_process(sim: SimulatorServer, sink: SinkServer, leaks: Leaks) -> None:
    """The client and the results reader in this process, so their DEBUG logging is captured too."""
    eid = sim.state.add_synthetic_devices(ACCOUNT, 1)[0].ids["eid"]
    sim.state.configure_faults(retry_after_seconds=0)
    with ThingSpaceClient(Credentials(CLIENT_ID, CLIENT_SECRET, USER, PASSWORD), sim.url) as client:
        sim.state.fail_next(2, 429)
        (request_id,) = client.set_labels(ACCOUNT, [DeviceLabel(device_id=eid, name="LOG", value="1")])
        sim.state.expire_sessions()
        client.remove_labels(ACCOUNT, [DeviceLabel(device_id=eid, name="LOG", value="1")])
        leaks.add("client repr", repr(client))
    sim.wait_idle()
    CallbackResults(sink.url, READ_TOKEN, timeout=5, poll_interval=0.05).wait([request_id])
    with pytest.raises(ResultsError) as info:
        CallbackResults(sink.url, WRONG_TOKEN, timeout=5).wait([request_id])
    leaks.add_error("results reader with a wrong token", info.value)
    bad = Credentials(CLIENT_ID, CLIENT_SECRET, USER, WRONG["password"])
    with ThingSpaceClient(bad, sim.url) as client, pytest.raises(Exception) as err:
        client.list_devices(ACCOUNT)
    leaks.add_error("client with a wrong password", err.value)
    leaks.add("credentials repr", repr(bad))


def test_an_api_that_cannot_be_reached_leaks_nothing(tmp_path: Path) -> None:
    # A bound port that does not listen: every attempt is refused; the error names the host only.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        cfg = stack_config(
            f"http://127.0.0.1:{closed.getsockname()[1]}", client_secret=CLIENT_SECRET, password=PASSWORD
        )
        with engine_for(tmp_path, cfg) as engine, pytest.raises(ProviderOperationError) as info:
            engine.up(
                lambda: thingspace.UsageSegmentationLabel(
                    "x", account_name=ACCOUNT, device_id="1" * 32, name="N", value="v"
                )
            )
        text = f"{info.value}\n{info.value.details}\n{engine.server.stderr_text()}"
    assert "ConnectionFailure" in text or "ConnectionError" in text
    assert CLIENT_SECRET not in text and PASSWORD not in text
