// Give devices a FOTA firmware license
import * as thingspace from "@pulumi-thingspace/thingspace";

// Demo fleet devices 3-5, by IMEI (devices 1 and 2 already hold a license; adopt: true would take
// those over, so that destroy removes them too).
const fota = new thingspace.FotaLicenseAssignment("fota", {
    accountName: "0000000000-00001",
    deviceImeis: ["350000000000030", "350000000000048", "350000000000055"],
});

export const licensedImeis = fota.ownedImeis;
export const licensesUsed = fota.licUsedCount;
