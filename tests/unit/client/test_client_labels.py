"""Usage segmentation labels: exact set/remove requests, 2,000-entry chunks, seed bodies verbatim."""

from __future__ import annotations

import json
import re

import pytest
import responses

from kits.client import ACCOUNT, LABELS_URL, SEEDS, assert_api_headers, body, seed_json, sent
from pulumi_thingspace.client import ThingSpaceClient
from pulumi_thingspace.client import labels as labels_module
from pulumi_thingspace.models import CarrierCallback, DeviceLabel

EID_A = "89049032000001000000000000000042"
EID_B = "89049032000001000000000000000043"


def _eid(n: int) -> str:
    return f"8904{n:028d}"


def test_set_labels_sends_the_documented_request(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, LABELS_URL, json={"requestId": "req-1"})

    ids = client.set_labels(ACCOUNT, [DeviceLabel(device_id=EID_A, name="fleet", value="north")])

    assert ids == ["req-1"]
    (request,) = sent(authed, "usagesegmentationlabels")
    assert (request.method, request.path_url) == (
        "POST",
        "/api/m2m/v1/devices/actions/usagesegmentationlabels",
    )
    assert_api_headers(request)
    assert body(request) == {
        "accountName": ACCOUNT,
        "labels": [
            {"deviceIds": [{"id": EID_A, "kind": "EID"}], "label": {"name": "fleet", "value": "north"}}
        ],
    }


def test_seed_001_set_body_is_produced_byte_for_byte(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    seed = seed_json("001_set_labels_request.json")
    # model_construct: the seed's first EID has 31 digits, which DeviceLabel rightly rejects.
    labels = [
        DeviceLabel.model_construct(device_id=e["deviceIds"][0]["id"], **e["label"]) for e in seed["labels"]
    ]
    authed.add(responses.POST, LABELS_URL, json={"requestId": "595f5c44-c31c-4552-8670-020a1545a84d"})

    client.set_labels(seed["accountName"], labels)

    (request,) = sent(authed, "usagesegmentationlabels")
    raw = request.body if isinstance(request.body, bytes) else request.body.encode()
    assert raw == json.dumps(seed, separators=(",", ":")).encode()


def test_remove_labels_sends_delete_with_the_set_body_shape(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.DELETE, LABELS_URL, json={"requestId": "req-2"})
    items = [
        DeviceLabel(device_id=EID_A, name="VIN", value="XX1"),
        DeviceLabel(device_id=EID_B, name="VIN", value="XX1"),
    ]

    assert client.remove_labels(ACCOUNT, items) == ["req-2"]

    (request,) = sent(authed, "usagesegmentationlabels")
    assert request.method == "DELETE"
    assert_api_headers(request)
    assert body(request) == labels_module.set_labels_body(ACCOUNT, items)
    assert body(request)["labels"][1] == {
        "deviceIds": [{"id": EID_B, "kind": "EID"}],
        "label": {"name": "VIN", "value": "XX1"},
    }
    assert client.calls["labels.remove"] == 1


def test_the_flat_remove_shape_is_one_flag_away(
    authed: responses.RequestsMock, client: ThingSpaceClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(labels_module, "REMOVE_BODY_FLAT", True)
    authed.add(responses.DELETE, LABELS_URL, json={"requestId": "req-3"})
    items = [
        DeviceLabel(device_id=EID_A, name="VIN", value="XX1"),
        DeviceLabel(device_id=EID_B, name="VIN", value="XX1"),
        DeviceLabel(device_id=EID_B, name="fleet", value="north"),
    ]

    client.remove_labels(ACCOUNT, items)

    assert body(sent(authed, "usagesegmentationlabels")[0]) == {
        "accountName": ACCOUNT,
        "labels": [{"name": "VIN", "value": "XX1"}, {"name": "fleet", "value": "north"}],
    }


@pytest.mark.parametrize(("count", "sizes"), [(4001, [2000, 2000, 1]), (2000, [2000]), (2001, [2000, 1])])
def test_labels_are_sent_in_chunks_of_2000(
    authed: responses.RequestsMock, client: ThingSpaceClient, count: int, sizes: list[int]
) -> None:
    for n in range(len(sizes)):
        authed.add(responses.POST, LABELS_URL, json={"requestId": f"req-{n}"})
    items = [DeviceLabel(device_id=_eid(i), name="fleet", value="north") for i in range(count)]

    ids = client.set_labels(ACCOUNT, items)

    requests_sent = sent(authed, "usagesegmentationlabels")
    assert ids == [f"req-{n}" for n in range(len(sizes))]
    assert [len(body(r)["labels"]) for r in requests_sent] == sizes
    sent_ids = [e["deviceIds"][0]["id"] for r in requests_sent for e in body(r)["labels"]]
    assert sent_ids == [item.device_id for item in items]


def test_no_labels_means_no_request(api: responses.RequestsMock, client: ThingSpaceClient) -> None:
    assert client.set_labels(ACCOUNT, []) == []
    assert client.remove_labels(ACCOUNT, []) == []
    assert len(api.calls) == 0


def test_seed_001_set_callback_parses() -> None:
    callback = CarrierCallback.model_validate(seed_json("001_set_labels_callback.json"))

    assert callback.request_id == "595f5c44-c31c-4552-8670-020a1545a84d"
    assert callback.status == "Success" and callback.max_callback_threshold == 4
    assert [(line.device_id, line.action, line.ok, line.description) for line in callback.label_lines] == [
        ("3029423189477699229543109876975", "Set", True, None),
        ("29183120783667588118432098765864", "Set", False, "The device does not exist"),
    ]
    counts = callback.device_response.usage_segmentation_labels_response  # type: ignore[union-attr]
    assert (counts.total_label_count, counts.failed_label_count) == ("2", "1")  # type: ignore[union-attr]
    assert "bar" not in repr(callback)


def test_seed_000_remove_callback_parses() -> None:
    # The seed page lost the example's braces; the reconstruction may only add braces and brackets.
    seed_text = (SEEDS / "000_remove_labels_callback.txt").read_text()
    rebuilt_text = (SEEDS / "000_remove_labels_callback.reconstructed.json").read_text()
    tokens = re.compile(r'"[^"]*"|-?\d+')
    assert tokens.findall(seed_text) == tokens.findall(rebuilt_text)

    callback = CarrierCallback.model_validate(json.loads(rebuilt_text))

    (line,) = callback.label_lines
    assert (line.device_id, line.action, line.line_status, line.description) == (
        "8991101200003204514",
        "Remove",
        "Success",
        "",
    )
    assert line.label is not None and (line.label.name, line.label.value) == ("vin", "meetapk12345678")
    assert callback.status is None and callback.callback_count == 1


def test_non_ascii_label_values_are_sent_as_json_escapes(
    authed: responses.RequestsMock, client: ThingSpaceClient
) -> None:
    authed.add(responses.POST, LABELS_URL, json={"requestId": "req-u"})

    client.set_labels(ACCOUNT, [DeviceLabel(device_id=EID_A, name="région", value="Zürich ✓")])

    (request,) = sent(authed, "usagesegmentationlabels")
    assert request.body.isascii()
    assert body(request)["labels"][0]["label"] == {"name": "région", "value": "Zürich ✓"}
