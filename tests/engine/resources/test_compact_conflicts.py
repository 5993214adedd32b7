"""A bundle and another label resource of the program giving one label two values: the provider server
names both resources in check, before anything is sent."""

from __future__ import annotations

from pathlib import Path

import pytest

import pulumi_thingspace as thingspace
from kits.compact import text_of
from kits.stack import ACCOUNT, api_counts, engine_for, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.simulator.synthetic import synthetic_ids
from pulumi_thingspace.testing import CheckFailedError

pytestmark = pytest.mark.sim_config(callback_resend_seconds=0.1)  # unacknowledged callbacks resent quickly


def eids(*serials: int) -> list[str]:
    return [synthetic_ids(n)["eid"] for n in serials]


def test_a_bundle_and_a_label_set_giving_a_label_two_values_fail_in_check(
    sim: SimulatorServer, tmp_path: Path
) -> None:
    in_bundle = {eid: "bundled" for eid in eids(*range(1, 41))}  # large enough to be compared map to map
    shared = eids(7)[0]

    def program() -> None:
        thingspace.UsageSegmentationLabelBundle("bulk", account_name=ACCOUNT, labels=text_of(in_bundle))
        thingspace.UsageSegmentationLabels(
            "tweak", account_name=ACCOUNT, labels=[{"device_id": shared, "name": "VIN", "value": "mine"}]
        )

    with engine_for(tmp_path, stack_config(sim)) as engine:
        sim.state.reset_request_counts()
        with pytest.raises(CheckFailedError) as info:
            engine.preview(program)
        ((prop, reason),) = info.value.failures
        assert prop == "" and f"label {shared}/VIN is set to " in reason
        assert "'bundled' by UsageSegmentationLabelBundle \"bulk\"" in reason
        assert "'mine' by UsageSegmentationLabels \"tweak\"" in reason
        with pytest.raises(CheckFailedError):
            engine.up(program)
        assert api_counts(sim) == {}
