"""Errors that stop a run before its first write, through the SDK's provider server: one line each,
no traceback, and no request to ThingSpace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import pulumi_thingspace as thingspace
from kits.stack import ACCOUNT, api_counts, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing import CheckFailedError, Engine, ProviderOperationError, ProviderServer

NAME = "PREFLIGHT"  # a label name no other test of this provider process uses


def labels(serials: range | list[int], value: str) -> list[dict[str, str]]:
    return [{"device_id": synthetic_ids(n)["eid"], "name": NAME, "value": value} for n in serials]


def one_set() -> None:
    thingspace.UsageSegmentationLabels("segments", account_name=ACCOUNT, labels=labels([1], "a"))


def assert_one_line(details: str) -> None:
    assert "Traceback" not in details and len(details.strip().splitlines()) == 1, details


@pytest.mark.parametrize(
    ("config", "said"),
    [
        ({"thingspace:baseUrl": "{sim}/api"}, "thingspace:baseUrl must be scheme and host only"),
        ({"thingspace:baseUrl": "127.0.0.1:8650"}, "thingspace:baseUrl must be scheme and host only"),
        (
            {"thingspace:callbackResultsUrl": "ftp://sink.test", "thingspace:callbackResultsToken": "t"},
            "thingspace:callbackResultsUrl must be an http:// or https:// URL with a host",
        ),
        (
            {"thingspace:callbackResultsUrl": "http://127.0.0.1:9"},
            "thingspace:callbackResultsToken must be set too",
        ),
    ],
)
def test_a_broken_setting_fails_the_first_check_of_a_preview(
    tmp_path: Path, module_sim: SimulatorServer, config: dict[str, Any], said: str
) -> None:
    settings = stack_config(module_sim, **{k: v.format(sim=module_sim.url) for k, v in config.items()})
    with ProviderServer(cwd=tmp_path, project="fleet") as server:
        engine = Engine(server, project="fleet", config=settings)
        module_sim.state.reset_request_counts()
        with pytest.raises(ProviderOperationError) as info:
            engine.preview(one_set)
        assert info.value.operation == "Check"
        assert_one_line(info.value.details)
        assert said in info.value.details
        with pytest.raises(ProviderOperationError):
            engine.up(one_set)  # and an up never gets as far as a write
    assert module_sim.state.request_counts() == {}


def test_a_conflicting_duplicate_in_a_large_set_is_one_short_failure(
    engine: Engine, module_sim: SimulatorServer
) -> None:
    entries = labels(range(1000, 6000), "v")
    entries.insert(4000, {**entries[1234], "value": "other"})

    def program() -> None:
        thingspace.UsageSegmentationLabels("big", account_name=ACCOUNT, labels=entries)

    with pytest.raises(CheckFailedError) as info:
        engine.preview(program)
    key = f"{entries[1234]['device_id']}/{NAME}"
    assert info.value.failures == [("", f"labels[4000]: {key} is given both 'v' (labels[1234]) and 'other'")]


def test_two_resources_giving_one_label_two_values_fail_naming_both(
    engine: Engine, module_sim: SimulatorServer
) -> None:
    def program() -> None:
        thingspace.UsageSegmentationLabels("first", account_name=ACCOUNT, labels=labels([2, 3], "x"))
        thingspace.UsageSegmentationLabel(
            "second", account_name=ACCOUNT, device_id=synthetic_ids(3)["eid"], name=NAME, value="y"
        )

    module_sim.state.reset_request_counts()
    for run in (engine.preview, engine.up):
        with pytest.raises(CheckFailedError) as info:
            run(program)
        ((prop, reason),) = info.value.failures
        assert prop == "" and "\n" not in reason
        # Whichever of the two is checked second fails, naming the key, both values and both resources.
        assert reason.startswith(f"label {synthetic_ids(3)['eid']}/{NAME} is set to ")
        assert "'x' by UsageSegmentationLabels \"first\"" in reason
        assert "'y' by UsageSegmentationLabel \"second\"" in reason
    assert api_counts(module_sim) == {}  # the first resource was checked, then nothing was sent by either


def test_the_same_value_in_two_resources_is_no_conflict(engine: Engine, module_sim: SimulatorServer) -> None:
    def program() -> None:
        thingspace.UsageSegmentationLabels("one", account_name=ACCOUNT, labels=labels([4, 5], "same"))
        thingspace.UsageSegmentationLabels("two", account_name=ACCOUNT, labels=labels([5, 6], "same"))

    engine.preview(program)
    assert [s.op for s in engine.up(program)] == ["create", "create"]
    engine.destroy()


def test_an_existing_listener_without_adopt_fails_before_registering(
    engine: Engine, module_sim: SimulatorServer
) -> None:
    module_sim.state.callbacks.register(ACCOUNT, "CarrierService", "https://elsewhere.test/cb", "u", "p")

    def program() -> None:
        thingspace.CallbackListener("carrier", account_name=ACCOUNT, url="https://hooks.test/cb")

    module_sim.state.reset_request_counts()
    with pytest.raises(ProviderOperationError) as info:
        engine.up(program)
    assert_one_line(info.value.details)
    assert info.value.details.endswith("set adopt=True to take it over")
    assert api_counts(module_sim) == {"GET /api/m2m/v1/callbacks/{account}": 1}  # looked, registered nothing
