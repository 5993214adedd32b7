"""A Pulumi program that reads its stack config the usual way and declares one record."""

import pulumi

from kits.record_provider import Record

config = pulumi.Config()
account = pulumi.Config("thingspace").require("accountName")
greeting = Record("greeting", config.require("store"), "greeting", config.require("greeting"))

pulumi.export("account", account)
pulumi.export("record_id", greeting.id)
pulumi.export("token_is_secret", pulumi.Output.from_input(config.require_secret("token").is_secret()))
