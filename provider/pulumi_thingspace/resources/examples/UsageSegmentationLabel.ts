// Set one label on one device
import * as thingspace from "@pulumi-thingspace/thingspace";

// Demo fleet device 5, by EID. Changing the device or the label name replaces the resource.
const region = new thingspace.UsageSegmentationLabel("region-label", {
    accountName: "0000000000-00001",
    deviceId: "89049032000000000000000000000551",
    name: "REGION",
    value: "us-east",
});

export const regionLabelVerified = region.verified;
