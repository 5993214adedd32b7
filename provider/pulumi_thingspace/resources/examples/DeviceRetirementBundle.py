# Delete a large device set from text
import pulumi

import pulumi_thingspace as thingspace

# Demo fleet devices 11 and 12, by ICCID, one <kind>:<id> per line: already deactivated. Deleting
# devices cannot be undone, so protect the resource.
retired_bundle = thingspace.DeviceRetirementBundle(
    "retired-bundle",
    account_name="0000000000-00001",
    devices="iccid:89148000000000000118\niccid:89148000000000000126\n",
    opts=pulumi.ResourceOptions(protect=True),
)

pulumi.export("bundleDeletedCount", retired_bundle.deleted_count)
