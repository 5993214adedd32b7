"""``count`` labels VIN as one text; the first ``changed`` devices get values tagged ``tag``.

``kind`` is ``bundle`` (UsageSegmentationLabelBundle) or ``bare`` (bench/bare_provider.BareLabelText,
importable when bench/ is on PYTHONPATH).
"""

import pulumi

import pulumi_thingspace as thingspace
from pulumi_thingspace.models.compact import label_line
from pulumi_thingspace.simulator.synthetic import eid_for

config = pulumi.Config()
count = config.require_int("count")
changed = config.get_int("changed") or 0
tag = config.get("tag") or "T"
account = config.require("accountName")
text = "\n".join(
    label_line(eid_for(n), "VIN", f"{tag}{n:016d}" if n <= changed else f"V{n:016d}")
    for n in range(1, count + 1)
)
if config.require("kind") == "bare":
    from bare_provider import BareLabelText

    BareLabelText("fleet", account, text)
else:
    thingspace.UsageSegmentationLabelBundle("fleet", account_name=account, labels=text)
