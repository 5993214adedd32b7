# Label a large fleet from CSV text
import pulumi

import pulumi_thingspace as thingspace

# Demo fleet devices 6-9, by EID. For a large fleet pass the file itself: labels=Path("rings.csv").
ring_labels = thingspace.UsageSegmentationLabelBundle(
    "ring-labels",
    account_name="0000000000-00001",
    labels="""device_id,name,value
89049032000000000000000000000648,FIRMWARE_RING,canary
89049032000000000000000000000745,FIRMWARE_RING,canary
89049032000000000000000000000842,FIRMWARE_RING,stable
89049032000000000000000000000939,FIRMWARE_RING,stable
""",
)

pulumi.export("ringLabelCount", ring_labels.label_count)
