// Delete a deactivated device from the account
import * as thingspace from "@pulumi-thingspace/thingspace";

// Demo fleet device 10, by ICCID: already deactivated. Deleting devices cannot be undone, so protect
// the resource; set deactivateFirst: true (with etfWaiver) to delete active devices.
const retired = new thingspace.DeviceRetirement(
    "retired",
    {
        accountName: "0000000000-00001",
        devices: [{ kind: "iccid", id: "89148000000000000100" }],
    },
    { protect: true },
);

export const retiredDevices = retired.retired;
