"""Label outcomes verified end to end: simulator callbacks -> sink -> provider waiting by request id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kits.engine import (
    MISSING_EID,
    Background,
    eid,
    labelled_fleet,
    wait_until,
)
from kits.stack import ACCOUNT, engine_for, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import Engine, ProviderOperationError


def vins(*serials: int) -> dict[str, str]:
    return {eid(n): f"VIN{n:014d}" for n in serials}


def deliveries(sim: SimulatorServer, action: str) -> list[dict[str, Any]]:
    """The simulator's label callbacks whose lines are all ``action`` (``Set`` or ``Remove``)."""
    found = []
    for delivery in sim.state.deliveries():
        response = delivery["body"].get("deviceResponse", {}).get("usageSegmentationLabelsResponse", {})
        lines = response.get("usageSegmentationLabels", [])
        if lines and all(line["action"] == action for line in lines):
            found.append(delivery)
    return found


def test_missing_device_fails_the_up_naming_it_then_converges(
    engine_with_sink: Engine, sim: SimulatorServer, sink: SinkServer
) -> None:
    with pytest.raises(ProviderOperationError) as info:
        engine_with_sink.up(labelled_fleet(sink, {**vins(1, 2), MISSING_EID: "VIN-NOWHERE"}))
    assert f"{MISSING_EID}/VIN (set): The device does not exist" in info.value.message
    assert eid(1) not in info.value.message  # only failed devices are named

    engine_with_sink.up(labelled_fleet(sink, vins(1, 2)))
    outs = engine_with_sink.outputs("vins")
    assert outs["verified"] is True and set(outs["results"].values()) == {"Success"}
    assert {d: v["VIN"] for d, v in sim.state.labels(ACCOUNT).items()} == vins(1, 2)


def test_duplicated_callbacks_are_stored_once_and_merged(
    engine_with_sink: Engine, sim: SimulatorServer, sink: SinkServer
) -> None:
    sim.state.configure_faults(duplicate_callbacks=True)
    engine_with_sink.up(labelled_fleet(sink, vins(3)))
    (request_id,) = engine_with_sink.outputs("vins")["request_ids"]
    sim.wait_idle()
    sends = [a for d in sim.state.deliveries(request_id) for a in d["attempts"]]
    assert len(sends) >= 2
    assert sink.store is not None and len(sink.store.get(request_id)) == 1
    assert engine_with_sink.outputs("vins")["verified"] is True


def test_callback_delayed_past_the_first_poll(
    engine_with_sink: Engine, sim: SimulatorServer, sink: SinkServer
) -> None:
    sim.state.configure_faults(callback_delay_seconds=1.5)
    engine_with_sink.up(labelled_fleet(sink, vins(4)))
    assert engine_with_sink.outputs("vins")["results"] == {f"{eid(4)}/VIN": "Success"}


def test_callbacks_out_of_order_across_request_ids(
    engine_with_sink: Engine, sim: SimulatorServer, sink: SinkServer
) -> None:
    sim.state.add_synthetic_devices(ACCOUNT, 2100)
    serials = [d for d in range(1, 2200) if sim.state.device(eid(d)) is not None][:2050]
    program = labelled_fleet(sink, vins(*serials))
    engine_with_sink.up(lambda: None)  # nothing yet; the listener comes with the labels
    sim.state.hold_callbacks()
    run = Background(engine_with_sink, program)
    wait_until(lambda: len(sim.state.deliveries()) >= 2)  # two chunks: 2,000 + 50 labels
    assert sim.state.release_callbacks(reverse=True) >= 2
    run.join()
    outs = engine_with_sink.outputs("vins")
    assert len(outs["request_ids"]) == 2 and outs["verified"] is True


def test_sink_restart_during_the_wait_loses_nothing(
    engine_with_sink: Engine, sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    sim.state.hold_callbacks()
    run = Background(engine_with_sink, labelled_fleet(sink, vins(5, 6)))
    wait_until(lambda: len(sim.state.deliveries()) >= 1)
    port = sink.port
    sink.stop()
    sim.state.release_callbacks()  # the first send fails; the simulator resends
    with SinkServer(sink.settings, port=port):
        run.join()
    assert engine_with_sink.outputs("vins")["verified"] is True


def test_wrong_callback_credentials_are_rejected_and_the_wait_times_out(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    with (
        engine_for(tmp_path, stack_config(sim, sink, timeout=2)) as engine,
        pytest.raises(ProviderOperationError) as info,
    ):
        engine.up(labelled_fleet(sink, vins(7), password="not-the-sink-password"))
    message = info.value.message
    sim.wait_idle()
    (delivery,) = deliveries(sim, "Set")
    assert delivery["requestId"] in message and "2" in message  # names the pending request and the timeout
    assert {a["httpStatus"] for a in delivery["attempts"]} == {401}
    assert sink.store is not None and sink.store.get(delivery["requestId"]) == []
    # The failed create removed its label again; the sink cannot confirm it, and the error says so.
    assert len(deliveries(sim, "Remove")) == 1 and sim.state.labels(ACCOUNT) == {}
    assert "not verified: the callback results of the create could not be read" in message


def test_held_callbacks_time_out_naming_every_pending_request(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path
) -> None:
    sim.state.hold_callbacks()
    with (
        engine_for(tmp_path, stack_config(sim, sink, timeout=1.5)) as engine,
        pytest.raises(ProviderOperationError) as info,
    ):
        engine.up(labelled_fleet(sink, vins(8, 9)))
    (request_id,) = {d["requestId"] for d in deliveries(sim, "Set")}
    assert request_id in info.value.message
