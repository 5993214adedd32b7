"""Two ThingSpace tenants in one program, through the generated SDK and the ``thingspace`` plugin.

Each tenant is an explicit ``Provider`` with its own API URL, account and credentials, and owns a label
set and a FOTA license assignment. Tenant ``a`` also owns ``pinned``, a label set that is replaced
(``replace_on_changes``) instead of updated when any of its labels changes.

Config, per tenant ``a`` and ``b``: ``<t>BaseUrl``, ``<t>ClientId``, ``<t>ClientSecret`` (secret),
``<t>Username``, ``<t>Password`` (secret), ``<t>Account``, ``<t>Labels`` (JSON ``{"<eid>": value}`` of
label ``TENANT``), ``<t>Imeis`` (JSON list); and ``pinnedLabels`` (JSON ``{"<eid>": value}`` of label
``PINNED``, tenant ``a``).
"""

import pulumi
import pulumi_thingspace_sdk as thingspace

config = pulumi.Config()


def labels(values: dict[str, str], name: str) -> list[thingspace.LabelArgs]:
    """One label ``name`` per device EID."""
    return [thingspace.LabelArgs(device_id=eid, name=name, value=v) for eid, v in values.items()]


providers: dict[str, thingspace.Provider] = {}
for t in ("a", "b"):
    provider = thingspace.Provider(
        f"tenant-{t}",
        base_url=config.require(f"{t}BaseUrl"),
        client_id=config.require(f"{t}ClientId"),
        client_secret=config.require_secret(f"{t}ClientSecret"),
        username=config.require(f"{t}Username"),
        password=config.require_secret(f"{t}Password"),
    )
    providers[t] = provider
    account = config.require(f"{t}Account")
    on_tenant = pulumi.ResourceOptions(provider=provider)
    thingspace.UsageSegmentationLabels(
        f"segments-{t}",
        account_name=account,
        labels=labels(config.require_object(f"{t}Labels"), "TENANT"),
        opts=on_tenant,
    )
    thingspace.FotaLicenseAssignment(
        f"fota-{t}",
        account_name=account,
        device_imeis=config.require_object(f"{t}Imeis"),
        opts=on_tenant,
    )

thingspace.UsageSegmentationLabels(
    "pinned",
    account_name=config.require("aAccount"),
    labels=labels(config.require_object("pinnedLabels"), "PINNED"),
    opts=pulumi.ResourceOptions(provider=providers["a"], replace_on_changes=["labels"]),
)
