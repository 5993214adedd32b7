// Delete a large device set from text
import * as thingspace from "@pulumi-thingspace/thingspace";

// Demo fleet devices 11 and 12, by ICCID, one <kind>:<id> per line: already deactivated. Deleting
// devices cannot be undone, so protect the resource.
const retiredBundle = new thingspace.DeviceRetirementBundle(
    "retired-bundle",
    {
        accountName: "0000000000-00001",
        devices: ["iccid:89148000000000000118", "iccid:89148000000000000126"].join("\n"),
    },
    { protect: true },
);

export const bundleDeletedCount = retiredBundle.deletedCount;
