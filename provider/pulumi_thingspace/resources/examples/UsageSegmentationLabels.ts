// Label devices by rollout segment
import * as thingspace from "@pulumi-thingspace/thingspace";

// Demo fleet devices 1-4, by EID. ThingSpace reports label results only to a registered
// CallbackListener: declare one and pass it in dependsOn to have the results verified.
const segments = new thingspace.UsageSegmentationLabels("segments", {
    accountName: "0000000000-00001",
    labels: [
        { deviceId: "89049032000000000000000000000163", name: "SEGMENT", value: "pilot" },
        { deviceId: "89049032000000000000000000000260", name: "SEGMENT", value: "pilot" },
        { deviceId: "89049032000000000000000000000357", name: "SEGMENT", value: "field" },
        { deviceId: "89049032000000000000000000000454", name: "SEGMENT", value: "field" },
    ],
});

export const segmentLabels = segments.labels;
export const segmentLabelsVerified = segments.verified;
