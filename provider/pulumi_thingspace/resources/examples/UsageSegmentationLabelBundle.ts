// Label a large fleet from CSV text
import * as thingspace from "@pulumi-thingspace/thingspace";

// Demo fleet devices 6-9, by EID. For a large fleet read the file: fs.readFileSync("rings.csv", "utf8").
const ringLabels = new thingspace.UsageSegmentationLabelBundle("ring-labels", {
    accountName: "0000000000-00001",
    labels: [
        "device_id,name,value",
        "89049032000000000000000000000648,FIRMWARE_RING,canary",
        "89049032000000000000000000000745,FIRMWARE_RING,canary",
        "89049032000000000000000000000842,FIRMWARE_RING,stable",
        "89049032000000000000000000000939,FIRMWARE_RING,stable",
    ].join("\n"),
});

export const ringLabelCount = ringLabels.labelCount;
