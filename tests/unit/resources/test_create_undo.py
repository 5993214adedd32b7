"""A create stopped part-way removes what it applied (request by request, as ThingSpace accepted it)."""

from __future__ import annotations

import pytest
import responses

from kits.resources import ACCOUNT, BASE, api_calls, with_provider
from pulumi_thingspace.client import ApiError
from pulumi_thingspace.resources import claims
from pulumi_thingspace.resources.failures import StoppedChangeError
from pulumi_thingspace.resources.labels import LabelSetProvider
from pulumi_thingspace.resources.licenses import LicenseProvider

PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
REJECTED = {"errorCode": "UnifiedWebService.INPUT_INVALID.Labels", "errorMessage": "rejected"}


def eid(n: int) -> str:
    return f"8904903200000100{n:016d}"


def labels(count: int) -> dict[str, str]:
    return {f"{eid(i)}/VIN": f"v{i}" for i in range(count)}


def answer_sets(api: responses.RequestsMock, *statuses: int) -> None:
    """The label POSTs answered in turn: 200 with a requestId, or the status with an error body."""
    for n, status in enumerate(statuses):
        body = {"requestId": f"set-{n}"} if status == 200 else REJECTED
        api.add(responses.POST, f"{BASE}{PATH}", json=body, status=status)


def test_a_create_whose_third_request_is_rejected_removes_the_first_two_chunks_in_two_requests(
    api: responses.RequestsMock,
) -> None:
    answer_sets(api, 200, 200, 400)
    api.delete(f"{BASE}{PATH}", json={"requestId": "undo"})
    wanted = labels(4500)
    with pytest.raises(StoppedChangeError) as info:
        LabelSetProvider().create(with_provider({"account_name": ACCOUNT, "labels": wanted}))
    message = str(info.value)
    assert message.startswith("UsageSegmentationLabels in account 0342330389-00001: labels.set: HTTP 400")
    assert "The create was undone: ThingSpace accepted the removal of the 4,000 labels" in message
    assert "not verified: no callback sink is configured" in message
    removed = [entry for body in api_calls(api, PATH, "DELETE") for entry in body["labels"]]
    assert len(api_calls(api, PATH, "DELETE")) == 2  # ceil(4,000 / 2,000)
    sent_first = sorted(wanted)[:4000]
    assert [f"{e['deviceIds'][0]['id']}/{e['label']['name']}" for e in removed] == sent_first
    assert claims.LABELS.release("anyone", ACCOUNT, wanted) == set()  # the create's claims are gone


def test_a_create_whose_first_request_is_rejected_reports_that_error_alone(
    api: responses.RequestsMock,
) -> None:
    answer_sets(api, 400)
    with pytest.raises(ApiError) as info:
        LabelSetProvider().create(with_provider({"account_name": ACCOUNT, "labels": labels(3)}))
    assert str(info.value) == "labels.set: HTTP 400 UnifiedWebService.INPUT_INVALID.Labels: rejected"
    assert api_calls(api, PATH, "DELETE") == []  # nothing was applied, so nothing is removed


def test_an_update_stopped_after_an_accepted_request_says_to_refresh_next(
    api: responses.RequestsMock,
) -> None:
    answer_sets(api, 200, 200, 400)
    provider = LabelSetProvider()
    old = provider.create(with_provider({"account_name": ACCOUNT, "labels": labels(1)}))
    with pytest.raises(StoppedChangeError) as info:
        provider.update(old.id, old.outs, with_provider({"account_name": ACCOUNT, "labels": labels(4500)}))
    message = str(info.value)
    assert "labels.set: HTTP 400" in message
    assert "ThingSpace had accepted 1 request(s) of this change before it stopped" in message
    assert "the stack may not match the devices: fix the cause and run `pulumi up --refresh` next" in message
    assert api_calls(api, PATH, "DELETE") == []  # an update is not undone


def test_a_license_create_stopped_part_way_removes_only_what_it_assigned(
    api: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THINGSPACE_LICENSE_CHUNK_SIZE", "2")
    path = f"/api/fota/v3/licenses/{ACCOUNT}"
    imeis = ["990000862471854", "990000862471855", "990000862471856"]
    first = [
        {"deviceId": imeis[0], "status": "LicenseAssignSuccess", "resultReason": "Success"},
        {"deviceId": imeis[1], "status": "LicenseAssignFailed", "resultReason": "License already assigned"},
    ]
    api.add(responses.POST, f"{BASE}{path}/assign", json={"accountName": ACCOUNT, "deviceList": first})
    api.add(responses.POST, f"{BASE}{path}/assign", json=REJECTED, status=400)
    removed = [{"deviceId": imeis[0], "status": "LicenseRemoveSuccess", "resultReason": "Success"}]
    api.post(f"{BASE}{path}/remove", json={"accountName": ACCOUNT, "deviceList": removed})
    props = {"account_name": ACCOUNT, "device_imeis": dict.fromkeys(imeis, True), "api_version": "v3"}
    with pytest.raises(StoppedChangeError) as info:
        LicenseProvider().create(with_provider({**props, "adopt": False}))
    assert "licenses.assign: HTTP 400" in str(info.value)
    assert "the 1 license it had assigned was removed again" in str(info.value)
    # The device that held a license before the create keeps it.
    assert api_calls(api, f"{path}/remove") == [{"deviceList": [imeis[0]]}]
