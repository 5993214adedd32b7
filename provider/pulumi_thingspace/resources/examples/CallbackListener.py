# Register the listener ThingSpace reports label results to
import pulumi

import pulumi_thingspace as thingspace

config = pulumi.Config()

# A CarrierService listener: ThingSpace posts each label result to this URL (HTTPS; e.g. a
# thingspace-callback-sink), with the username and password in the body.
listener = thingspace.CallbackListener(
    "carrier-callbacks",
    account_name="0000000000-00001",
    url=config.require("sinkUrl"),
    username="thingspace-callbacks",
    password=config.require_secret("sinkPassword"),
)

pulumi.export("listenerId", listener.listener_id)
