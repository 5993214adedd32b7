"""A throttling storm: 30% of API requests answered 429 (Retry-After) or 503 during a 10,000-label apply."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from kits.engine import LABELS_SET, add_fleet, label_set
from kits.stack import ACCOUNT, engine_for, stack_config
from pulumi_thingspace.simulator import SimulatorServer
from pulumi_thingspace.sink import SinkServer

pytestmark = pytest.mark.sim_config(callback_resend_seconds=0.1)  # unacknowledged callbacks resent quickly

LABELS = 10_000


def applied_lines(sim: SimulatorServer) -> Counter[tuple[str, str]]:
    """How often the simulator applied each (``<eid>=<value>``, action) line, from its callback log."""
    applied: Counter[tuple[str, str]] = Counter()
    for delivery in sim.state.deliveries():
        report = delivery["body"].get("deviceResponse", {}).get("usageSegmentationLabelsResponse", {})
        for line in report.get("usageSegmentationLabels", []):
            if line["lineStatus"] == "Success" and not line.get("description"):
                applied[(f"{line['deviceIds'][0]['id']}={line['label']['value']}", line["action"])] += 1
    return applied


@pytest.mark.timeout(60)
def test_storm_of_429_and_503_converges_with_every_label_applied_once(
    sim: SimulatorServer, sink: SinkServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    devices = [d["eid"] for d in add_fleet(sim, LABELS)]
    first = {e: f"STORM{i:012d}" for i, e in enumerate(devices)}
    second = {e: f"CALM{i:013d}" for i, e in enumerate(devices)}
    decided: list[int | None] = []
    decide = sim.state.faults.decide

    def spy(path: str) -> int | None:
        status = decide(path)
        decided.append(status)
        return status

    monkeypatch.setattr(sim.state.faults, "decide", spy)
    sim.state.configure_faults(throttle_rate=0.15, unavailable_rate=0.15, retry_after_seconds=0, seed=3)
    started = time.monotonic()
    with engine_for(tmp_path, stack_config(sim, sink, timeout=30)) as engine:
        engine.up(label_set(first, sink=sink))
        created = engine.outputs("labels")
        engine.up(label_set(second, sink=sink))  # every value changes: 10,000 removes, 10,000 sets
        updated = engine.outputs("labels")
        engine.destroy()
    elapsed = time.monotonic() - started

    statuses = Counter(decided)
    assert statuses[429] >= 3 and statuses[503] >= 3, statuses  # the storm really hit both ways
    assert 0.15 <= (statuses[429] + statuses[503]) / len(decided) <= 0.5, statuses
    # Each change was confirmed by its callbacks, as the provider reports it.
    for outputs in (created, updated):
        assert outputs["verified"] is True and len(outputs["results"]) == LABELS
        assert set(outputs["results"].values()) == {"Success"}
    # Rejected attempts were never applied; every label line was applied exactly once, none lost.
    sim.wait_idle()
    expected = Counter({(f"{e}={v}", "Set"): 1 for e, v in [*first.items(), *second.items()]})
    expected.update({(f"{e}={v}", "Remove"): 1 for e, v in [*first.items(), *second.items()]})
    assert applied_lines(sim) == expected
    assert not any(e in sim.state.labels(ACCOUNT) for e in devices)
    accepted = [d for d in sim.state.deliveries() if "deviceResponse" in d["body"]]
    assert len(accepted) == 4 * LABELS // 2000  # create, update (remove + set), destroy
    assert sim.state.request_counts()[LABELS_SET] > LABELS // 2000 * 2  # some label chunks were retried
    assert elapsed < 45
