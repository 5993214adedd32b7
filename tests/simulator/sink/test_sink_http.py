"""The sink over real HTTP on loopback: receiving callbacks and reading them back."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests

from kits.sink import EID_A, EID_B, SEED_001_CALLBACK, callback_body, make_settings, read
from kits.sink_backends import Backend
from kits.stack import HOOK_PASSWORD, HOOK_USER, READ_TOKEN
from pulumi_thingspace.results import CallbackResults
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.sink.logs import JsonFormatter

Post = Callable[[Any], requests.Response]
CREDS = {"username": HOOK_USER, "password": HOOK_PASSWORD}


def test_accepted_callback_is_stored_without_credentials_and_readable(sink: SinkServer, post: Post) -> None:
    body = callback_body(
        "req-1", [(EID_A, "VIN", "V1", "Set", "Success"), (EID_B, "VIN", "V2", "Set", "Failed")]
    )
    response = post(body)
    assert response.status_code == 200
    got = read(sink.url, "req-1")
    assert got.status_code == 200
    expected = {k: v for k, v in body.items() if k not in ("username", "password")}
    assert got.json() == {"requestId": "req-1", "callbacks": [expected]}


def test_seed_001_callback_is_accepted_verbatim(backend: Backend) -> None:
    settings = make_settings(backend.target, callback_username="foo", callback_password="bar")
    with SinkServer(settings) as sink:
        response = requests.post(
            sink.callback_url,
            data=SEED_001_CALLBACK,
            headers={"Content-Type": "application/json"},
            timeout=10,
        )
        assert response.status_code == 200
        got = read(sink.url, "595f5c44-c31c-4552-8670-020a1545a84d").json()
    expected = json.loads(SEED_001_CALLBACK)
    del expected["username"], expected["password"]
    assert got["callbacks"] == [expected]
    assert '"bar"' not in json.dumps(got)


@pytest.mark.parametrize(
    ("username", "password"),
    [
        (HOOK_USER, "wrong-password"),
        ("someone-else", HOOK_PASSWORD),
        (None, None),
        (HOOK_USER, None),
        (None, HOOK_PASSWORD),
        (HOOK_USER, HOOK_PASSWORD + "x"),
        (HOOK_USER, ""),
    ],
)
def test_wrong_or_missing_credentials_get_401_and_nothing_is_stored(
    sink: SinkServer, post: Post, backend: Backend, username: str | None, password: str | None
) -> None:
    response = post(callback_body("req-x", username=username, password=password))
    assert response.status_code == 401
    assert read(sink.url, "req-x").status_code == 404
    assert backend.rows() == 0


def test_non_string_password_is_refused(sink: SinkServer, post: Post, backend: Backend) -> None:
    body = callback_body("req-x")
    body["password"] = 12345
    assert post(body).status_code == 401
    assert backend.rows() == 0


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ('{"username": "x", ', 400),
        ("not json at all", 400),
        (json.dumps([{"requestId": "req-x"}]), 400),
        (json.dumps(CREDS), 422),  # no requestId
        (
            json.dumps(
                {"username": HOOK_USER, "password": HOOK_PASSWORD, "requestId": "req-x", "callbackCount": "x"}
            ),
            422,
        ),
        (json.dumps({**CREDS, "requestId": "  "}), 422),
    ],
)
def test_malformed_bodies_get_4xx_and_nothing_is_stored(
    sink: SinkServer, post: Post, backend: Backend, raw: str, status: int
) -> None:
    assert post(raw).status_code == status
    assert backend.rows() == 0


def test_invalid_body_with_wrong_credentials_is_401_not_422(post: Post) -> None:
    assert post(json.dumps({"username": HOOK_USER, "password": "nope"})).status_code == 401


def test_duplicate_is_stored_once_and_a_resend_is_a_second_record_that_the_reader_merges(
    sink: SinkServer, post: Post
) -> None:
    lines = [(EID_A, "VIN", "V1", "Set", "Success"), (EID_B, "VIN", "V2", "Set", "Failed")]
    first = post(callback_body("req-d", lines))
    again = post(callback_body("req-d", lines))
    assert (first.status_code, first.json()["stored"]) == (200, True)
    assert (again.status_code, again.json()["stored"]) == (200, False)
    assert len(read(sink.url, "req-d").json()["callbacks"]) == 1

    assert post(callback_body("req-d", lines, count=2)).status_code == 200
    assert [c["callbackCount"] for c in read(sink.url, "req-d").json()["callbacks"]] == [1, 2]

    outcomes = CallbackResults(sink.url, READ_TOKEN, timeout=2).wait(["req-d"])["req-d"]
    assert [(o.device_id, o.ok) for o in outcomes] == [(EID_A, True), (EID_B, False)]


def test_callbacks_arriving_before_anyone_asks_are_kept(sink: SinkServer, post: Post) -> None:
    for i in range(5):
        assert post(callback_body(f"early-{i}")).status_code == 200
    for i in range(5):
        assert read(sink.url, f"early-{i}").json()["callbacks"][0]["requestId"] == f"early-{i}"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Basic {READ_TOKEN}"},
        {"Authorization": READ_TOKEN},
        {"Authorization": "Bearer "},
        {"Authorization": f"Bearer {READ_TOKEN}x"},
    ],
)
def test_reading_without_the_right_token_is_401(
    sink: SinkServer, post: Post, headers: dict[str, str]
) -> None:
    post(callback_body("req-t"))
    response = requests.get(f"{sink.url}/requests/req-t", headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "callbacks" not in response.json()


def test_unknown_request_is_404_until_a_callback_arrives(sink: SinkServer, post: Post) -> None:
    missing = read(sink.url, "req-later")
    assert missing.status_code == 404
    assert missing.json()["callbacks"] == []
    post(callback_body("req-later"))
    assert read(sink.url, "req-later").status_code == 200


def test_data_survives_a_restart_on_the_same_database(backend: Backend) -> None:
    with SinkServer(make_settings(backend.target)) as first:
        body = callback_body("req-r")
        assert requests.post(first.callback_url, json=body, timeout=10).status_code == 200
    with SinkServer(make_settings(backend.target)) as second:
        got = read(second.url, "req-r")
    assert got.status_code == 200
    assert got.json()["callbacks"][0]["requestId"] == "req-r"


def test_startup_purges_callbacks_older_than_the_retention(backend: Backend) -> None:
    old = backend.open(clock=lambda: 1_000.0)  # received in 1970
    old.add("req-old", 1, {"requestId": "req-old"})
    old.close()
    with SinkServer(make_settings(backend.target, retention_days=1)) as sink:
        requests.post(sink.callback_url, json=callback_body("req-new"), timeout=10)
        assert read(sink.url, "req-old").status_code == 404
        assert read(sink.url, "req-new").status_code == 200


def test_periodic_purge_runs_while_serving(backend: Backend) -> None:
    clock = {"now": 1_000_000.0}
    store = backend.open(clock=lambda: clock["now"])
    with SinkServer(
        make_settings(backend.target, retention_days=1, purge_interval_seconds=0.05), store
    ) as sink:
        requests.post(sink.callback_url, json=callback_body("req-p"), timeout=10)
        assert read(sink.url, "req-p").status_code == 200
        clock["now"] += 2 * 86400
        for _ in range(100):
            if read(sink.url, "req-p").status_code == 404:
                break
            time.sleep(0.02)
        assert read(sink.url, "req-p").status_code == 404
    store.close()


def test_request_id_with_reserved_characters_round_trips(sink: SinkServer, post: Post) -> None:
    post(callback_body("odd/id with space"))
    outcomes = CallbackResults(sink.url, READ_TOKEN, timeout=2).wait(["odd/id with space"])
    assert outcomes["odd/id with space"][0].device_id == EID_A


def test_healthz(sink: SinkServer) -> None:
    response = requests.get(f"{sink.url}/healthz", timeout=10)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_no_secret_reaches_the_database_file_or_the_logs(
    sink: SinkServer, post: Post, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    post(callback_body("req-s"))
    post(callback_body("req-s", count=2))
    post(callback_body("req-s", password="guess-" + HOOK_PASSWORD))
    read(sink.url, "req-s")
    read(sink.url, "req-s", token="bad-" + READ_TOKEN)
    raw = backend.stored_text()
    assert b"req-s" in raw
    assert HOOK_PASSWORD.encode() not in raw
    assert HOOK_USER.encode() not in raw
    formatter = JsonFormatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    assert "callback stored" in logged and "bad_credentials" in logged and "bad_token" in logged
    assert HOOK_PASSWORD not in logged
    assert READ_TOKEN not in logged
    assert repr(sink.settings).count(HOOK_PASSWORD) == repr(sink.settings).count(READ_TOKEN) == 0
