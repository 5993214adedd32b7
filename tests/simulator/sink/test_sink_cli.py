"""The ``thingspace-callback-sink`` console script as a separate process."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from kits.sink import callback_body, read
from kits.sink_backends import Backend
from kits.sink_ledger import ACCOUNT, ask, key, labelled, set_line
from kits.sink_processes import COMMAND, SECRET_ENV, Sink
from kits.stack import HOOK_PASSWORD, HOOK_USER, READ_TOKEN
from pulumi_thingspace.sink import SinkSettings
from pulumi_thingspace.sink.settings import env_name


def test_console_script_takes_secrets_from_the_environment_and_receives_callbacks(
    tmp_path: Path, processes: list[Sink]
) -> None:
    sink = Sink(tmp_path / "cb.db", tmp_path / "sink.log")
    processes.append(sink)
    match = re.fullmatch(r"http://127\.0\.0\.1:(\d+)", sink.url)
    assert match and int(match.group(1)) > 0
    assert not any(secret in " ".join(sink.args) for secret in (HOOK_PASSWORD, READ_TOKEN))

    assert (
        requests.post(sink.url + "/callbacks", json=callback_body("req-cli"), timeout=10).status_code == 200
    )
    bad = callback_body("req-bad", password="wrong-" + HOOK_PASSWORD)
    assert requests.post(sink.url + "/callbacks", json=bad, timeout=10).status_code == 401
    assert read(sink.url, "req-cli").json()["callbacks"][0]["requestId"] == "req-cli"
    assert read(sink.url, "req-cli", token="wrong").status_code == 401
    assert sink.stop() == 0

    log = (tmp_path / "sink.log").read_text()
    records = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert any(r["message"] == "callback stored" and r["request_id"] == "req-cli" for r in records)
    assert any(r.get("reason") == "bad_credentials" for r in records)
    assert HOOK_PASSWORD not in log and READ_TOKEN not in log


def test_missing_secret_stops_with_a_message_naming_the_variable(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THINGSPACE_SINK_")}
    env.update(
        {"THINGSPACE_SINK_CALLBACK_USERNAME": HOOK_USER, "THINGSPACE_SINK_CALLBACK_PASSWORD": HOOK_PASSWORD}
    )
    done = subprocess.run(
        [*COMMAND, "--db", str(tmp_path / "cb.db"), "--port", "0"], env=env, capture_output=True, timeout=30
    )
    assert done.returncode == 2
    assert b"THINGSPACE_SINK_READ_TOKEN" in done.stderr
    assert HOOK_PASSWORD.encode() not in done.stderr + done.stdout


def test_a_port_in_use_is_reported_with_exit_status_1(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THINGSPACE_SINK_")}
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = str(busy.getsockname()[1])
        done = subprocess.run(
            [*COMMAND, "--db", str(tmp_path / "cb.db"), "--port", port],
            env={**env, **SECRET_ENV},
            capture_output=True,
            timeout=30,
        )
    assert done.returncode == 1
    assert b"cannot start" in done.stderr
    assert done.stdout == b""


SHARED_DEVICES = 40
"""Burst callbacks each set one label of their own and one of these shared devices (the latest wins)."""


def burst_body(i: int) -> dict[str, object]:
    """Burst callback ``i``: sets device 1000+i to ``own-i`` and shared device i % 40 to ``shared-i``."""
    return labelled(f"burst-{i}", set_line(1000 + i, f"own-{i}"), set_line(i % SHARED_DEVICES, f"shared-{i}"))


def implied_ledger(stored: list[int]) -> tuple[dict[str, str], int]:
    """(labels set, keys unseen) that the stored burst callbacks imply for all 200 + 40 keys."""
    expected = {key(1000 + i): f"own-{i}" for i in stored}
    for i in sorted(stored):  # sent one after the other, so stored in this order
        expected[key(i % SHARED_DEVICES)] = f"shared-{i}"
    return expected, 200 + SHARED_DEVICES - len(expected)


def test_every_acknowledged_callback_survives_sigkill(
    backend: Backend, tmp_path: Path, processes: list[Sink]
) -> None:
    db = backend.target
    sink = Sink(db, tmp_path / "sink.log")
    processes.append(sink)
    acknowledged: list[str] = []

    def burst() -> None:
        with requests.Session() as http:
            for i in range(200):
                try:
                    response = http.post(f"{sink.url}/callbacks/{ACCOUNT}", json=burst_body(i), timeout=5)
                except requests.RequestException:
                    return
                if 200 <= response.status_code < 300:
                    acknowledged.append(f"burst-{i}")

    sender = threading.Thread(target=burst)
    sender.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 30 and time.monotonic() < deadline and sender.is_alive():
        time.sleep(0.002)
    sink.stop(signal.SIGKILL)
    sender.join(timeout=30)
    assert 30 <= len(acknowledged) < 200, "the kill should land mid-burst"

    again = Sink(db, tmp_path / "sink.log")
    processes.append(again)
    with requests.Session() as http:
        missing = [
            rid
            for rid in acknowledged
            if http.get(
                f"{again.url}/requests/{rid}", headers={"Authorization": f"Bearer {READ_TOKEN}"}
            ).status_code
            != 200
        ]
        stored = [i for i in range(200) if read(again.url, f"burst-{i}").status_code == 200]
    assert missing == []
    # The ledger holds exactly what the stored callbacks imply: those acknowledged, and at most the one
    # the kill interrupted (stored, never answered). A callback never lands without its ledger change.
    assert set(stored) - {int(rid.split("-")[1]) for rid in acknowledged} <= {len(acknowledged)}
    keys = [key(1000 + i) for i in range(200)] + [key(d) for d in range(SHARED_DEVICES)]
    answer = ask(again.url, ACCOUNT, keys).json()
    expected, unseen = implied_ledger(stored)
    assert (answer["set"], answer["removed"], answer["unseen"]) == (expected, [], unseen)


def test_settings_prefer_options_then_environment_then_defaults() -> None:
    env = {**SECRET_ENV, env_name("port"): "9003", env_name("read_token"): "from-env"}
    settings = SinkSettings.from_sources({"read_token": "from-option", "port": None}, env)
    assert (settings.read_token, settings.port, settings.callback_path) == ("from-option", 9003, "/callbacks")
    assert settings.retention_days == 30
    assert HOOK_PASSWORD not in repr(settings) and "from-option" not in repr(settings)
    with pytest.raises(ValueError, match="THINGSPACE_SINK_CALLBACK_PASSWORD"):
        SinkSettings.from_sources({}, {k: v for k, v in SECRET_ENV.items() if "PASSWORD" not in k})
    with pytest.raises(ValueError, match="callback path"):
        SinkSettings.from_sources({"callback_path": "/requests"}, SECRET_ENV)
