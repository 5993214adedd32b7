"""Refresh reads the sink's label ledger: labels changed outside Pulumi show up, and an up restores them.

Simulator -> sink -> provider (engine path). The change outside Pulumi is a direct API request on the
same account through ``ThingSpaceClient``; its result reaches the sink like any other tool's would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pulumi
import pytest

import pulumi_thingspace as thingspace
from kits.engine import (
    eid,
    labelled_fleet,
    wait_until,
)
from kits.stack import ACCOUNT, HOOK_PASSWORD, HOOK_USER
from pulumi_thingspace.client import Credentials, ThingSpaceClient
from pulumi_thingspace.models.compact import label_text, parse_labels
from pulumi_thingspace.models.labels import WireLabel
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.sink import SinkServer
from pulumi_thingspace.testing import Engine


@pytest.fixture
def outside(sim: SimulatorServer) -> Iterator[ThingSpaceClient]:
    """Another tool on the same account: the plain API client, not Pulumi."""
    client = ThingSpaceClient(
        Credentials("demo-client", "demo-secret", "demo-user", "demo-password"), sim.url
    )
    yield client
    client.close()


def vins(*serials: int) -> dict[str, str]:
    return {eid(n): f"VIN{n:014d}" for n in serials}


def reported(sink: SinkServer, request_ids: list[str]) -> None:
    """Wait until the sink stored a callback for every request id."""
    assert sink.store is not None
    store = sink.store
    wait_until(lambda: all(store.get(rid) for rid in request_ids))


def on_devices(sim: SimulatorServer) -> dict[str, str]:
    return {d: v["VIN"] for d, v in sim.state.labels(ACCOUNT).items() if "VIN" in v}


def with_single_label(sink: SinkServer, labels: dict[str, str]) -> Callable[[], None]:
    """The fleet program of ``kits.engine`` (listener on the bare path) plus one single-label resource."""
    fleet = labelled_fleet(sink, labels)

    def program() -> None:
        fleet()
        thingspace.UsageSegmentationLabel(
            "fleet-tag", account_name=ACCOUNT, device_id=eid(4), name="FLEET", value="north"
        )

    return program


def test_refresh_shows_labels_changed_outside_pulumi_and_up_restores_them(
    engine_with_sink: Engine, sim: SimulatorServer, sink: SinkServer, outside: ThingSpaceClient
) -> None:
    declared = vins(1, 2, 3)
    program = with_single_label(sink, declared)
    engine_with_sink.up(program)
    assert (
        engine_with_sink.outputs("vins")["verified"] is True
        and engine_with_sink.outputs("fleet-tag")["verified"] is True
    )

    ids = outside.set_labels(ACCOUNT, [WireLabel(eid(1), "VIN", "CHANGED-OUTSIDE")])
    ids += outside.remove_labels(
        ACCOUNT, [WireLabel(eid(2), "VIN", declared[eid(2)]), WireLabel(eid(4), "FLEET", "north")]
    )
    reported(sink, ids)
    assert on_devices(sim) == {eid(1): "CHANGED-OUTSIDE", eid(3): declared[eid(3)]}

    engine_with_sink.refresh()
    outs = engine_with_sink.outputs("vins")
    drifted = {f"{eid(1)}/VIN": "CHANGED-OUTSIDE", f"{eid(3)}/VIN": declared[eid(3)]}
    assert outs["labels"] == drifted
    assert outs["results"] == {f"{eid(3)}/VIN": "Success"} and outs["verified"] is False
    tag = engine_with_sink.outputs("fleet-tag")
    assert "value" not in tag and tag["verified"] is False  # removed outside: no value any more

    engine_with_sink.up(program)
    assert on_devices(sim) == declared
    assert sim.state.labels(ACCOUNT)[eid(4)] == {"FLEET": "north"}
    outs = engine_with_sink.outputs("vins")
    assert outs["labels"] == {f"{d}/VIN": v for d, v in declared.items()} and outs["verified"] is True
    assert engine_with_sink.outputs("fleet-tag")["value"] == "north"
    engine_with_sink.refresh()  # the ledger now agrees with the stack
    assert engine_with_sink.outputs("vins")["labels"] == {f"{d}/VIN": v for d, v in declared.items()}


def bundle_program(sink: SinkServer, labels: dict[str, str]) -> Callable[[], None]:
    """A listener registered on the sink's per-account path, and a label bundle that depends on it."""

    def program() -> None:
        listener = thingspace.CallbackListener(
            "carrier",
            account_name=ACCOUNT,
            url=f"{sink.callback_url}/{ACCOUNT}",
            username=HOOK_USER,
            password=HOOK_PASSWORD,
        )
        thingspace.UsageSegmentationLabelBundle(
            "fleet",
            account_name=ACCOUNT,
            labels=label_text((d, "VIN", v) for d, v in labels.items()),
            opts=pulumi.ResourceOptions(depends_on=[listener]),
        )

    return program


def test_bundle_refresh_rebuilds_its_text_from_the_ledger_and_up_restores_it(
    engine_with_sink: Engine, sim: SimulatorServer, sink: SinkServer, outside: ThingSpaceClient
) -> None:
    declared = vins(*range(1, 11))
    program = bundle_program(sink, declared)
    engine_with_sink.up(program)
    recorded = engine_with_sink.outputs("fleet")
    assert recorded["label_count"] == 10 and recorded["verified"] is True

    ids = outside.set_labels(ACCOUNT, [WireLabel(eid(4), "VIN", "CHANGED-OUTSIDE")])
    ids += outside.remove_labels(ACCOUNT, [WireLabel(eid(7), "VIN", declared[eid(7)])])
    reported(sink, ids)

    engine_with_sink.refresh()
    outs = engine_with_sink.outputs("fleet")
    drifted = {**declared, eid(4): "CHANGED-OUTSIDE"}
    del drifted[eid(7)]
    expected = parse_labels("labels", label_text((d, "VIN", v) for d, v in drifted.items()))
    assert outs["labels"] == expected.text
    assert (outs["label_count"], outs["labels_sha256"]) == (9, expected.sha256)

    engine_with_sink.up(program)
    assert on_devices(sim) == declared
    restored = engine_with_sink.outputs("fleet")
    assert restored["labels_sha256"] == recorded["labels_sha256"] and restored["verified"] is True
