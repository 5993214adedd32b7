"""Label resources: create, update (delta only), read, delete, and callback verification."""

from __future__ import annotations

from typing import Any

import pytest
import responses

from kits.resources import ACCOUNT, BASE, SINK, api_calls, with_provider
from pulumi_thingspace.resources.failures import DeviceFailuresError
from pulumi_thingspace.resources.label import SingleLabelProvider
from pulumi_thingspace.resources.labels import LabelSetProvider

PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"


def eid(n: int) -> str:
    return f"8904903200000100{n:016d}"


def checked(label_map: dict[str, str]) -> dict[str, Any]:
    return with_provider({"account_name": ACCOUNT, "labels": label_map})


def entry(device: str, name: str, value: str) -> dict[str, Any]:
    return {"deviceIds": [{"id": device, "kind": "EID"}], "label": {"name": name, "value": value}}


@pytest.fixture
def labels_api(api: responses.RequestsMock) -> responses.RequestsMock:
    api.post(f"{BASE}{PATH}", json={"requestId": "req-set"})
    api.delete(f"{BASE}{PATH}", json={"requestId": "req-remove"})
    return api


def test_create_sets_every_label_in_one_request(labels_api: responses.RequestsMock) -> None:
    res = LabelSetProvider().create(checked({f"{eid(1)}/VIN": "A", f"{eid(2)}/VIN": "B"}))
    assert api_calls(labels_api, PATH, "POST") == [
        {"accountName": ACCOUNT, "labels": [entry(eid(1), "VIN", "A"), entry(eid(2), "VIN", "B")]}
    ]
    assert res.id and res.outs["request_ids"] == ["req-set"]
    assert res.outs["labels"] == {f"{eid(1)}/VIN": "A", f"{eid(2)}/VIN": "B"}
    assert res.outs["results"] == {}  # outcomes are unknown without a callback sink
    assert res.outs["verified"] is False


def test_create_chunks_at_2000(labels_api: responses.RequestsMock) -> None:
    LabelSetProvider().create(checked({f"{eid(i)}/VIN": f"v{i}" for i in range(4500)}))
    sizes = [len(body["labels"]) for body in api_calls(labels_api, PATH, "POST")]
    assert sizes == [2000, 2000, 500]


def test_update_sends_only_the_difference(labels_api: responses.RequestsMock) -> None:
    p = LabelSetProvider()
    created = p.create(checked({f"{eid(1)}/VIN": "A", f"{eid(2)}/VIN": "B", f"{eid(3)}/VIN": "C"}))
    old = created.outs
    labels_api.calls.reset()
    new = checked({f"{eid(1)}/VIN": "A", f"{eid(2)}/VIN": "B2", f"{eid(4)}/VIN": "D"})
    outs = p.update(created.id, old, new).outs
    # The changed value's old pair and the dropped label are removed; the new pair and the added label set.
    assert api_calls(labels_api, PATH, "DELETE") == [
        {"accountName": ACCOUNT, "labels": [entry(eid(2), "VIN", "B"), entry(eid(3), "VIN", "C")]}
    ]
    assert api_calls(labels_api, PATH, "POST") == [
        {"accountName": ACCOUNT, "labels": [entry(eid(2), "VIN", "B2"), entry(eid(4), "VIN", "D")]}
    ]
    assert outs["labels"] == new["labels"] and outs["results"] == {}
    assert outs["request_ids"] == ["req-remove", "req-set"]


def test_update_without_change_sends_nothing(labels_api: responses.RequestsMock) -> None:
    p = LabelSetProvider()
    created = p.create(checked({f"{eid(1)}/VIN": "A"}))
    old = created.outs
    labels_api.calls.reset()
    outs = p.update(created.id, old, checked({f"{eid(1)}/VIN": "A"})).outs
    assert len(labels_api.calls) == 0
    assert outs["request_ids"] == old["request_ids"]


def test_delete_removes_everything_it_set(labels_api: responses.RequestsMock) -> None:
    p = LabelSetProvider()
    created = p.create(checked({f"{eid(1)}/VIN": "A", f"{eid(1)}/FLEET": "north"}))
    outs = created.outs
    p.delete(created.id, with_provider(outs))
    (body,) = api_calls(labels_api, PATH, "DELETE")
    assert body["labels"] == [entry(eid(1), "FLEET", "north"), entry(eid(1), "VIN", "A")]


def test_read_returns_recorded_state(labels_api: responses.RequestsMock) -> None:
    p = LabelSetProvider()
    created = p.create(checked({f"{eid(1)}/VIN": "A"}))
    outs = created.outs
    labels_api.calls.reset()
    res = p.read("id", with_provider(outs))
    assert res.id == "id" and res.outs == outs
    assert res.inputs == {"account_name": ACCOUNT, "labels": {f"{eid(1)}/VIN": "A"}}
    assert len(labels_api.calls) == 0  # labels cannot be read back from ThingSpace


def test_single_label_value_change_removes_old_pair_then_sets(labels_api: responses.RequestsMock) -> None:
    p = SingleLabelProvider()
    props = {"account_name": ACCOUNT, "device_id": eid(1), "name": "SEGMENT", "value": "radio"}
    created = p.create(with_provider(props))
    old = created.outs
    labels_api.calls.reset()
    outs = p.update(created.id, old, with_provider({**props, "value": "tv"})).outs
    assert [c.request.method for c in labels_api.calls] == ["DELETE", "POST"]
    assert api_calls(labels_api, PATH, "POST")[0]["labels"] == [entry(eid(1), "SEGMENT", "tv")]
    assert outs["value"] == "tv" and outs["device_id"] == eid(1)


def callback(request_id: str, lines: list[tuple[str, str, str, str, str]]) -> dict[str, Any]:
    return {
        "requestId": request_id,
        "callbacks": [
            {
                "requestId": request_id,
                "deviceResponse": {
                    "usageSegmentationLabelsResponse": {
                        "usageSegmentationLabels": [
                            {
                                **entry(d, n, v),
                                "action": a,
                                "lineStatus": s,
                                "description": "The device does not exist" if s == "Failed" else "",
                            }
                            for d, n, v, a, s in lines
                        ],
                        "totalLabelCount": str(len(lines)),
                    }
                },
                "status": "Success",
                "callbackCount": 1,
                "maxCallbackThreshold": 4,
            }
        ],
    }


def test_verified_create_records_per_device_outcome(mocked_sink: responses.RequestsMock) -> None:
    mocked_sink.post(f"{BASE}{PATH}", json={"requestId": "r1"})
    mocked_sink.get(f"{SINK}/requests/r1", json=callback("r1", [(eid(1), "VIN", "A", "Set", "Success")]))
    created = LabelSetProvider().create(checked({f"{eid(1)}/VIN": "A"}))
    outs = created.outs
    assert outs["results"] == {f"{eid(1)}/VIN": "Success"} and outs["verified"] is True
    (read,) = [c.request for c in mocked_sink.calls if c.request.url.startswith(SINK)]
    assert read.headers["Authorization"] == "Bearer read-token"


def test_failed_device_is_named_after_everything_was_sent(mocked_sink: responses.RequestsMock) -> None:
    mocked_sink.post(f"{BASE}{PATH}", json={"requestId": "r1"})
    mocked_sink.get(
        f"{SINK}/requests/r1",
        json=callback("r1", [(eid(1), "VIN", "A", "Set", "Success"), (eid(2), "VIN", "B", "Set", "Failed")]),
    )
    mocked_sink.delete(f"{BASE}{PATH}", json={"requestId": "r2"})  # the failed create is undone
    mocked_sink.get(f"{SINK}/requests/r2", json=callback("r2", [(eid(1), "VIN", "A", "Remove", "Success")]))
    with pytest.raises(DeviceFailuresError) as info:
        LabelSetProvider().create(checked({f"{eid(1)}/VIN": "A", f"{eid(2)}/VIN": "B"}))
    message = str(info.value)
    assert f"{eid(2)}/VIN (set): The device does not exist" in message
    assert eid(1) not in message and "1 of 2" in message
    assert "the create was undone: the 1 label it had applied was removed again" in message
    (undo,) = api_calls(mocked_sink, PATH, "DELETE")
    assert undo == {"accountName": ACCOUNT, "labels": [entry(eid(1), "VIN", "A")]}


def test_removal_results_are_checked_too(mocked_sink: responses.RequestsMock) -> None:
    mocked_sink.delete(f"{BASE}{PATH}", json={"requestId": "r9"})
    mocked_sink.get(f"{SINK}/requests/r9", json=callback("r9", [(eid(3), "VIN", "C", "Remove", "Failed")]))
    with pytest.raises(DeviceFailuresError, match=rf"{eid(3)}/VIN \(remove\)"):
        LabelSetProvider().delete("id", checked({f"{eid(3)}/VIN": "C"}))


def test_a_changed_value_loses_its_old_confirmation(
    mocked_sink: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    mocked_sink.post(f"{BASE}{PATH}", json={"requestId": "r1"})
    mocked_sink.delete(f"{BASE}{PATH}", json={"requestId": "r2"})
    lines = [(eid(1), "VIN", "A", "Set", "Success"), (eid(2), "VIN", "B", "Set", "Success")]
    mocked_sink.get(f"{SINK}/requests/r1", json=callback("r1", lines))
    created = LabelSetProvider().create(checked({f"{eid(1)}/VIN": "A", f"{eid(2)}/VIN": "B"}))
    old = created.outs
    assert old["verified"] is True
    monkeypatch.delenv("THINGSPACE_CALLBACK_RESULTS_URL")  # the update runs without a sink
    outs = (
        LabelSetProvider()
        .update(created.id, old, checked({f"{eid(1)}/VIN": "A2", f"{eid(2)}/VIN": "B"}))
        .outs
    )
    assert outs["results"] == {f"{eid(2)}/VIN": "Success"}  # only the label not sent again keeps it
    assert outs["verified"] is False


def test_a_delete_keeps_labels_that_another_resource_of_this_run_set(
    labels_api: responses.RequestsMock,
) -> None:
    # A replacement created before the old resource is deleted (or a rename without an alias).
    p = LabelSetProvider()
    labels = checked({f"{eid(1)}/VIN": "A", f"{eid(2)}/VIN": "B"})
    old = p.create(labels)
    new = p.create(labels)
    labels_api.calls.reset()
    p.delete(old.id, with_provider(old.outs))
    assert api_calls(labels_api, PATH, "DELETE") == []  # the new resource holds both labels
    p.delete(new.id, with_provider(new.outs))
    (body,) = api_calls(labels_api, PATH, "DELETE")
    assert body["labels"] == [entry(eid(1), "VIN", "A"), entry(eid(2), "VIN", "B")]
