// License a large IMEI set from text
import * as thingspace from "@pulumi-thingspace/thingspace";

// Demo fleet devices 6-8, by IMEI, one per line. For a large fleet read the file:
// deviceImeis: fs.readFileSync("imeis.txt", "utf8").
const fotaBundle = new thingspace.FotaLicenseBundle("fota-bundle", {
    accountName: "0000000000-00001",
    deviceImeis: ["350000000000063", "350000000000071", "350000000000089"].join("\n"),
});

export const bundleImeiCount = fotaBundle.imeiCount;
export const bundleLicensesUsed = fotaBundle.licUsedCount;
