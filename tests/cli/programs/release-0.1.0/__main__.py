"""One resource of each of the eight ``pulumi_thingspace`` classes, on the simulator's demo fleet.

Frozen with the state exported from it (``tests/cli/resources/states/release-0.1.0.json``): a stack created by
this release must keep working with later code. Device identifiers are the demo fleet's (account
0000000000-00001, devices 1-9 active, 10-12 deactivated, 1 and 2 licensed), written out so that the
program does not depend on the package's internals.
"""

import pulumi

import pulumi_thingspace as thingspace

config = pulumi.Config()
account = config.require("accountName")

# ThingSpace reports label outcomes only to a registered CarrierService listener: register it first.
carrier = thingspace.CallbackListener(
    "carrier",
    account_name=account,
    url=config.require("sinkUrl"),
    username=config.require("sinkUsername"),
    password=config.require_secret("sinkPassword"),
)
after_listener = pulumi.ResourceOptions(depends_on=[carrier])

segments = thingspace.UsageSegmentationLabels(
    "segments",
    account_name=account,
    labels=[
        {"device_id": "89049032000000000000000000000163", "name": "SEGMENT", "value": "north"},  # device 1
        {"device_id": "89049032000000000000000000000260", "name": "SEGMENT", "value": "south"},  # device 2
    ],
    opts=after_listener,
)

tier = thingspace.UsageSegmentationLabel(
    "tier",
    account_name=account,
    device_id="89049032000000000000000000000357",  # device 3
    name="TIER",
    value="gold",
    opts=after_listener,
)

regions = thingspace.UsageSegmentationLabelBundle(
    "regions",
    account_name=account,
    labels=[
        {"device_id": "89049032000000000000000000000454", "name": "REGION", "value": "emea"},  # device 4
        {"device_id": "89049032000000000000000000000551", "name": "REGION", "value": "apac"},  # device 5
    ],
    opts=after_listener,
)

fota = thingspace.FotaLicenseAssignment(
    "fota",
    account_name=account,
    device_imeis=["350000000000030", "350000000000048"],  # devices 3 and 4
)

fota_bulk = thingspace.FotaLicenseBundle(
    "fota-bulk",
    account_name=account,
    device_imeis=["350000000000055", "350000000000063"],  # devices 5 and 6
)

retired = thingspace.DeviceRetirement(
    "retired",
    account_name=account,
    devices=[{"kind": "iccid", "id": "89148000000000000118"}],  # device 11, deactivated
)

retired_bulk = thingspace.DeviceRetirementBundle(
    "retired-bulk",
    account_name=account,
    devices=[{"kind": "iccid", "id": "89148000000000000126"}],  # device 12, deactivated
)

pulumi.export("listenerId", carrier.listener_id)
pulumi.export("segmentsVerified", segments.verified)
pulumi.export("tierVerified", tier.verified)
pulumi.export("regionsVerified", regions.verified)
