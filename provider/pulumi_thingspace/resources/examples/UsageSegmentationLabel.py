# Set one label on one device
import pulumi

import pulumi_thingspace as thingspace

# Demo fleet device 5, by EID. Changing the device or the label name replaces the resource.
region = thingspace.UsageSegmentationLabel(
    "region-label",
    account_name="0000000000-00001",
    device_id="89049032000000000000000000000551",
    name="REGION",
    value="us-east",
)

pulumi.export("regionLabelVerified", region.verified)
