"""The policy pack without the CLI: its validate functions called with args as the engine passes them."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from pulumi_policy import EnforcementLevel

from pulumi_thingspace.policy import pack, rules

T = "pulumi-python:dynamic/thingspace:"
ALLOWED = "0342330389-00001"
OTHER = "0000000000-00001"


def resource_args(
    kind: str,
    name: str,
    props: dict[str, Any],
    *,
    protect: bool = False,
    config: dict[str, Any] | None = None,
) -> Any:
    return SimpleNamespace(
        resource_type=T + kind,
        name=name,
        props=props,
        opts=SimpleNamespace(protect=protect),
        get_config=lambda: dict(config or {}),
    )


def stack_args(resources: list[Any], config: dict[str, Any] | None = None) -> Any:
    return SimpleNamespace(resources=resources, get_config=lambda: dict(config or {}))


def reported(validate: Any, args: Any) -> list[str]:
    found: list[str] = []
    validate(args, lambda message, urn: found.append(message))
    return found


def devices(n: int) -> dict[str, bool]:
    return {f"iccid:8914800000080{i:07d}": True for i in range(n)}


def test_default_retirement_limit_is_one_delete_request() -> None:
    assert rules.DEFAULT_MAX_RETIRED == 100
    at_limit = [resource_args("DeviceRetirement", "a", {"devices": devices(100)})]
    assert reported(pack.validate_retirement_limit, stack_args(at_limit)) == []
    over = [
        resource_args("DeviceRetirement", "a", {"devices": devices(60)}),
        resource_args("DeviceRetirementBundle", "b", {"change_summary": {"set": 41, "removed": 0}}),
    ]
    assert reported(pack.validate_retirement_limit, stack_args(over)) == [
        "this run would retire 101 devices (a: 60, b: 41); the limit is 100 per run "
        "(policy config maxDevices): split the retirement over several runs"
    ]
    assert reported(pack.validate_retirement_limit, stack_args(over, {"maxDevices": 101})) == []


def test_retirement_limit_ignores_other_resources_and_retired_devices() -> None:
    done = {"devices": devices(150), "retired": dict.fromkeys(devices(150), "2024-05-01")}
    resources = [
        resource_args("DeviceRetirement", "done", done),
        resource_args("UsageSegmentationLabelBundle", "l", {"change_summary": {"set": 5000}}),
    ]
    assert reported(pack.validate_retirement_limit, stack_args(resources)) == []


@pytest.mark.parametrize("kind", ["DeviceRetirement", "DeviceRetirementBundle"])
def test_retirements_and_their_bundles_must_be_protected(kind: str) -> None:
    unprotected = resource_args(kind, "q3", {"account_name": ALLOWED}, protect=False)
    assert reported(pack.validate_protected, unprotected) == [
        f"{kind} 'q3' must be protected: pass opts=pulumi.ResourceOptions(protect=True) so "
        "`pulumi destroy` cannot drop the record of deleted devices silently"
    ]
    assert reported(pack.validate_protected, resource_args(kind, "q3", {}, protect=True)) == []


def test_protection_is_not_required_of_other_resources() -> None:
    for kind in ("UsageSegmentationLabels", "FotaLicenseBundle", "CallbackListener"):
        assert reported(pack.validate_protected, resource_args(kind, "x", {}, protect=False)) == []


@pytest.mark.parametrize(
    "kind",
    [
        "UsageSegmentationLabels",
        "UsageSegmentationLabel",
        "UsageSegmentationLabelBundle",
        "FotaLicenseAssignment",
        "FotaLicenseBundle",
    ],
)
def test_labels_and_licenses_only_on_allowed_accounts(kind: str) -> None:
    config = {"accounts": [ALLOWED]}
    bad = resource_args(kind, "r", {"account_name": OTHER}, config=config)
    assert reported(pack.validate_accounts, bad) == [
        f"{kind} 'r' targets account {OTHER}, which is not in the allowed accounts "
        f"({ALLOWED}; policy config accounts)"
    ]
    assert (
        reported(pack.validate_accounts, resource_args(kind, "r", {"account_name": ALLOWED}, config=config))
        == []
    )
    assert (
        reported(pack.validate_accounts, resource_args(kind, "r", {"account_name": OTHER})) == []
    )  # no list


def test_the_pack_judges_the_plugin_resources_by_their_camel_case_properties() -> None:
    config = {"accounts": [ALLOWED]}
    plugin = "thingspace:index:"
    licenses = resource_args("", "r", {"accountName": OTHER}, config=config)
    licenses.resource_type = plugin + "FotaLicenseAssignment"
    assert reported(pack.validate_accounts, licenses) == [
        f"FotaLicenseAssignment 'r' targets account {OTHER}, which is not in the allowed accounts "
        f"({ALLOWED}; policy config accounts)"
    ]
    retirement = resource_args("", "q", {"devices": devices(101)}, protect=False)
    retirement.resource_type = plugin + "DeviceRetirement"
    assert reported(pack.validate_protected, retirement) != []
    limit = reported(pack.validate_retirement_limit, stack_args([retirement]))
    assert limit and "101" in limit[0]


def test_allowed_accounts_rule_does_not_judge_retirements_or_listeners() -> None:
    config = {"accounts": [ALLOWED]}
    for kind in ("DeviceRetirement", "DeviceRetirementBundle", "CallbackListener"):
        assert (
            reported(pack.validate_accounts, resource_args(kind, "r", {"account_name": OTHER}, config=config))
            == []
        )


def test_rules_as_functions() -> None:
    assert rules.retirement_protected("DeviceRetirement", "q", True) == []
    assert rules.retirement_protected("DeviceRetirement", "q", False) != []
    assert rules.account_allowed("UsageSegmentationLabels", "v", OTHER, [ALLOWED]) != []
    assert rules.account_allowed("UsageSegmentationLabels", "v", ALLOWED, [ALLOWED]) == []
    assert rules.retirement_limit([("a", {"devices": devices(101)})], rules.DEFAULT_MAX_RETIRED) != []


def test_the_pack_declares_every_policy_mandatory_with_the_default_limit() -> None:
    by_name = {p.name: p for p in pack.policies()}
    assert set(by_name) == {
        "thingspace-retirement-protected",
        "thingspace-retirement-limit",
        "thingspace-listener-https",
        "thingspace-allowed-accounts",
    }
    assert all(p.enforcement_level == EnforcementLevel.MANDATORY for p in by_name.values())
    schema = by_name["thingspace-retirement-limit"].config_schema.properties
    assert schema["maxDevices"]["default"] == rules.DEFAULT_MAX_RETIRED
