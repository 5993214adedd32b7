"""Refresh of the label resources against a callback sink's label ledger (answered by ``responses``)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
import responses

from kits.resources import ACCOUNT, BASE, SINK, api_calls, with_provider
from pulumi_thingspace.errors import UserError
from pulumi_thingspace.ledger import LabelLedger, LedgerAnswer
from pulumi_thingspace.models.compact import parse_labels, sha256_text
from pulumi_thingspace.resources.label import SingleLabelProvider
from pulumi_thingspace.resources.label_bundle import FORM, LabelBundleProvider
from pulumi_thingspace.resources.labels import LabelSetProvider
from pulumi_thingspace.results import ResultsAuthError, ResultsError

PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
LEDGER = f"{SINK}/ledger"


def eid(n: int) -> str:
    return f"8904903200000100{n:016d}"


def key(n: int) -> str:
    return f"{eid(n)}/VIN"


def answer(set_: dict[str, str], removed: list[str], unseen: int) -> dict[str, Any]:
    return {"accountName": ACCOUNT, "set": set_, "removed": removed, "unseen": unseen}


def ledger_bodies(rsps: responses.RequestsMock) -> list[dict[str, Any]]:
    return [json.loads(c.request.body) for c in rsps.calls if c.request.url == LEDGER]


def notices(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.startswith("pulumi-thingspace:")]


def label_outs(labels: dict[str, str]) -> dict[str, Any]:
    """Outputs of a verified UsageSegmentationLabels resource."""
    return {
        "account_name": ACCOUNT,
        "labels": labels,
        "request_ids": ["r1"],
        "results": dict.fromkeys(labels, "Success"),
        "verified": True,
    }


def test_without_a_sink_refresh_returns_the_recorded_state_and_asks_no_one(
    api: responses.RequestsMock,
) -> None:
    outs = label_outs({key(1): "A"})
    res = LabelSetProvider().read("id", with_provider(outs))
    assert res.outs == outs and res.inputs == {"account_name": ACCOUNT, "labels": {key(1): "A"}}
    assert len(api.calls) == 0


def test_refresh_takes_changed_values_drops_removed_labels_and_keeps_unseen_ones(
    mocked_sink: responses.RequestsMock, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = {key(1): "A", key(2): "B", key(3): "C", key(4): "D", key(5): "E"}
    mocked_sink.post(LEDGER, json=answer({key(1): "A", key(2): "OUTSIDE"}, [key(3)], 2))
    res = LabelSetProvider().read("set-1", with_provider(label_outs(recorded)))
    labels = {key(1): "A", key(2): "OUTSIDE", key(4): "D", key(5): "E"}
    assert res.outs["labels"] == labels
    assert res.inputs == {"account_name": ACCOUNT, "labels": labels}
    # Results of drifted labels are stale; the set is no longer verified as a whole.
    assert res.outs["results"] == {key(1): "Success", key(4): "Success", key(5): "Success"}
    assert res.outs["verified"] is False
    (asked,) = ledger_bodies(mocked_sink)
    assert asked == {"accountName": ACCOUNT, "keys": list(recorded)}
    (request,) = [c.request for c in mocked_sink.calls if c.request.url == LEDGER]
    assert request.headers["Authorization"] == "Bearer read-token"
    # One line for the labels the ledger never saw, with their count.
    assert notices(capsys) == [
        "pulumi-thingspace: UsageSegmentationLabels set-1: 2 of 5 label(s) were never reported to the "
        "callback sink's ledger, so refresh keeps their recorded values"
    ]


def test_refresh_without_drift_changes_nothing(
    mocked_sink: responses.RequestsMock, capsys: pytest.CaptureFixture[str]
) -> None:
    mocked_sink.post(LEDGER, json=answer({key(1): "A"}, [], 0))
    outs = label_outs({key(1): "A"})
    res = LabelSetProvider().read("id", with_provider(outs))
    assert res.outs == outs
    assert notices(capsys) == []


def test_then_an_update_sets_the_drifted_labels_back(
    mocked_sink: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    mocked_sink.post(LEDGER, json=answer({key(1): "A", key(2): "OUTSIDE"}, [key(3)], 0))
    mocked_sink.post(f"{BASE}{PATH}", json={"requestId": "r-set"})
    mocked_sink.delete(f"{BASE}{PATH}", json={"requestId": "r-remove"})
    program = {key(1): "A", key(2): "B", key(3): "C"}
    p = LabelSetProvider()
    refreshed = p.read("id", with_provider(label_outs(program)))
    monkeypatch.delenv("THINGSPACE_CALLBACK_RESULTS_URL")  # the update does not wait for results here
    mocked_sink.calls.reset()
    LabelSetProvider().update(
        "id", refreshed.outs, with_provider({"account_name": ACCOUNT, "labels": program})
    )
    entries = {
        method: [(e["deviceIds"][0]["id"], e["label"]["value"])
                 for body in api_calls(mocked_sink, PATH, method) for e in body["labels"]]
        for method in ("DELETE", "POST")
    }  # fmt: skip
    assert entries == {"DELETE": [(eid(2), "OUTSIDE")], "POST": [(eid(2), "B"), (eid(3), "C")]}


def test_single_label_takes_the_ledger_value_or_loses_its_value_when_removed(
    mocked_sink: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    props = {"account_name": ACCOUNT, "device_id": eid(1), "name": "VIN", "value": "A"}
    outs = {**props, "request_ids": ["r1"], "results": {key(1): "Success"}, "verified": True}
    p = SingleLabelProvider()
    mocked_sink.post(LEDGER, json=answer({key(1): "OUTSIDE"}, [], 0))
    changed = p.read("id", with_provider(outs))
    assert changed.outs == {**outs, "value": "OUTSIDE", "results": {}, "verified": False}
    assert changed.inputs == {**props, "value": "OUTSIDE"}

    mocked_sink.replace(responses.POST, LEDGER, json=answer({}, [key(1)], 0))
    removed = p.read("id", with_provider(outs))
    assert "value" not in removed.outs and "value" not in removed.inputs
    assert removed.outs["verified"] is False
    # The next up sets the label again (nothing to remove: it is gone).
    monkeypatch.delenv("THINGSPACE_CALLBACK_RESULTS_URL")
    mocked_sink.post(f"{BASE}{PATH}", json={"requestId": "r-set"})
    mocked_sink.calls.reset()
    updated = SingleLabelProvider().update("id", removed.outs, with_provider(props))
    assert [c.request.method for c in mocked_sink.calls if PATH in c.request.url] == ["POST"]
    assert updated.outs["value"] == "A"


def bundle_outs(labels: dict[int, str]) -> dict[str, Any]:
    """Outputs of a UsageSegmentationLabelBundle holding ``labels`` (device number -> value)."""
    text = "\n".join(json.dumps([eid(n), "VIN", v], separators=(",", ":")) for n, v in labels.items())
    checked = LabelBundleProvider().check({}, {"account_name": ACCOUNT, "labels": text}).inputs
    assert checked is not None
    return {**FORM.outputs(checked), "request_ids": ["r1"], "verified": True}


def test_bundle_refresh_rebuilds_the_canonical_text_so_hash_and_count_follow(
    mocked_sink: responses.RequestsMock, capsys: pytest.CaptureFixture[str]
) -> None:
    outs = bundle_outs({1: "A", 2: "B", 3: "C", 4: "D"})
    mocked_sink.post(LEDGER, json=answer({key(1): "A", key(2): "OUTSIDE", key(4): "D"}, [key(3)], 0))
    res = LabelBundleProvider().read("b-1", with_provider(outs))
    expected = parse_labels(
        "labels", f"device_id,name,value\n{eid(1)},VIN,A\n{eid(2)},VIN,OUTSIDE\n{eid(4)},VIN,D"
    )
    assert res.outs["labels"] == expected.text
    assert res.outs["label_count"] == 3 and res.outs["labels_sha256"] == sha256_text(expected.text)
    assert res.outs["verified"] is True  # the ledger's values are reported outcomes too
    assert res.inputs == {
        "account_name": ACCOUNT,
        "labels": expected.text,
        "label_count": 3,
        "labels_sha256": expected.sha256,
    }
    assert notices(capsys) == []


def test_bundle_refresh_without_a_sink_does_not_parse_or_ask(api: responses.RequestsMock) -> None:
    outs = bundle_outs({1: "A"})
    res = LabelBundleProvider().read("b-1", with_provider(outs))
    assert res.outs == outs and len(api.calls) == 0


def test_a_100000_label_bundle_refreshes_with_one_ledger_request(
    mocked_sink: responses.RequestsMock, capsys: pytest.CaptureFixture[str]
) -> None:
    n = 100_000
    outs = bundle_outs({i: f"v{i}" for i in range(n)})

    def ledger(request: Any) -> tuple[int, dict[str, str], str]:
        keys = json.loads(request.body)["keys"]
        found = {k: f"v{int(k[16:32])}" for k in keys[: n - 20]}
        found[key(7)] = "OUTSIDE"
        del found[key(8)]
        return 200, {}, json.dumps(answer(found, [key(8)], 20))

    mocked_sink.add_callback(responses.POST, LEDGER, callback=ledger)
    started = time.perf_counter()
    res = LabelBundleProvider().read("big", with_provider(outs))
    seconds = time.perf_counter() - started
    assert len(ledger_bodies(mocked_sink)) == 1
    assert res.outs["label_count"] == n - 1
    lines = res.outs["labels"].split("\n")
    assert lines[7] == f'["{eid(7)}","VIN","OUTSIDE"]' and f'["{eid(8)}"' not in res.outs["labels"]
    assert parse_labels("labels", res.outs["labels"]).text == res.outs["labels"]  # still canonical
    assert notices(capsys) == [
        "pulumi-thingspace: UsageSegmentationLabelBundle big: 20 of 100000 label(s) were never reported "
        "to the callback sink's ledger, so refresh keeps their recorded values"
    ]
    assert seconds < 10, f"refreshing 100,000 labels took {seconds:.1f}s"


def test_a_refused_token_fails_the_refresh_with_a_user_error_that_hides_the_token(
    mocked_sink: responses.RequestsMock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("THINGSPACE_CALLBACK_RESULTS_TOKEN", "tok-Zq81-secret")
    mocked_sink.post(LEDGER, json={"error": "a valid read token is required"}, status=401)
    with pytest.raises(ResultsAuthError) as info:
        LabelSetProvider().read("id", with_provider(label_outs({key(1): "A"})))
    assert isinstance(info.value, UserError)
    assert "refused the read token" in str(info.value) and "tok-Zq81-secret" not in str(info.value)


def test_a_sink_without_a_ledger_keeps_the_recorded_state_and_says_so(
    mocked_sink: responses.RequestsMock, capsys: pytest.CaptureFixture[str]
) -> None:
    mocked_sink.post(LEDGER, json={"detail": "Not Found"}, status=404)
    outs = label_outs({key(1): "A"})
    assert LabelSetProvider().read("id", with_provider(outs)).outs == outs
    (line,) = notices(capsys)
    assert "has no label ledger" in line and "refresh keeps the recorded labels" in line


def test_the_ledger_client_retries_transient_answers_then_gives_up() -> None:
    slept: list[float] = []
    with responses.RequestsMock() as rsps:
        rsps.post(LEDGER, status=503)
        rsps.post(LEDGER, body=requests.ConnectionError("refused"))
        rsps.post(LEDGER, json=answer({key(1): "A"}, [key(2)], 1))
        got = LabelLedger(SINK, "tok-secret", sleep=slept.append).lookup(ACCOUNT, [key(1), key(2), key(3)])
    assert got == LedgerAnswer({key(1): "A"}, {key(2)}, 1)
    assert len(slept) == 2
    with responses.RequestsMock() as rsps:
        rsps.post(LEDGER, status=502)
        with pytest.raises(ResultsError, match="could not be read after 3 tries: HTTP 502") as info:
            LabelLedger(SINK, "tok-secret", sleep=slept.append).lookup(ACCOUNT, [key(1)])
    assert "tok-secret" not in str(info.value) and "tok-secret" not in repr(LabelLedger(SINK, "tok-secret"))


def test_the_ledger_client_refuses_an_answer_of_the_wrong_shape() -> None:
    with responses.RequestsMock() as rsps:
        rsps.post(LEDGER, json={"set": [], "removed": []})
        with pytest.raises(ResultsError, match="did not answer"):
            LabelLedger(SINK, "tok").lookup(ACCOUNT, [key(1)])
