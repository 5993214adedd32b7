# License a large IMEI set from text
import pulumi

import pulumi_thingspace as thingspace

# Demo fleet devices 6-8, by IMEI, one per line. For a large fleet read the file:
# device_imeis=Path("imeis.txt").read_text().
fota_bundle = thingspace.FotaLicenseBundle(
    "fota-bundle",
    account_name="0000000000-00001",
    device_imeis="350000000000063\n350000000000071\n350000000000089\n",
)

pulumi.export("bundleImeiCount", fota_bundle.imei_count)
pulumi.export("bundleLicensesUsed", fota_bundle.lic_used_count)
