"""A chunked call stopped by a rejected chunk says what the chunks before it achieved."""

from __future__ import annotations

import pytest

from pulumi_thingspace.client import ApiError
from pulumi_thingspace.client.batching import send_chunks


def test_the_error_of_a_rejected_chunk_carries_the_results_and_item_count_of_the_accepted_ones() -> None:
    def send(chunk: list[int]) -> str:
        if chunk[0] >= 4:
            raise ApiError("rejected", endpoint="labels.set", status=400)
        return f"req-{chunk[0]}"

    assert send_chunks(list(range(4)), 2, send) == ["req-0", "req-2"]
    with pytest.raises(ApiError) as info:
        send_chunks(list(range(9)), 2, send)
    assert info.value.sent_before == ("req-0", "req-2") and info.value.sent_count == 4


def test_a_first_chunk_rejected_carries_nothing() -> None:
    def send(chunk: list[int]) -> str:
        raise ApiError("rejected", endpoint="labels.set", status=400)

    with pytest.raises(ApiError) as info:
        send_chunks([1, 2, 3], 2, send)
    assert info.value.sent_before == () and info.value.sent_count == 0
