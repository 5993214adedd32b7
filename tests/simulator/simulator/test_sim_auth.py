"""OAuth tokens, session login/logout, lockout and expiry."""

from __future__ import annotations

import time

import requests

from kits.simulator import ACCOUNT, Api, fast_config
from pulumi_thingspace.simulator import SimulatorServer

LIST = "/api/m2m/v1/devices/actions/list"
SESSION_EXPIRED = {
    "errorCode": "UnifiedWebService.REQUEST_FAILED.SessionToken.Expired",
    "errorMessage": "The Session has expired.",
}


def test_token_is_reused_within_its_lifetime(sim: SimulatorServer) -> None:
    api = Api(sim.url)
    first, second = api.token().json(), api.token().json()
    assert first["token_type"] == "Bearer"
    assert first["expires_in"] == 3600
    assert second["access_token"] == first["access_token"]
    assert second["expires_in"] <= first["expires_in"]


def test_bad_client_is_rejected_with_oauth_error(sim: SimulatorServer) -> None:
    api = Api(sim.url)
    response = api.token(secret="wrong")
    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client", "error_description": "Client authentication failed"}
    no_basic = requests.post(sim.url + "/api/ts/v1/oauth2/token", data={"grant_type": "client_credentials"})
    assert no_basic.status_code == 401


def test_missing_grant_type_is_invalid_request(sim: SimulatorServer) -> None:
    response = requests.post(sim.url + "/api/ts/v1/oauth2/token", auth=("demo-client", "demo-secret"))
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_expired_token_gets_gateway_fault_and_a_new_token_is_issued() -> None:
    with SimulatorServer(config=fast_config(token_lifetime_seconds=0.3)) as sim:
        api = Api(sim.url)
        old = api.token().json()["access_token"]
        time.sleep(0.4)
        response = api.post(
            "/api/m2m/v1/session/login",
            {"username": "demo-user", "password": "demo-password"},
            headers={"Authorization": f"Bearer {old}"},
        )
        assert response.status_code == 401
        assert response.json()["fault"]["code"] == "900901"
        assert api.token().json()["access_token"] != old


def test_missing_bearer_is_a_missing_credentials_fault(sim: SimulatorServer) -> None:
    response = Api(sim.url).post("/api/m2m/v1/session/login", {"username": "demo-user", "password": "x"})
    assert response.status_code == 401
    assert response.json()["fault"]["code"] == "900902"
    assert response.json()["fault"]["message"] == "Missing Credentials"


def test_revoked_token_is_replaced(sim: SimulatorServer) -> None:
    api = Api(sim.url)
    token = api.token().json()["access_token"]
    revoked = requests.post(
        sim.url + "/api/ts/v1/oauth2/revoke",
        auth=("demo-client", "demo-secret"),
        data={"grant_type": "client_credentials", "token": token},
    )
    assert revoked.status_code == 200
    assert api.token().json()["access_token"] != token


def test_login_call_logout(api: Api) -> None:
    assert api.post(LIST, {"accountName": ACCOUNT}).status_code == 200
    session = api.headers["VZ-M2M-Token"]
    response = api.post("/api/m2m/v1/session/logout")
    assert response.json() == {"sessionToken": session}
    after = api.post(LIST, {"accountName": ACCOUNT})
    assert after.status_code == 400
    assert after.json() == SESSION_EXPIRED


def test_missing_session_header_is_session_expired(api: Api) -> None:
    del api.headers["VZ-M2M-Token"]
    response = api.post(LIST, {"accountName": ACCOUNT})
    assert (response.status_code, response.json()) == (400, SESSION_EXPIRED)


def test_fifth_failed_login_locks_the_user(sim: SimulatorServer) -> None:
    api = Api(sim.url)
    for _ in range(5):
        response = api.login(password="wrong")
        assert response.status_code == 401
        assert response.json()["errorCode"] == "UnifiedWebService.AUTHENTICATION_FAILED.InvalidCredentials"
    locked = api.login()
    assert locked.status_code == 401
    assert locked.json()["errorCode"] == "UnifiedWebService.AUTHENTICATION_FAILED.UserLocked"
    users = requests.get(sim.admin_url("users")).json()
    assert users == [{"username": "demo-user", "failedLogins": 6, "locked": True}]
    assert requests.post(sim.admin_url("users/demo-user/unlock")).status_code == 200
    assert api.login().status_code == 200
    assert sim.state.users()[0]["failedLogins"] == 0


def test_successful_login_resets_the_failure_counter(sim: SimulatorServer) -> None:
    api = Api(sim.url)
    for _ in range(4):
        api.login(password="wrong")
    assert api.login().status_code == 200
    for _ in range(4):
        api.login(password="wrong")
    assert api.login().status_code == 200
    assert sim.state.users()[0] == {"username": "demo-user", "failedLogins": 0, "locked": False}


def test_unknown_user_fails_without_locking_anyone(sim: SimulatorServer) -> None:
    response = Api(sim.url).login(username="nobody")
    assert response.status_code == 401
    assert response.json()["errorMessage"] == "Invalid username or password"


def test_session_expires_after_idle_time_but_use_keeps_it_alive() -> None:
    with SimulatorServer(config=fast_config(session_idle_seconds=0.6)) as sim:
        api = Api(sim.url)
        api.login()
        for _ in range(4):
            time.sleep(0.2)
            assert api.post(LIST, {"accountName": ACCOUNT}).status_code == 200
        time.sleep(0.8)
        response = api.post(LIST, {"accountName": ACCOUNT})
        assert (response.status_code, response.json()) == (400, SESSION_EXPIRED)


def test_admin_expires_sessions_and_tokens(sim: SimulatorServer, api: Api) -> None:
    assert requests.post(sim.admin_url("sessions/expire")).json() == {"expired": 1}
    assert api.post(LIST, {"accountName": ACCOUNT}).json() == SESSION_EXPIRED
    assert api.login().status_code == 200
    sim.state.expire_tokens()
    response = api.post(LIST, {"accountName": ACCOUNT})
    assert response.status_code == 401
    assert response.json()["fault"]["code"] == "900901"
