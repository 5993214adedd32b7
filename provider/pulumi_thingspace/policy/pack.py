"""The ``pulumi-policy`` pack: the rules of :mod:`.rules` as policies, configurable per policy.

Enforcement levels and settings come from ``pulumi preview --policy-pack-config <file>``::

    {"thingspace-retirement-limit": {"enforcementLevel": "mandatory", "maxDevices": 500},
     "thingspace-allowed-accounts": {"accounts": ["0342330389-00001"]},
     "thingspace-listener-https": "advisory"}
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from ..review.kinds import LABELS, LICENSES, LISTENER, RETIREMENT, kind_of, snake_props, type_family
from . import rules

PACK_NAME = "thingspace"


def _report(report: ReportViolation, messages: list[str]) -> None:
    for message in messages:
        report(message, None)


def validate_protected(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """DeviceRetirement resources must be protected."""
    if type_family(args.resource_type) == RETIREMENT:
        kind = kind_of(args.resource_type) or args.resource_type
        _report(report, rules.retirement_protected(kind, args.name, args.opts.protect))


def validate_retirement_limit(args: StackValidationArgs, report: ReportViolation) -> None:
    """At most ``maxDevices`` devices retired by one run, over every DeviceRetirement of the stack."""
    limit = int(args.get_config().get("maxDevices", rules.DEFAULT_MAX_RETIRED))
    retirements = [
        (r.name, snake_props(r.resource_type, r.props))
        for r in args.resources
        if type_family(r.resource_type) == RETIREMENT
    ]
    _report(report, rules.retirement_limit(retirements, limit))


def validate_https(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """CallbackListener URLs use https (loopback aside)."""
    if type_family(args.resource_type) == LISTENER:
        _report(report, rules.listener_https(args.name, args.props.get("url")))


def validate_accounts(args: ResourceValidationArgs, report: ReportViolation) -> None:
    """Labels and licenses only on the configured accounts."""
    if type_family(args.resource_type) in (LABELS, LICENSES):
        allowed: list[str] = list(args.get_config().get("accounts") or [])
        account = snake_props(args.resource_type, args.props).get("account_name")
        kind = kind_of(args.resource_type) or args.resource_type
        _report(report, rules.account_allowed(kind, args.name, account, allowed))


def policies() -> list[Any]:
    """The pack's policies, each mandatory unless the policy config says otherwise."""
    return [
        ResourceValidationPolicy(
            name="thingspace-retirement-protected",
            description="A DeviceRetirement must be protected (protect=True).",
            validate=validate_protected,
            enforcement_level=EnforcementLevel.MANDATORY,
        ),
        StackValidationPolicy(
            name="thingspace-retirement-limit",
            description="One run may retire at most maxDevices devices.",
            validate=validate_retirement_limit,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=PolicyConfigSchema(
                properties={
                    "maxDevices": {"type": "integer", "minimum": 0, "default": rules.DEFAULT_MAX_RETIRED}
                }
            ),
        ),
        ResourceValidationPolicy(
            name="thingspace-listener-https",
            description="A CallbackListener URL must use https (plain http only on loopback).",
            validate=validate_https,
            enforcement_level=EnforcementLevel.MANDATORY,
        ),
        ResourceValidationPolicy(
            name="thingspace-allowed-accounts",
            description="Labels and licenses only on accounts in the configured allow-list (when set).",
            validate=validate_accounts,
            enforcement_level=EnforcementLevel.MANDATORY,
            config_schema=PolicyConfigSchema(
                properties={
                    "accounts": {
                        "type": "array",
                        "items": {"type": "string", "pattern": r"^\d{10}-\d{5}$"},
                        "default": [],
                    }
                }
            ),
        ),
    ]


def serve() -> None:
    """Build the pack; ``pulumi-policy`` serves it to the engine that started this process."""
    PolicyPack(name=PACK_NAME, policies=policies())
