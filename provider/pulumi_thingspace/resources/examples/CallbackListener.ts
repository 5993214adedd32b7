// Register the listener ThingSpace reports label results to
import * as pulumi from "@pulumi/pulumi";
import * as thingspace from "@pulumi-thingspace/thingspace";

const config = new pulumi.Config();

// A CarrierService listener: ThingSpace posts each label result to this URL (HTTPS; e.g. a
// thingspace-callback-sink), with the username and password in the body.
const listener = new thingspace.CallbackListener("carrier-callbacks", {
    accountName: "0000000000-00001",
    url: config.require("sinkUrl"),
    username: "thingspace-callbacks",
    password: config.requireSecret("sinkPassword"),
});

export const listenerId = listener.listenerId;
