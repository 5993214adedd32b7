"""The line delta behind change_summary and updates equals a plain set difference of lines."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pulumi_thingspace.resources.bundle import line_delta

LINES = st.lists(st.sampled_from(["a", "ab", "b", "ba", "c", "cc", "d", "da", "e"]), unique=True, max_size=9)


def naive(old: list[str], new: list[str]) -> tuple[list[str], list[str]]:
    return sorted(set(old) - set(new)), sorted(set(new) - set(old))


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES, LINES)
def test_line_delta_is_the_set_difference_of_sorted_lines(old: list[str], new: list[str]) -> None:
    old, new = sorted(old), sorted(new)
    assert line_delta("\n".join(old), "\n".join(new)) == naive(old, new)


def test_one_change_in_the_middle_of_a_large_set() -> None:
    old = [f"line{i:06d}" for i in range(20_000)]
    new = [*old]
    new[9_999] = "line009999x"
    assert line_delta("\n".join(old), "\n".join(new)) == (["line009999"], ["line009999x"])
    assert line_delta("\n".join(old), "\n".join(old[1:])) == (["line000000"], [])
    assert line_delta("\n".join(old[:-1]), "\n".join(old)) == ([], ["line019999"])
