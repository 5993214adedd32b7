"""One client shared by four threads: one token, one login, one re-login per expiry."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import responses

from kits.client import (
    ACCESS_TOKEN,
    ACCOUNT,
    EXPIRED,
    LABELS_URL,
    LOGIN_URL,
    SESSION_TOKEN,
    SESSION_TOKEN_2,
    TOKEN_URL,
)
from pulumi_thingspace.client import ThingSpaceClient
from pulumi_thingspace.models import DeviceLabel

LABEL = DeviceLabel(device_id="89049032000001000000000000000042", name="fleet", value="north")
OK = {"requestId": "595f5c44-c31c-4552-8670-020a1545a84d"}


def _slow_login(session: str) -> Callable[[Any], tuple[int, dict[str, str], str]]:
    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        time.sleep(0.05)  # widen the window in which other threads would log in too without the lock
        return 200, {}, json.dumps({"sessionToken": session})

    return answer


def _run_in_threads(target: Callable[[], object], count: int = 4) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            target()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert not errors


def test_four_threads_share_one_token_and_one_login(
    api: responses.RequestsMock, make_client: Callable[..., ThingSpaceClient]
) -> None:
    client = make_client(clock=time.monotonic)
    api.add(responses.POST, TOKEN_URL, json={"access_token": ACCESS_TOKEN, "expires_in": 3600})
    api.add_callback(responses.POST, LOGIN_URL, callback=_slow_login(SESSION_TOKEN))
    api.add(responses.POST, LABELS_URL, json=OK)

    _run_in_threads(lambda: client.set_labels(ACCOUNT, [LABEL]))

    assert (client.calls["oauth.token"], client.calls["session.login"], client.calls["labels.set"]) == (
        1,
        1,
        4,
    )


def test_four_threads_seeing_the_same_expiry_log_in_again_once(
    api: responses.RequestsMock, make_client: Callable[..., ThingSpaceClient]
) -> None:
    client = make_client(clock=time.monotonic)
    api.add(responses.POST, TOKEN_URL, json={"access_token": ACCESS_TOKEN, "expires_in": 3600})
    api.add(responses.POST, LOGIN_URL, json={"sessionToken": SESSION_TOKEN})
    api.add_callback(responses.POST, LOGIN_URL, callback=_slow_login(SESSION_TOKEN_2))

    def labels(request: Any) -> tuple[int, dict[str, str], str]:
        if request.headers["VZ-M2M-Token"] == SESSION_TOKEN:
            return 400, {}, json.dumps(EXPIRED)
        return 200, {}, '{"requestId": "r"}'

    api.add_callback(responses.POST, LABELS_URL, callback=labels)
    client.session_token()

    _run_in_threads(lambda: client.set_labels(ACCOUNT, [LABEL]))

    assert client.calls["session.login"] == 2
