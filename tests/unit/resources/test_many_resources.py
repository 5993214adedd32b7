"""Programs with thousands of resources: the SDK's provider serialization must not exhaust the stack."""

from __future__ import annotations

from typing import Any

import pulumi

import pulumi_thingspace as thingspace

EID = "89049032000001000000000000{:06d}"


class EchoMocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


def test_two_thousand_single_label_resources_register() -> None:
    pulumi.runtime.set_mocks(EchoMocks(), project="many", stack="dev")
    pulumi.runtime.test(program)()


def program() -> pulumi.Output[None]:
    resources = [
        thingspace.UsageSegmentationLabel(
            f"l{i}", account_name="0000000000-00001", device_id=EID.format(i), name="SEGMENT", value="radio"
        )
        for i in range(2000)
    ]

    def check(ids: list[str]) -> None:
        assert ids == [EID.format(i) for i in range(1997, 2000)]

    return pulumi.Output.all(*[r.device_id for r in resources[-3:]]).apply(check)
