"""A label bundle of ``labelCount`` synthetic devices; ``changedIndex`` gives one device a new value."""

import pulumi

import pulumi_thingspace as thingspace
from pulumi_thingspace.simulator.synthetic import eid_for

config = pulumi.Config()
count = config.get_int("labelCount") or 10_000
changed = config.get_int("changedIndex")
labels = [{"device_id": eid_for(n), "name": "VIN", "value": f"VIN{n:014d}"} for n in range(1, count + 1)]
if changed is not None:
    labels[changed]["value"] = "CHANGED"
fleet = thingspace.UsageSegmentationLabelBundle(
    "fleet", account_name=config.get("accountName") or "0342330389-00001", labels=labels
)
pulumi.export("labelCount", fleet.label_count)
