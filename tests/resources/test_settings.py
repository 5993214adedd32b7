"""Provider settings: stack config first, environment second, one clear error for missing credentials."""

from __future__ import annotations

import pytest

from pulumi_thingspace.config import ConfigurationError, ProviderSettings

FULL = {
    "thingspace:clientId": "cid",
    "thingspace:clientSecret": "csecret-value",
    "thingspace:username": "user",
    "thingspace:password": "upassword-value",
}


def test_stack_config_wins_over_environment() -> None:
    env = {"THINGSPACE_CLIENT_ID": "from-env", "THINGSPACE_BASE_URL": "http://127.0.0.1:8650/"}
    s = ProviderSettings.resolve(FULL.get, env)
    assert s.client_id == "cid" and s.base_url == "http://127.0.0.1:8650"
    assert s.require_credentials() == ("cid", "csecret-value", "user", "upassword-value")


def test_environment_is_the_fallback() -> None:
    env = {
        "THINGSPACE_CLIENT_ID": "e1",
        "THINGSPACE_CLIENT_SECRET": "e2",
        "THINGSPACE_USERNAME": "e3",
        "THINGSPACE_PASSWORD": "e4",
        "THINGSPACE_CALLBACK_TIMEOUT_SECONDS": "12",
    }
    s = ProviderSettings.resolve(lambda _k: None, env)
    assert s.require_credentials() == ("e1", "e2", "e3", "e4") and s.callback_timeout_seconds == 12.0


def test_missing_credentials_are_named_with_both_ways_to_set_them() -> None:
    s = ProviderSettings.resolve({"thingspace:clientId": "cid"}.get, {})
    with pytest.raises(ConfigurationError) as info:
        s.require_credentials()
    message = str(info.value)
    for key, env in (
        ("clientSecret", "THINGSPACE_CLIENT_SECRET"),
        ("username", "THINGSPACE_USERNAME"),
        ("password", "THINGSPACE_PASSWORD"),
    ):
        assert f"thingspace:{key}" in message and env in message
    assert "--secret thingspace:clientSecret" in message and "clientId" not in message


def test_bad_numbers_are_rejected_by_name() -> None:
    with pytest.raises(ConfigurationError, match=r"thingspace:licenseChunkSize must be a number \(integer\)"):
        ProviderSettings.resolve({"thingspace:licenseChunkSize": "lots"}.get, {})
    with pytest.raises(ConfigurationError, match="callbackTimeoutSeconds must be greater than 0"):
        ProviderSettings.resolve({"thingspace:callbackTimeoutSeconds": "0"}.get, {})


def test_repr_hides_secrets() -> None:
    text = repr(ProviderSettings.resolve({**FULL, "thingspace:callbackResultsToken": "rtoken-value"}.get, {}))
    assert "csecret-value" not in text and "upassword-value" not in text and "rtoken-value" not in text
