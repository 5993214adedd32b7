"""A create that fails part-way is undone: nothing it applied stays on a device owned by no stack.

The real provider process, simulator and sink. ThingSpace refuses a device (``fail_device``) or rejects
one request of a chunked change (``fail_next(status=400, after=n)``, counted on the labels or licenses
path only); the undo itself is made to fail the same ways.
"""

from __future__ import annotations

import math
import re
import threading
import time
from pathlib import Path

import pytest

import pulumi_thingspace as thingspace
from kits.engine import (
    FORCED,
    LABELS_SET,
    MISSING_EID,
    add_fleet,
    behind_listener,
    label_set,
    licenses,
    named_devices,
)
from kits.stack import ACCOUNT, engine_for, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import ProviderOperationError

pytestmark = pytest.mark.sim_config(callback_resend_seconds=0.1)  # unacknowledged callbacks resent quickly

LABELS_PATH = LABELS_SET.split(" ", 1)[1]
LABELS_REMOVE = f"DELETE {LABELS_PATH}"
LICENSES_PATH = f"/api/fota/v3/licenses/{ACCOUNT}/"


def nothing(*_: object) -> None:
    """A program that declares nothing (the resource dropped from the program)."""


def vin_labels(sim: SimulatorServer, eids: list[str]) -> dict[str, str]:
    """The ``VIN`` labels the simulator holds on ``eids``."""
    held = sim.state.labels(ACCOUNT)
    return {e: held[e]["VIN"] for e in eids if "VIN" in held.get(e, {})}


def stayed_lines(message: str) -> set[str]:
    """The ``<eid>/VIN=<value>`` (or IMEI) items listed under "... that may still be applied/assigned"."""
    _, _, tail = message.partition("s that may still be ")
    return set(re.findall(r"^\s+- (\S+): ", tail, re.MULTILINE))


def test_a_label_create_with_refused_devices_is_undone_and_dropping_it_leaves_no_label(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 600)]
    sim.state.fail_device(eids[7], FORCED)
    wanted = {e: f"V{i}" for i, e in enumerate(eids)}
    with engine_for(tmp_path, stack_config(sim, sink, timeout=20)) as engine:
        with pytest.raises(ProviderOperationError) as info:
            engine.up(label_set({**wanted, MISSING_EID: "NOWHERE"}, sink=sink))
        message = info.value.message
        assert named_devices(message) == {f"{MISSING_EID}/VIN", f"{eids[7]}/VIN"}
        assert "label change failed for 2 of 601 devices" in message
        assert "the create was undone: the 599 labels it had applied were removed again" in message
        assert "nothing stayed applied" in message and "may still be applied" not in message
        sim.wait_idle()
        assert vin_labels(sim, eids) == {}  # none of the create's labels stayed on a device
        assert sim.state.request_counts()[LABELS_REMOVE] == 1  # one chunk: ceil(599 / 2000)
        assert [s.name for s in engine.state.values()] == ["carrier"]  # no label resource recorded

        engine.up(nothing)  # the author drops the resource: nothing to delete, nothing left behind
        sim.wait_idle()
        assert vin_labels(sim, eids) == {}

        # The undone create released its claims: a later set of the same labels is fully removed on
        # destroy (a claim left behind would make that delete keep them).
        sim.state.clear_device_failures()
        engine.up(label_set(wanted, sink=sink))
        sim.wait_idle()
        assert vin_labels(sim, eids) == wanted
        engine.destroy()
        sim.wait_idle()
        assert vin_labels(sim, eids) == {}


def test_a_create_whose_third_of_five_requests_is_rejected_is_undone_in_two_requests(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 8100)]  # five chunks: 4 x 2,000 + 100
    wanted = dict.fromkeys(eids, "FIVE")
    sim.state.configure_faults(path_prefix=LABELS_PATH)
    with engine_for(tmp_path, stack_config(sim, sink, timeout=30)) as engine:
        sim.state.reset_request_counts()
        sim.state.fail_next(1, 400, after=2)
        with pytest.raises(ProviderOperationError) as info:
            engine.up(label_set(wanted, sink=sink))
        message = info.value.message
        assert "labels.set: HTTP 400 UnifiedWebService.INPUT_INVALID.SimulatedRejection" in message
        assert "The create was undone: the 4,000 labels it had applied were removed again" in message
        assert "fix the cause and run `pulumi up` again" in message
        counts = sim.state.request_counts()
        assert counts[LABELS_SET] == 3  # the third was rejected, the fourth and fifth never sent
        assert counts[LABELS_REMOVE] == math.ceil(4000 / 2000)
        sim.wait_idle()
        assert vin_labels(sim, eids) == {}


def test_an_undo_whose_removal_is_rejected_lists_exactly_what_stayed_applied(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 4)]
    sim.state.fail_device(eids[0], FORCED)
    wanted = {e: f"V{i}" for i, e in enumerate(eids)}
    sim.state.configure_faults(path_prefix=LABELS_PATH)
    with engine_for(tmp_path, stack_config(sim, sink, timeout=20)) as engine:
        sim.state.fail_next(1, 400, after=1)  # the set is accepted, the undo's removal rejected
        with pytest.raises(ProviderOperationError) as info:
            engine.up(label_set(wanted, sink=sink))
        message = info.value.message
        assert named_devices(message) >= {f"{eids[0]}/VIN"}
        assert (
            "the create was undone only in part: 3 of the 3 labels it had applied may still be applied"
            in message
        )
        assert "The undo stopped: a removal request was rejected: labels.remove: HTTP 400" in message
        assert "declare exactly these labels in a UsageSegmentationLabels resource" in message
        stayed = {f"{e}/VIN={wanted[e]}" for e in eids[1:]}
        assert stayed_lines(message) == stayed
        for item in stayed:
            assert f"{item}: its removal request was rejected" in message
        sim.wait_idle()
        held = vin_labels(sim, eids)
        assert {f"{e}/VIN={v}" for e, v in held.items()} == stayed  # exactly what the error listed


def test_an_undo_whose_results_report_a_failed_removal_names_that_label(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 3)]
    wanted = {e: f"V{i}" for i, e in enumerate(eids)}
    sim.state.hold_callbacks()

    def refuse_after_the_set() -> None:
        # The sets are applied and their results held back; from now on ThingSpace refuses eids[1],
        # so only the undo's removal of that label meets the refusal.
        deadline = time.monotonic() + 30
        while len(vin_labels(sim, eids)) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        sim.state.fail_device(eids[1], "Removal refused")
        sim.state.release_callbacks()

    with engine_for(tmp_path, stack_config(sim, sink, timeout=20)) as engine:
        arm = threading.Thread(target=refuse_after_the_set)
        arm.start()
        with pytest.raises(ProviderOperationError) as info:
            engine.up(label_set({**wanted, MISSING_EID: "NOWHERE"}, sink=sink))
        arm.join()
        message = info.value.message
        assert named_devices(message) >= {f"{MISSING_EID}/VIN"}
        assert "1 of the 3 labels it had applied may still be applied" in message
        assert stayed_lines(message) == {f"{eids[1]}/VIN=V1"}
        assert f"{eids[1]}/VIN=V1: removal failed: Removal refused" in message
        sim.wait_idle()
        assert vin_labels(sim, eids) == {eids[1]: "V1"}


def test_a_label_bundle_create_with_a_refused_device_is_undone(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 10)]
    sim.state.fail_device(eids[4], FORCED)

    def program() -> None:
        thingspace.UsageSegmentationLabelBundle(
            "fleet",
            account_name=ACCOUNT,
            labels=[{"device_id": e, "name": "VIN", "value": "B"} for e in eids],
            opts=behind_listener(sink),
        )

    with engine_for(tmp_path, stack_config(sim, sink, timeout=20)) as engine:
        with pytest.raises(ProviderOperationError) as info:
            engine.up(program)
        message = info.value.message
        assert named_devices(message) == {f"{eids[4]}/VIN"}
        assert "UsageSegmentationLabelBundle in account" in message
        assert "the create was undone: the 9 labels it had applied were removed again" in message
        sim.wait_idle()
        assert vin_labels(sim, eids) == {}


def test_a_single_label_whose_results_time_out_is_undone(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    (eid,) = [d["eid"] for d in add_fleet(sim, 1)]

    def program() -> None:
        thingspace.UsageSegmentationLabel(
            "one",
            account_name=ACCOUNT,
            device_id=eid,
            name="VIN",
            value="T",
            opts=behind_listener(sink),
        )

    sim.state.hold_callbacks()  # the label is set, but its result does not arrive in time
    with engine_for(tmp_path, stack_config(sim, sink, timeout=1)) as engine:
        with pytest.raises(ProviderOperationError) as info:
            engine.up(program)
        message = info.value.message
        assert "no CarrierService callback arrived within 1s" in message
        assert (
            "The create was undone: ThingSpace accepted the removal of the 1 label it had applied "
            "(not verified: the callback results of the create could not be read)"
        ) in message
        sim.state.release_callbacks()
        sim.wait_idle()
        assert sim.state.request_counts()[LABELS_REMOVE] == 1
        assert vin_labels(sim, [eid]) == {}


def test_a_failed_label_update_says_to_refresh_next(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    eids = [d["eid"] for d in add_fleet(sim, 2)]
    with engine_for(tmp_path, stack_config(sim, sink, timeout=20)) as engine:
        engine.up(label_set({eids[0]: "A"}, sink=sink))
        sim.state.fail_device(eids[1], FORCED)
        with pytest.raises(ProviderOperationError) as info:
            engine.up(label_set({eids[0]: "B", eids[1]: "B"}, sink=sink))
        message = info.value.message
        assert "label change failed for 1 of 3 devices" in message
        assert "the stack may not match the devices: fix these and run `pulumi up --refresh` next" in message
        assert f"{eids[1]}/VIN (set): {FORCED}" in message
        assert "undone" not in message
        sim.wait_idle()
        assert vin_labels(sim, eids) == {eids[0]: "B"}  # an update is not undone


def test_a_license_create_refused_by_the_pool_is_undone(sim: SimulatorServer, tmp_path: Path) -> None:
    imeis = sorted(d["imei"] for d in add_fleet(sim, 4))
    pool = sim.state.licenses(ACCOUNT)
    sim.state.set_license_pool(ACCOUNT, pool["licUsedCount"] + 2)
    with engine_for(tmp_path, stack_config(sim)) as engine:
        with pytest.raises(ProviderOperationError) as info:
            engine.up(licenses(imeis))
        message = info.value.message
        assert named_devices(message) == set(imeis[2:])
        assert "license assignment failed for 2 of 4 devices" in message
        assert "the create was undone: the 2 licenses it had assigned were removed again" in message
        after = sim.state.licenses(ACCOUNT)
        assert not set(imeis) & set(after["devices"]) and after["licUsedCount"] == pool["licUsedCount"]
        engine.up(nothing)
        assert not set(imeis) & set(sim.state.licenses(ACCOUNT)["devices"])


def test_a_license_bundle_create_refused_by_the_pool_is_undone(sim: SimulatorServer, tmp_path: Path) -> None:
    imeis = sorted(d["imei"] for d in add_fleet(sim, 5))
    pool = sim.state.licenses(ACCOUNT)
    sim.state.set_license_pool(ACCOUNT, pool["licUsedCount"] + 3)

    def program() -> None:
        thingspace.FotaLicenseBundle("fota", account_name=ACCOUNT, device_imeis=imeis)

    with engine_for(tmp_path, stack_config(sim)) as engine:
        with pytest.raises(ProviderOperationError) as info:
            engine.up(program)
        message = info.value.message
        assert "FotaLicenseBundle in account" in message and named_devices(message) == set(imeis[3:])
        assert "the create was undone: the 3 licenses it had assigned were removed again" in message
        assert not set(imeis) & set(sim.state.licenses(ACCOUNT)["devices"])


def test_a_license_create_stopped_by_a_rejected_chunk_is_undone(sim: SimulatorServer, tmp_path: Path) -> None:
    imeis = sorted(d["imei"] for d in add_fleet(sim, 6))
    config = {**stack_config(sim), "thingspace:licenseChunkSize": "2"}
    sim.state.configure_faults(path_prefix=LICENSES_PATH)
    with engine_for(tmp_path, config) as engine:
        sim.state.reset_request_counts()
        sim.state.fail_next(1, 400, after=1)  # the second of three chunks is rejected
        with pytest.raises(ProviderOperationError) as info:
            engine.up(licenses(imeis))
        message = info.value.message
        assert "licenses.assign: HTTP 400" in message
        assert "The create was undone: the 2 licenses it had assigned were removed again" in message
        counts = sim.state.request_counts()
        assert counts["POST /api/fota/v3/licenses/{account}/remove"] == 1
        assert not set(imeis) & set(sim.state.licenses(ACCOUNT)["devices"])


def test_a_license_undo_whose_removal_is_rejected_lists_the_licenses_left(
    sim: SimulatorServer, tmp_path: Path
) -> None:
    imeis = sorted(d["imei"] for d in add_fleet(sim, 3))
    sim.state.fail_device(imeis[0], FORCED)
    sim.state.configure_faults(path_prefix=LICENSES_PATH)
    with engine_for(tmp_path, stack_config(sim)) as engine:
        sim.state.fail_next(1, 400, after=1)  # the assignment is answered, the undo's removal rejected
        with pytest.raises(ProviderOperationError) as info:
            engine.up(licenses(imeis))
        message = info.value.message
        assert "2 of the 2 licenses it had assigned may still be assigned" in message
        assert stayed_lines(message) == set(imeis[1:])
        assert "declare exactly these IMEIs in a FotaLicenseAssignment with adopt=True" in message
        assert set(imeis[1:]) <= set(sim.state.licenses(ACCOUNT)["devices"])
