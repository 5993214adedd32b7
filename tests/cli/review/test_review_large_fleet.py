"""thingspace-review on a 10,000-label stack: one change and 5,000 changes, as the real CLI previews them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kits.review import ChangesStack, eid, labels, run_review
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.testing.cli import PulumiCli

FIRST = 1000  # synthetic serials clear of the demo fleet's 1-12
FLEET = range(FIRST, FIRST + 10_000)
LABEL_SETS = "POST /api/m2m/v1/devices/actions/usagesegmentationlabels"


@dataclass
class LargePreviews:
    """Previews of one change and of 5,000 changes to 10,000 labels."""

    one: str
    many: str


@pytest.fixture(scope="module")
def previews(
    pulumi_cli: PulumiCli, services: Services, tmp_path_factory: pytest.TempPathFactory
) -> LargePreviews:
    """Label 10,000 devices, then preview a one-label change and a 5,000-label change."""
    services.sim.state.add_synthetic_devices(services.account, len(FLEET), start=FIRST)
    stack = ChangesStack(pulumi_cli, services, tmp_path_factory.mktemp("large"))
    fleet = labels(FLEET, "v1")
    stack.plan({"listener": {}, "labels": fleet})
    sent = stack.up()
    assert sent[LABEL_SETS] == 5  # 10,000 labels, 2,000 per request
    stack.plan({"listener": {}, "labels": {**fleet, **labels([FIRST], "v2")}})
    one = stack.preview_json()
    stack.plan({"listener": {}, "labels": {**fleet, **labels(range(FIRST, FIRST + 5000), "v2")}})
    return LargePreviews(one, stack.preview_json())


def test_one_change_in_ten_thousand(previews: LargePreviews) -> None:
    proc = run_review(previews.one)
    assert proc.returncode == 0, proc.stderr
    assert "| labels changed | 1 |" in proc.stdout
    assert "labels set |" not in proc.stdout and "labels removed |" not in proc.stdout
    assert f"`{eid(FIRST)}/SEGMENT`" in proc.stdout
    assert "| ThingSpace requests | 2 (label removes: 1, label sets: 1) |" in proc.stdout


def test_five_thousand_changes(previews: LargePreviews) -> None:
    proc = run_review(previews.many)
    assert proc.returncode == 0, proc.stderr
    assert "| labels changed | 5,000 |" in proc.stdout
    first = sorted(f"{eid(n)}/SEGMENT" for n in range(FIRST, FIRST + 5000))[:5]
    assert ", ".join(f"`{k}`" for k in first) + ", and 4,995 more" in proc.stdout
    assert "| ThingSpace requests | 6 (label removes: 3, label sets: 3) |" in proc.stdout
