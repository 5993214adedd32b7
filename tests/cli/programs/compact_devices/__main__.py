"""FOTA licenses for synthetic devices ``licenseFirst..licenseLast`` and the retirement of devices
``retireFirst..retireLast`` (by ICCID), each as one bundle."""

import pulumi

import pulumi_thingspace as thingspace
from pulumi_thingspace.simulator.synthetic import iccid_for, imei_for

config = pulumi.Config()
account = config.require("accountName")
licensed = range(config.require_int("licenseFirst"), config.require_int("licenseLast") + 1)
retired = range(config.require_int("retireFirst"), config.require_int("retireLast") + 1)
fota = thingspace.FotaLicenseBundle(
    "fota", account_name=account, device_imeis="\n".join(imei_for(n) for n in licensed)
)
retirement = thingspace.DeviceRetirementBundle(
    "retire", account_name=account, devices="\n".join(f"iccid:{iccid_for(n)}" for n in retired)
)
pulumi.export("imeiCount", fota.imei_count)
pulumi.export("deletedCount", retirement.deleted_count)
