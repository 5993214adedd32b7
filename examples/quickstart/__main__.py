"""ThingSpace quickstart: a callback listener, a label set, FOTA licenses and a device retirement.

The defaults match the demo fleet of ``thingspace-simulator`` (account 0000000000-00001), so against
the simulator only ``sinkPassword`` and the ``thingspace:*`` provider settings need to be set.
See README.md for every config key.
"""

import pulumi

import pulumi_thingspace as thingspace

DEMO_ACCOUNT = "0000000000-00001"
# Demo fleet devices 1-4 (EIDs): labelled.
DEFAULT_LABELS = {
    "89049032000000000000000000000163": "pilot",
    "89049032000000000000000000000260": "pilot",
    "89049032000000000000000000000357": "field",
    "89049032000000000000000000000454": "field",
}
# Demo fleet devices 3-5 (IMEIs): given a FOTA license (devices 1 and 2 already hold one).
DEFAULT_LICENSE_IMEIS = ["350000000000030", "350000000000048", "350000000000055"]
# Demo fleet devices 11 and 12 (ICCIDs): already deactivated, so they can be deleted.
DEFAULT_RETIRE_ICCIDS = ["89148000000000000118", "89148000000000000126"]

config = pulumi.Config()
account = config.get("accountName") or DEMO_ACCOUNT
label_name = config.get("labelName") or "SEGMENT"
labels: dict[str, str] = config.get_object("labels") or DEFAULT_LABELS
license_imeis: list[str] = config.get_object("licenseImeis") or DEFAULT_LICENSE_IMEIS
retire_iccids: list[str] = config.get_object("retireIccids") or DEFAULT_RETIRE_ICCIDS

# ThingSpace reports label outcomes only to a registered CarrierService listener: register it first.
listener = thingspace.CallbackListener(
    "carrier-callbacks",
    account_name=account,
    url=config.get("sinkUrl") or "http://127.0.0.1:8651/callbacks",
    username=config.get("sinkUsername") or "thingspace-callbacks",
    password=config.require_secret("sinkPassword"),
)

segments = thingspace.UsageSegmentationLabels(
    "segments",
    account_name=account,
    labels=[{"device_id": eid, "name": label_name, "value": value} for eid, value in labels.items()],
    opts=pulumi.ResourceOptions(depends_on=[listener]),
)

fota = thingspace.FotaLicenseAssignment("fota", account_name=account, device_imeis=license_imeis)

# Deleting devices cannot be undone: protect keeps `pulumi destroy` from removing this record silently.
retired = thingspace.DeviceRetirement(
    "retired",
    account_name=account,
    devices=[{"kind": "iccid", "id": iccid} for iccid in retire_iccids],
    opts=pulumi.ResourceOptions(protect=True),
)

pulumi.export("accountName", account)
pulumi.export("listenerId", listener.listener_id)
pulumi.export("listenerUrl", listener.url)
pulumi.export("labels", segments.labels)
pulumi.export("labelsVerified", segments.verified)
pulumi.export("labelRequestIds", segments.request_ids)
pulumi.export("licensedImeis", fota.device_imeis)
pulumi.export("retired", retired.retired)
