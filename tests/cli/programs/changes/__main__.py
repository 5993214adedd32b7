"""Declare ThingSpace resources from ``plan.json`` beside this file, so a test changes the program by data.

``plan.json`` keys (each optional; a missing key declares no such resource)::

    {"account": "0000000000-00001",            # default: stack config accountName
     "listener": {"username": "u", "url": "https://..."},   # CallbackListener "carrier"
     "labels": {"<eid>/<name>": "value"},        # UsageSegmentationLabels "segments"
     "licenses": ["<imei>", ...],                # FotaLicenseAssignment "fota"
     "retire": ["<iccid>", ...], "protect": true,  # DeviceRetirement "retired"
     "pending_label": "<eid>/<name>"}            # a label whose value is known only after an up

``pending_label`` adds a second listener (service ``DeviceUsage``) and a UsageSegmentationLabel whose
value is that listener's id, so a preview shows the value as unknown until the listener exists.
"""

import json
from pathlib import Path

import pulumi

import pulumi_thingspace as thingspace

plan = json.loads((Path(__file__).parent / "plan.json").read_text())
config = pulumi.Config()
account = plan.get("account") or config.require("accountName")
depends_on: list[pulumi.Resource] = []


def listener(
    name: str, settings: dict[str, str], service: str = "CarrierService"
) -> thingspace.CallbackListener:
    """A listener on the sink (or the URL the plan names)."""
    return thingspace.CallbackListener(
        name,
        account_name=account,
        url=settings.get("url") or config.require("sinkUrl"),
        username=settings.get("username") or config.require("sinkUsername"),
        password=config.require_secret("sinkPassword"),
        service_name=service,
    )


if "listener" in plan:
    depends_on.append(listener("carrier", plan["listener"]))

if plan.get("labels"):
    thingspace.UsageSegmentationLabels(
        "segments",
        account_name=account,
        labels=[
            {"device_id": key.partition("/")[0], "name": key.partition("/")[2], "value": value}
            for key, value in plan["labels"].items()
        ],
        opts=pulumi.ResourceOptions(depends_on=depends_on),
    )

if plan.get("licenses"):
    thingspace.FotaLicenseAssignment("fota", account_name=account, device_imeis=plan["licenses"])

if plan.get("retire"):
    thingspace.DeviceRetirement(
        "retired",
        account_name=account,
        devices=[{"kind": "iccid", "id": iccid} for iccid in plan["retire"]],
        opts=pulumi.ResourceOptions(protect=plan.get("protect", True)),
    )

if plan.get("pending_label"):
    pending = listener("pending-listener", {}, service="DeviceUsage")
    device_id, _, name = plan["pending_label"].partition("/")
    thingspace.UsageSegmentationLabel(
        "pending", account_name=account, device_id=device_id, name=name, value=pending.listener_id
    )
