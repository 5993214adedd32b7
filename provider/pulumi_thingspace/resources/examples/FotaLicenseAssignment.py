# Give devices a FOTA firmware license
import pulumi

import pulumi_thingspace as thingspace

# Demo fleet devices 3-5, by IMEI (devices 1 and 2 already hold a license; adopt=True would take
# those over, so that destroy removes them too).
fota = thingspace.FotaLicenseAssignment(
    "fota",
    account_name="0000000000-00001",
    device_imeis=["350000000000030", "350000000000048", "350000000000055"],
)

pulumi.export("licensedImeis", fota.owned_imeis)
pulumi.export("licensesUsed", fota.lic_used_count)
