"""The policy rules as functions: the cases the real-CLI tests do not reach."""

from __future__ import annotations

import pytest

from pulumi_thingspace.policy import rules


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://hooks.example.com/cb", True),
        ("http://127.0.0.1:8651/cb", True),
        ("http://localhost/cb", True),
        ("http://[::1]:80/cb", True),
        ("http://10.0.0.5/cb", False),
        ("ftp://hooks.example.com/cb", False),
    ],
)
def test_listener_https(url: str, ok: bool) -> None:
    assert (rules.listener_https("l", url) == []) is ok


def test_pending_devices_counts_compact_summary_and_unretired_keys() -> None:
    assert rules.pending_devices({"change_summary": {"set": 7, "removed": 0}}) == 7
    assert (
        rules.pending_devices({"devices": {"iccid:1": True, "iccid:2": True}, "retired": {"iccid:1": "x"}})
        == 1
    )
    assert rules.pending_devices({"devices": "iccid:1\niccid:2"}) == 0  # compact text without a summary: same


def test_limit_sums_every_retirement() -> None:
    found = rules.retirement_limit(
        [("a", {"devices": {"x:1": True}}), ("b", {"change_summary": {"set": 2}})], 2
    )
    assert found == [
        "this run would retire 3 devices (a: 1, b: 2); the limit is 2 per run (policy config maxDevices): "
        "split the retirement over several runs"
    ]


def test_no_allow_list_allows_every_account() -> None:
    assert rules.account_allowed("FotaLicenseAssignment", "f", "0000000000-00001", []) == []
