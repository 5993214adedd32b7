# Label devices by rollout segment
import pulumi

import pulumi_thingspace as thingspace

# Demo fleet devices 1-4, by EID. ThingSpace reports label results only to a registered
# CallbackListener: declare one and pass it in depends_on to have the results verified.
segments = thingspace.UsageSegmentationLabels(
    "segments",
    account_name="0000000000-00001",
    labels=[
        {"device_id": "89049032000000000000000000000163", "name": "SEGMENT", "value": "pilot"},
        {"device_id": "89049032000000000000000000000260", "name": "SEGMENT", "value": "pilot"},
        {"device_id": "89049032000000000000000000000357", "name": "SEGMENT", "value": "field"},
        {"device_id": "89049032000000000000000000000454", "name": "SEGMENT", "value": "field"},
    ],
)

pulumi.export("segmentLabels", segments.labels)
pulumi.export("segmentLabelsVerified", segments.verified)
