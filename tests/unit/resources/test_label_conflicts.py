"""Two resources giving one (device, label name) two values fail before the second one writes anything."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import responses
from pulumi.runtime import rpc

from kits.resources import ACCOUNT, BASE, api_calls, with_provider
from pulumi_thingspace.resources import conflicts
from pulumi_thingspace.resources.conflicts import Declarations, LabelConflictError
from pulumi_thingspace.resources.label import SingleLabelProvider
from pulumi_thingspace.resources.labels import LabelSetProvider

PATH = "/api/m2m/v1/devices/actions/usagesegmentationlabels"
URN = "urn:pulumi:dev::fleet::pulumi-python:dynamic/thingspace:{}::{}"


def eid(n: int) -> str:
    return f"8904903200000100{n:016d}"


def key(n: int) -> str:
    return f"{eid(n)}/VIN"


@pytest.fixture
def urn(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str | None]]:
    """The URN the provider server would report for the current request (set ``urn[0]``)."""
    current: list[str | None] = [None]
    monkeypatch.setattr(conflicts, "current_urn", lambda: current[0])
    yield current
    conflicts.LABELS.clear()


def test_small_and_large_sets_conflict_both_ways() -> None:
    found = Declarations()
    large = {key(n): "a" for n in range(100)}
    assert found.declare("big", ACCOUNT, large) is None
    assert found.declare("one", ACCOUNT, {key(5): "a"}) is None  # the same value: no conflict
    assert found.declare("two", ACCOUNT, {key(7): "b"}) == (key(7), "b", "big", "a")  # small vs large
    other = {key(n): "a" for n in range(200, 300)}
    assert found.declare("other", ACCOUNT, {**other, key(50): "c"}) == (key(50), "c", "big", "a")
    assert found.conflict("more", ACCOUNT, {**other, key(7): "b"}) == (key(7), "b", "big", "a")
    assert found.conflict("more", ACCOUNT, {**other, key(5): "a", key(7): "a"}) == (key(7), "a", "two", "b")


def test_a_declaration_replaces_the_owners_last_one_and_accounts_are_apart() -> None:
    found = Declarations()
    found.declare("a", ACCOUNT, {key(1): "x"})
    assert found.declare("a", ACCOUNT, {key(1): "y"}) is None  # its own earlier value is no conflict
    assert found.declare("b", ACCOUNT, {key(1): "x"}) == (key(1), "x", "a", "y")
    found.declare("a", ACCOUNT, {key(2): "y"})  # a no longer declares key(1)
    assert found.conflict("c", ACCOUNT, {key(1): "z"}) == (key(1), "z", "b", "x")
    assert found.conflict("c", "0000000000-00002", {key(1): "z"}) is None


def test_an_unknown_value_conflicts_with_nothing() -> None:
    found = Declarations()
    found.declare("a", ACCOUNT, {key(1): rpc.UNKNOWN})
    assert found.declare("b", ACCOUNT, {key(1): "x"}) is None


def test_thousands_of_one_label_resources_stay_cheap() -> None:
    found = Declarations()
    start = time.perf_counter()
    for n in range(10_000):
        assert found.declare(f"r{n}", ACCOUNT, {key(n): "v"}) is None
    assert found.declare("all", ACCOUNT, {key(n): "v" for n in range(100_000)}) is None
    assert found.conflict("late", ACCOUNT, {key(99_999): "w"}) == (key(99_999), "w", "all", "v")
    assert time.perf_counter() - start < 3  # pairwise comparison would take minutes


def test_check_fails_the_second_resource_naming_both(urn: list[str | None]) -> None:
    urn[0] = URN.format("UsageSegmentationLabels", "first")
    first = LabelSetProvider().check({}, with_provider({"account_name": ACCOUNT, "labels": {key(1): "a"}}))
    assert first.failures == []
    urn[0] = URN.format("UsageSegmentationLabel", "second")
    news = {"account_name": ACCOUNT, "device_id": eid(1), "name": "VIN", "value": "b"}
    (failure,) = SingleLabelProvider().check({}, with_provider(news)).failures
    assert (failure.property, failure.reason) == (
        "",
        f"label {key(1)} is set to 'b' by UsageSegmentationLabel \"second\" and to 'a' by "
        'UsageSegmentationLabels "first": ThingSpace keeps one value per device and label name, so '
        "declare it in one resource only",
    )


def test_without_a_urn_check_declares_nothing(urn: list[str | None]) -> None:
    provider = LabelSetProvider()
    for value in ("a", "b"):
        assert (
            provider.check({}, with_provider({"account_name": ACCOUNT, "labels": {key(1): value}})).failures
            == []
        )


def test_a_create_after_a_conflicting_check_sends_nothing(
    api: responses.RequestsMock, urn: list[str | None]
) -> None:
    api.post(f"{BASE}{PATH}", json={"requestId": "req-set"})
    urn[0] = URN.format("UsageSegmentationLabels", "first")
    checked = LabelSetProvider().check({}, with_provider({"account_name": ACCOUNT, "labels": {key(1): "a"}}))
    urn[0] = URN.format("UsageSegmentationLabels", "second")
    LabelSetProvider().check({}, with_provider({"account_name": ACCOUNT, "labels": {key(1): "b"}}))
    urn[0] = URN.format("UsageSegmentationLabels", "first")  # its create runs after the other's check
    with pytest.raises(LabelConflictError, match='by UsageSegmentationLabels "second"'):
        LabelSetProvider().create(with_provider(dict(checked.inputs or {})))
    assert api_calls(api, PATH) == []


def test_outside_the_server_a_create_compares_what_other_resources_set(api: responses.RequestsMock) -> None:
    api.post(f"{BASE}{PATH}", json={"requestId": "req-set"})
    api.delete(f"{BASE}{PATH}", json={"requestId": "req-remove"})
    first = LabelSetProvider().create(
        with_provider({"account_name": ACCOUNT, "labels": {key(1): "a", key(2): "a"}})
    )
    with pytest.raises(LabelConflictError) as info:
        LabelSetProvider().create(with_provider({"account_name": ACCOUNT, "labels": {key(2): "b"}}))
    message = str(info.value)
    assert f"label {key(2)} is set to 'b' by resource " in message
    assert f"and to 'a' by resource {first.id}:" in message
    assert len(api_calls(api, PATH, "POST")) == 1  # the second create sent nothing

    LabelSetProvider().delete(first.id, dict(first.outs))  # released: the label may take another value
    LabelSetProvider().create(with_provider({"account_name": ACCOUNT, "labels": {key(2): "b"}}))
