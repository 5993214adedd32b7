// ThingSpace quickstart in TypeScript: a callback listener, a label set, FOTA licenses and a device
// retirement through the thingspace provider plugin, plus FOTA licenses on a second tenant through an
// explicit provider. The defaults (Pulumi.yaml) match the demo fleet of thingspace-simulator.
import * as pulumi from "@pulumi/pulumi";
import * as thingspace from "@pulumi-thingspace/thingspace";

/** The second tenant's plain settings: the `secondTenant` config object (its secrets are separate keys). */
interface SecondTenant {
    accountName: string;
    baseUrl?: string;
    clientId: string;
    username: string;
    licenseImeis: string[];
}

const config = new pulumi.Config();
const accountName = config.require("accountName");
const labelName = config.require("labelName");
const pilotValue = config.require("pilotValue");

// ThingSpace reports label outcomes only to a registered CarrierService listener: register it first.
const listener = new thingspace.CallbackListener("carrier-callbacks", {
    accountName,
    url: config.require("sinkUrl"),
    username: config.require("sinkUsername"),
    password: config.requireSecret("sinkPassword"),
});

// Demo fleet devices 1-4 (EIDs).
const segments = new thingspace.UsageSegmentationLabels(
    "segments",
    {
        accountName,
        labels: [
            { deviceId: "89049032000000000000000000000163", name: labelName, value: pilotValue },
            { deviceId: "89049032000000000000000000000260", name: labelName, value: "pilot" },
            { deviceId: "89049032000000000000000000000357", name: labelName, value: "field" },
            { deviceId: "89049032000000000000000000000454", name: labelName, value: "field" },
        ],
    },
    { dependsOn: [listener] },
);

// Demo fleet devices 3-5 (IMEIs); devices 1 and 2 already hold a license.
const fota = new thingspace.FotaLicenseAssignment("fota", {
    accountName,
    deviceImeis: ["350000000000030", "350000000000048", "350000000000055"],
});

// Deleting devices cannot be undone: protect keeps `pulumi destroy` from removing this record silently.
// Demo fleet devices 11 and 12 (ICCIDs), already deactivated.
const retirement = new thingspace.DeviceRetirement(
    "retired",
    {
        accountName,
        devices: [
            { kind: "iccid", id: "89148000000000000118" },
            { kind: "iccid", id: "89148000000000000126" },
        ],
    },
    { protect: true },
);

// A second tenant, when `secondTenant` is set: its own provider with its own credentials.
const second = config.getObject<SecondTenant>("secondTenant");
let secondTenantImeis: pulumi.Output<string[]> | undefined;
if (second) {
    const tenantB = new thingspace.Provider("tenant-b", {
        baseUrl: second.baseUrl,
        clientId: second.clientId,
        clientSecret: config.requireSecret("secondTenantClientSecret"),
        username: second.username,
        password: config.requireSecret("secondTenantPassword"),
    });
    const tenantBFota = new thingspace.FotaLicenseAssignment(
        "tenant-b-fota",
        { accountName: second.accountName, deviceImeis: second.licenseImeis },
        { provider: tenantB },
    );
    secondTenantImeis = tenantBFota.ownedImeis;
}

export const listenerId = listener.listenerId;
export const labelsVerified = segments.verified;
export const licensedImeis = fota.ownedImeis;
export const retired = retirement.retired;
export const tenantBLicensedImeis = secondTenantImeis;
