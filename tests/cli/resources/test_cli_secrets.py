"""Secrets under the real CLI: the state holds none in plain text; outputs show them only when asked."""

from __future__ import annotations

from pathlib import Path

from kits.cli import FleetStack, label_list, label_map, listener, resource
from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator import DEMO_CLIENT_SECRET, DEMO_PASSWORD
from pulumi_thingspace.testing.cli import PulumiCli


def test_stack_export_holds_no_secret_and_outputs_show_them_only_when_asked(
    pulumi_cli: PulumiCli, services: Services, tmp_path: Path
) -> None:
    stack = FleetStack(pulumi_cli, services, tmp_path)
    stack.declare(
        [
            listener(services),
            resource(
                "UsageSegmentationLabels",
                "segments",
                {"account_name": stack.account, "labels": label_list(label_map([1, 2]))},
                depends_on=["carrier"],
            ),
        ],
        exports={"listenerPassword": "carrier.password", "listenerId": "carrier.listener_id"},
    )
    stack.up()
    secrets = {
        "client secret": DEMO_CLIENT_SECRET,
        "ThingSpace password": DEMO_PASSWORD,
        "sink read token": services.settings.read_token,
        "callback password": services.settings.callback_password,
    }
    exported = stack.ws.run("stack", "export").stdout
    assert "ciphertext" in exported  # secrets are there, encrypted by the passphrase provider
    for what, value in secrets.items():
        assert value not in exported, f"{what} in plain text in the state"
    config = (stack.ws.dir / "Pulumi.dev.yaml").read_text()
    for what, value in secrets.items():
        assert value not in config, f"{what} in plain text in the stack config file"

    hidden = stack.outputs()
    assert hidden == {"listenerPassword": "[secret]", "listenerId": f"{stack.account}/CarrierService"}
    shown = stack.outputs(show_secrets=True)
    assert shown["listenerPassword"] == services.settings.callback_password
    stack.run("destroy", "--yes")
