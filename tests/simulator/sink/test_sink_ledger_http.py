"""The label ledger over HTTP: callbacks on the bare and the per-account path, and ``POST /ledger``."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

import pytest
import requests

from kits.sink import make_settings
from kits.sink_backends import Backend
from kits.sink_ledger import ACCOUNT, OTHER_ACCOUNT, ask, key, labelled, remove_line, set_line
from kits.stack import HOOK_PASSWORD, HOOK_USER, READ_TOKEN
from pulumi_thingspace.sink import CallbackStore, SinkServer, SinkSettings, ledger_http
from pulumi_thingspace.sink.ledger import LedgerView
from pulumi_thingspace.sink.logs import JsonFormatter


def post(url: str, body: dict[str, Any]) -> requests.Response:
    return requests.post(url, json=body, timeout=10)


def test_callbacks_per_account_path_and_bare_path_answer_ledger_queries(sink: SinkServer) -> None:
    mine = f"{sink.callback_url}/{ACCOUNT}"
    assert post(
        mine, labelled("r1", set_line(1, "V1"), set_line(2, "V2"), set_line(5, "X", status="Failed"))
    ).ok
    assert post(mine, labelled("r2", remove_line(2, "V2"))).json() == {"requestId": "r2", "stored": True}
    assert post(f"{sink.callback_url}/{OTHER_ACCOUNT}", labelled("r3", set_line(3, "THEIRS"))).ok
    assert post(sink.callback_url, labelled("r4", set_line(4, "ANYONE"))).ok  # the bare path

    response = ask(sink.url, ACCOUNT, [key(1), key(2), key(3), key(4), key(5)])
    assert response.status_code == 200
    assert response.json() == {
        "accountName": ACCOUNT,
        "set": {key(1): "V1", key(4): "ANYONE"},
        "removed": [key(2)],
        "unseen": 2,
    }
    other = ask(sink.url, OTHER_ACCOUNT, [key(1), key(3), key(4)]).json()
    assert (other["set"], other["unseen"]) == ({key(3): "THEIRS", key(4): "ANYONE"}, 1)


def test_a_duplicate_callback_on_another_path_changes_nothing(sink: SinkServer) -> None:
    body = labelled("r1", set_line(1, "V1"))
    assert post(f"{sink.callback_url}/{ACCOUNT}", body).json()["stored"] is True
    assert post(f"{sink.callback_url}/{OTHER_ACCOUNT}", body).json()["stored"] is False
    assert ask(sink.url, OTHER_ACCOUNT, [key(1)]).json()["unseen"] == 1


@pytest.mark.parametrize("suffix", ["bad!account", "-leading-dash", "x" * 65])
def test_an_invalid_account_in_the_callback_path_is_refused(
    sink: SinkServer, backend: Backend, suffix: str
) -> None:
    response = post(f"{sink.callback_url}/{suffix}", labelled("r1", set_line(1, "V1")))
    assert response.status_code == 400
    assert "account name" in response.json()["error"]
    assert backend.rows() == 0


def test_wrong_credentials_on_an_account_path_store_nothing(sink: SinkServer, backend: Backend) -> None:
    body = {**labelled("r1", set_line(1, "V1")), "password": "guess"}
    assert post(f"{sink.callback_url}/{ACCOUNT}", body).status_code == 401
    assert backend.rows() == 0
    assert ask(sink.url, ACCOUNT, [key(1)]).json()["unseen"] == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {READ_TOKEN}"},
        {"Authorization": READ_TOKEN},
    ],
)
def test_a_ledger_query_without_the_read_token_is_401(sink: SinkServer, headers: dict[str, str]) -> None:
    post(sink.callback_url, labelled("r1", set_line(1, "V1")))
    body = {"accountName": ACCOUNT, "keys": [key(1)]}
    response = requests.post(f"{sink.url}/ledger", json=body, headers=headers, timeout=10)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert set(response.json()) == {"error"}


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("not json", "not valid JSON"),
        (json.dumps([ACCOUNT]), "JSON object"),
        (json.dumps({"keys": [key(1)]}), "accountName"),
        (json.dumps({"accountName": 42, "keys": [key(1)]}), "accountName"),
        (json.dumps({"accountName": "", "keys": [key(1)]}), "accountName"),
        (json.dumps({"accountName": "no spaces", "keys": [key(1)]}), "accountName"),
        (json.dumps({"accountName": ACCOUNT}), "keys must be a JSON array"),
        (json.dumps({"accountName": ACCOUNT, "keys": key(1)}), "keys must be a JSON array"),
        (json.dumps({"accountName": ACCOUNT, "keys": [key(1), 7]}), "keys[1]"),
        (json.dumps({"accountName": ACCOUNT, "keys": ["no-slash"]}), "keys[0]"),
        (json.dumps({"accountName": ACCOUNT, "keys": ["/VIN"]}), "keys[0]"),
        (json.dumps({"accountName": ACCOUNT, "keys": [key(1), key(2), "89/"]}), "keys[2]"),
        (json.dumps({"accountName": ACCOUNT, "keys": [key(1), "e/" + "n" * 300]}), "keys[1]"),
        (json.dumps({"accountName": ACCOUNT, "keys": ["e/nul\u0000"]}), "keys[0]"),
        (json.dumps({"accountName": ACCOUNT, "keys": [key(1)] * 4}), "at most 3"),
    ],
)
def test_a_malformed_query_is_400_naming_the_field_and_the_rule(
    sink: SinkServer, monkeypatch: pytest.MonkeyPatch, raw: str, names: str
) -> None:
    monkeypatch.setattr(ledger_http, "MAX_LEDGER_KEYS", 3)
    headers = {"Authorization": f"Bearer {READ_TOKEN}", "Content-Type": "application/json"}
    response = requests.post(f"{sink.url}/ledger", data=raw, headers=headers, timeout=10)
    assert response.status_code == 400
    assert names in response.json()["error"]


def test_an_oversized_query_is_413(sink: SinkServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ledger_http, "MAX_LEDGER_BODY_BYTES", 1000)
    response = ask(sink.url, ACCOUNT, [key(n) for n in range(100)])
    assert response.status_code == 413


class AwayStore(CallbackStore):
    """A store whose database is unreachable for ledger queries."""

    def __init__(self, inner: CallbackStore) -> None:
        self.inner = inner

    def add(self, request_id: str, callback_count: int, body: dict[str, Any], account: str = "") -> bool:
        return self.inner.add(request_id, callback_count, body, account)

    def ledger(self, account: str, keys: Sequence[str]) -> LedgerView:
        raise OSError("connection refused")

    def get(self, request_id: str) -> list[dict[str, Any]]:
        return self.inner.get(request_id)

    def purge(self, older_than_seconds: float) -> int:
        return self.inner.purge(older_than_seconds)

    def close(self) -> None:
        self.inner.close()


def test_a_query_while_the_store_is_away_is_503(backend: Backend) -> None:
    store = AwayStore(backend.open())
    with SinkServer(make_settings(backend.target), store) as sink:
        response = ask(sink.url, ACCOUNT, [key(1)])
    store.close()
    assert response.status_code == 503
    assert response.json() == {"error": "the ledger could not be read; try again"}


def test_one_hundred_thousand_keys_over_http(sink: SinkServer) -> None:
    for c in range(5):  # 10,000 labels stored; the query asks for 100,000 keys
        lines = [set_line(n, f"v{n}") for n in range(c * 2000, (c + 1) * 2000)]
        assert post(f"{sink.callback_url}/{ACCOUNT}", labelled(f"set-{c}", *lines)).ok
    response = ask(sink.url, ACCOUNT, [key(n) for n in range(100_000)])
    assert response.status_code == 200
    answer = response.json()
    assert answer["set"] == {key(n): f"v{n}" for n in range(10_000)}
    assert (answer["removed"], answer["unseen"]) == ([], 90_000)


def test_ledger_is_a_reserved_path() -> None:
    with pytest.raises(ValueError, match="callback path"):
        SinkSettings(
            callback_username=HOOK_USER,
            callback_password=HOOK_PASSWORD,
            read_token=READ_TOKEN,
            callback_path="/ledger",
        )


def test_no_token_or_password_in_ledger_logs(sink: SinkServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    post(f"{sink.callback_url}/{ACCOUNT}", labelled("r1", set_line(1, "V1")))
    ask(sink.url, ACCOUNT, [key(1)])
    ask(sink.url, ACCOUNT, [key(1)], token="bad-" + READ_TOKEN)
    logged = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert '"message": "ledger query"' in logged and "bad_token" in logged
    assert f'"account": "{ACCOUNT}"' in logged
    assert READ_TOKEN not in logged and HOOK_PASSWORD not in logged
