"""Provider settings: stack config first, environment second, one clear error for missing credentials."""

from __future__ import annotations

import pytest
import responses
from pulumi.dynamic import Config, ConfigureRequest

from kits.resources import ACCOUNT
from pulumi_thingspace.config import ConfigurationError, ProviderSettings
from pulumi_thingspace.resources.labels import LabelSetProvider

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


@pytest.mark.parametrize(
    ("key", "value", "rule"),
    [
        (
            "baseUrl",
            "https://ts.test/api",
            "must be scheme and host only, like https://thingspace.verizon.com, but it has a path",
        ),
        ("baseUrl", "https://ts.test?x=1", "but it has a query or fragment"),
        ("baseUrl", "ts.test:443", "but it has no scheme (http:// or https:// expected)"),
        ("baseUrl", "https://", "but it has no host"),
        (
            "callbackResultsUrl",
            "ftp://sink.test",
            "must be an http:// or https:// URL with a host, but it has the scheme 'ftp'",
        ),
        ("callbackResultsUrl", "sink.test/results", "but it has no scheme"),
        ("callbackResultsUrl", "https:///results", "but it has no host"),
    ],
)
def test_url_settings_are_checked_by_their_rule_in_one_line(key: str, value: str, rule: str) -> None:
    config = {**FULL, f"thingspace:{key}": value, "thingspace:callbackResultsToken": "rtoken-value"}
    with pytest.raises(ConfigurationError) as info:
        ProviderSettings.resolve(config.get, {})
    message = str(info.value)
    assert message.startswith(f"invalid provider settings: thingspace:{key} ") and rule in message
    assert "\n" not in message


def test_a_broken_url_is_described_never_echoed() -> None:
    url = "https://user:pw-Secret-9@ts.test/api?token=tk-Secret-7"
    with pytest.raises(ConfigurationError) as info:
        ProviderSettings.resolve({**FULL, "thingspace:baseUrl": url}.get, {})
    assert "Secret" not in str(info.value) and "user" not in str(info.value)


def test_a_callback_url_needs_its_token_and_every_problem_is_named_at_once() -> None:
    env = {"THINGSPACE_CALLBACK_RESULTS_URL": "https://sink.test", "THINGSPACE_BASE_URL": "https://ts.test/x"}
    with pytest.raises(ConfigurationError) as info:
        ProviderSettings.resolve(FULL.get, env)
    message = str(info.value)
    assert "thingspace:baseUrl (from THINGSPACE_BASE_URL) must be scheme and host only" in message
    assert (
        "thingspace:callbackResultsUrl is set, so thingspace:callbackResultsToken must be set too" in message
    )
    assert "--secret thingspace:callbackResultsToken" in message and "\n" not in message
    good = {**env, "THINGSPACE_BASE_URL": "https://ts.test/", "THINGSPACE_CALLBACK_RESULTS_TOKEN": "t"}
    settings = ProviderSettings.resolve(FULL.get, good)
    assert (settings.base_url, settings.callback_results_url) == ("https://ts.test", "https://sink.test")


def test_configure_fails_on_a_broken_setting() -> None:
    raw = {**FULL, "thingspace:baseUrl": "https://ts.test/api/v1"}
    request = ConfigureRequest(Config(raw, project_name="fleet"))
    with pytest.raises(ConfigurationError, match="thingspace:baseUrl must be scheme and host only"):
        LabelSetProvider().configure(request)


def test_a_broken_setting_in_the_environment_stops_a_change_before_any_request(
    api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THINGSPACE_CALLBACK_RESULTS_URL", "ftp://sink.test")  # read lazily: no configure
    monkeypatch.setenv("THINGSPACE_CALLBACK_RESULTS_TOKEN", "rtoken-value")
    props = {"__provider": "blob", "account_name": ACCOUNT, "labels": {f"{'8' * 32}/VIN": "a"}}
    with pytest.raises(ConfigurationError, match=r"callbackResultsUrl .* scheme 'ftp'"):
        LabelSetProvider().create(props)
    assert len(api.calls) == 0  # not even a token was asked for
