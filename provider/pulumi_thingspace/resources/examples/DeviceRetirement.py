# Delete a deactivated device from the account
import pulumi

import pulumi_thingspace as thingspace

# Demo fleet device 10, by ICCID: already deactivated. Deleting devices cannot be undone, so protect
# the resource; set deactivate_first=True (with etf_waiver) to delete active devices.
retired = thingspace.DeviceRetirement(
    "retired",
    account_name="0000000000-00001",
    devices=[{"kind": "iccid", "id": "89148000000000000100"}],
    opts=pulumi.ResourceOptions(protect=True),
)

pulumi.export("retiredDevices", retired.retired)
