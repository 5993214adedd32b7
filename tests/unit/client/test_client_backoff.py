"""Backoff grows exponentially between attempts (full jitter draws below a rising ceiling)."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
import responses

from kits.client import ACCOUNT, LABELS_URL, FakeTime
from pulumi_thingspace.client import RetryExhaustedError, RetryPolicy, ThingSpaceClient
from pulumi_thingspace.models import DeviceLabel

LABEL = DeviceLabel(device_id="89049032000001000000000000000042", name="fleet", value="north")


def fail_every_time(api: responses.RequestsMock) -> None:
    api.add(responses.POST, LABELS_URL, status=503)


@pytest.mark.parametrize("fraction", [1.0, 0.5], ids=["jitter-at-ceiling", "jitter-at-half"])
def test_waits_grow_with_the_attempt_up_to_the_cap(
    authed: responses.RequestsMock,
    make_client: Callable[..., ThingSpaceClient],
    fake_time: FakeTime,
    monkeypatch: pytest.MonkeyPatch,
    fraction: float,
) -> None:
    """With the jitter pinned to a fraction of its window, each wait is that fraction of
    ``min(cap, base * 2**n)``: a lower bound that doubles with every attempt until the cap."""
    monkeypatch.setattr(random, "uniform", lambda low, high: low + (high - low) * fraction)
    fail_every_time(authed)
    policy = RetryPolicy(max_attempts=7, max_elapsed=600.0, backoff_base=0.5, backoff_cap=10.0)
    client = make_client(retry=policy)

    with pytest.raises(RetryExhaustedError):
        client.set_labels(ACCOUNT, [LABEL])

    expected = [min(10.0, 0.5 * 2**n) * fraction for n in range(6)]
    assert fake_time.sleeps == pytest.approx(expected)
    assert all(
        later > earlier for earlier, later in zip(fake_time.sleeps[:4], fake_time.sleeps[1:5], strict=True)
    )


def test_unpinned_jitter_still_backs_off_more_on_later_attempts(
    authed: responses.RequestsMock,
    make_client: Callable[..., ThingSpaceClient],
    fake_time: FakeTime,
) -> None:
    """Without pinning: over many failed calls, later waits are longer on average and never zero-only."""
    fail_every_time(authed)
    client = make_client(retry=RetryPolicy(max_attempts=4, max_elapsed=600.0, backoff_base=0.5))
    rounds = 60
    for _ in range(rounds):
        with pytest.raises(RetryExhaustedError):
            client.set_labels(ACCOUNT, [LABEL])
    firsts, thirds = fake_time.sleeps[0::3], fake_time.sleeps[2::3]
    assert len(firsts) == len(thirds) == rounds
    assert all(0 <= s <= 0.5 for s in firsts) and all(0 <= s <= 2.0 for s in thirds)
    # Means are 0.25 and 1.0 s; the chance of either check failing by bad luck is negligible (< 1e-9).
    assert sum(firsts) / rounds > 0.1
    assert sum(thirds) / rounds > 2 * sum(firsts) / rounds
