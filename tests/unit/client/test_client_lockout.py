"""A rejected login says what to do: a locked user needs Verizon support; a wrong password risks the lock."""

from __future__ import annotations

import pytest
import responses

from kits.client import ACCESS_TOKEN, ACCOUNT, LOGIN_URL, PASSWORD, TOKEN_URL
from pulumi_thingspace.client import AuthenticationError, ThingSpaceClient
from pulumi_thingspace.models import DeviceLabel

LABEL = DeviceLabel(device_id="89049032000001000000000000000042", name="fleet", value="north")
LOCKED = {"errorCode": "UnifiedWebService.AUTHENTICATION_FAILED.UserLocked", "errorMessage": "User is locked"}
BAD_LOGIN = {
    "errorCode": "UnifiedWebService.AUTHENTICATION_FAILED.InvalidCredentials",
    "errorMessage": "Invalid username or password",
}


def reject_login(api: responses.RequestsMock, answer: dict[str, str]) -> None:
    api.add(responses.POST, TOKEN_URL, json={"access_token": ACCESS_TOKEN, "expires_in": 3600})
    api.add(responses.POST, LOGIN_URL, status=401, json=answer)


def test_a_locked_user_is_told_only_verizon_support_can_unlock_it(
    api: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    reject_login(api, LOCKED)

    with pytest.raises(AuthenticationError) as caught:
        client.set_labels(ACCOUNT, [LABEL])

    message = str(caught.value)
    assert "User is locked" in message
    assert "(the user is locked; only Verizon support can unlock it: do not retry)" in message
    assert "consecutive failed logins" not in message  # the wrong-password hint is for unlocked users
    assert caught.value.code == LOCKED["errorCode"]
    with pytest.raises(AuthenticationError, match="only Verizon support can unlock it"):
        client.set_labels(ACCOUNT, [LABEL])  # remembered, not sent again, and still says so
    assert client.calls["session.login"] == 1
    assert PASSWORD not in message


def test_a_wrong_password_warns_of_the_lockout_instead(
    api: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    reject_login(api, BAD_LOGIN)

    with pytest.raises(AuthenticationError) as caught:
        client.set_labels(ACCOUNT, [LABEL])

    message = str(caught.value)
    assert "ThingSpace locks the user after 5 consecutive failed logins" in message
    assert "only Verizon support can unlock it" not in message
