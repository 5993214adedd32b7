"""Promises of the README the provider keeps by itself: replacement order and the license chunk setting."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider

from kits.resources import ACCOUNT, BASE, api_calls, with_provider
from pulumi_thingspace.resources.label_bundle import LabelBundleProvider
from pulumi_thingspace.resources.labels import LabelSetProvider
from pulumi_thingspace.resources.license_bundle import LicenseBundleProvider
from pulumi_thingspace.resources.licenses import LicenseProvider

OTHER = "0000000000-00001"
EID1, EID2 = "89049032000001000000000000000001", "89049032000001000000000000000002"
IMEIS = [f"99000086247185{i}" for i in range(5)]
LABEL_TEXT = f'["{EID1}","VIN","a"]\n["{EID2}","VIN","b"]'

CASES: list[tuple[str, ResourceProvider, dict[str, Any]]] = [
    (
        "UsageSegmentationLabels",
        LabelSetProvider(),
        {"labels": [{"device_id": EID1, "name": "VIN", "value": "a"}]},
    ),
    ("FotaLicenseAssignment", LicenseProvider(), {"device_imeis": IMEIS[:2], "api_version": "v3"}),
    ("UsageSegmentationLabelBundle", LabelBundleProvider(), {"labels": LABEL_TEXT}),
    ("FotaLicenseAssignmentBundle", LicenseBundleProvider(), {"device_imeis": "\n".join(IMEIS[:2])}),
]


def checked(provider: ResourceProvider, account: str, extra: dict[str, Any]) -> dict[str, Any]:
    result = provider.check({}, with_provider({"account_name": account, **extra}))
    assert result.failures == []
    assert result.inputs is not None
    return dict(result.inputs)


@pytest.mark.parametrize(("kind", "provider", "extra"), CASES, ids=[c[0] for c in CASES])
def test_an_account_change_replaces_deleting_first(
    kind: str, provider: ResourceProvider, extra: dict[str, Any]
) -> None:
    """The replacement must remove before it sets, or the old resource's delete takes the new one's
    labels or licenses away; the provider's own diff asks for it (not only the program's options)."""
    old = checked(provider, ACCOUNT, extra)
    new = checked(provider, OTHER, extra)
    result = provider.diff("id", old, new)
    assert result.changes is True
    assert result.replaces == ["account_name"]
    assert result.delete_before_replace is True


@pytest.fixture
def echo_assign(api: responses.RequestsMock) -> responses.RequestsMock:
    """License assigns answered with success for exactly the IMEIs each request names."""

    def assign(request: Any) -> tuple[int, dict[str, str], str]:
        devices = json.loads(request.body)["deviceList"]
        rows = [{"deviceId": d, "status": "LicenseAssignSuccess", "resultReason": "Success"} for d in devices]
        return (
            200,
            {},
            json.dumps({"accountName": ACCOUNT, "licCount": 10, "licUsedCount": 5, "deviceList": rows}),
        )

    api.add_callback(responses.POST, f"{BASE}/api/fota/v3/licenses/{ACCOUNT}/assign", callback=assign)
    return api


def test_license_chunk_size_from_stack_config_reaches_the_client(
    echo_assign: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("THINGSPACE_LICENSE_CHUNK_SIZE", raising=False)
    provider = LicenseProvider()
    raw = {"thingspace:licenseChunkSize": "2", "thingspace:baseUrl": BASE}
    provider.configure(ConfigureRequest(Config(raw, project_name="fleet")))
    props = {"account_name": ACCOUNT, "device_imeis": dict.fromkeys(IMEIS, True), "api_version": "v3"}

    outs = provider.create(with_provider({**props, "adopt": False})).outs
    assert outs is not None

    sent = api_calls(echo_assign, f"/api/fota/v3/licenses/{ACCOUNT}/assign")
    assert sent == [{"deviceList": IMEIS[0:2]}, {"deviceList": IMEIS[2:4]}, {"deviceList": IMEIS[4:5]}]
    assert sorted(outs["owned_imeis"]) == IMEIS
