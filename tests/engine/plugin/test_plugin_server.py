"""The plugin's gRPC servicer: a user error reaches the engine as its message alone, a bug with its stack."""

from __future__ import annotations

import asyncio
from typing import Any, NoReturn

import grpc
import pytest
from google.protobuf import struct_pb2
from pulumi.provider.experimental import provider as rpc
from pulumi.runtime.proto import provider_pb2

from kits.plugin import configure_request, provider_args, urn
from pulumi_thingspace.errors import UserError
from pulumi_thingspace.plugin.provider import ThingSpacePlugin
from pulumi_thingspace.plugin.server import GUARDED, ThingSpaceServicer, error_text
from pulumi_thingspace.simulator import DEMO_ACCOUNT, SimulatorServer, synthetic_ids

UNKNOWN_TYPE = "urn:pulumi:dev::fleet::thingspace:index:NoSuchThing::x"


class Aborted(Exception):
    """What ``context.abort`` raises, as gRPC's does: the method ends there."""


class FakeContext:
    """A gRPC servicer context that records ``abort`` and raises like the real one."""

    def __init__(self) -> None:
        self.aborts: list[tuple[grpc.StatusCode, str]] = []

    async def abort(self, code: grpc.StatusCode, details: str = "") -> NoReturn:
        self.aborts.append((code, details))
        raise Aborted(details)


def raise_bug() -> None:
    raise RuntimeError("the lifecycle broke")


def test_error_text_of_a_user_error_is_its_message_alone() -> None:
    message = "thingspace:clientId is not set: set it with `pulumi config set thingspace:clientId ...`"
    assert error_text(UserError(message)) == message


def test_error_text_of_a_bug_keeps_the_traceback() -> None:
    with pytest.raises(RuntimeError) as raised:
        raise_bug()
    text = error_text(raised.value)
    assert text.startswith("the lifecycle broke\n")
    assert "Traceback (most recent call last)" in text and "raise_bug" in text


def servicer(provider: rpc.Provider) -> ThingSpaceServicer:
    return ThingSpaceServicer([], "0.0.0", provider, engine_address="127.0.0.1:0")


def check_request(urn: str) -> provider_pb2.CheckRequest:
    news = struct_pb2.Struct()
    news.update({"accountName": "0000000000-00001"})
    return provider_pb2.CheckRequest(urn=urn, olds=struct_pb2.Struct(), news=news)


def test_a_user_error_aborts_with_its_plain_message() -> None:
    context = FakeContext()
    with pytest.raises(Aborted):
        asyncio.run(servicer(ThingSpacePlugin("{}")).Check(check_request(UNKNOWN_TYPE), context))
    assert context.aborts == [
        (grpc.StatusCode.UNKNOWN, "the thingspace plugin has no resource type thingspace:index:NoSuchThing")
    ]


class BrokenPlugin(ThingSpacePlugin):
    """A plugin whose check has a bug (not a user error)."""

    async def check(self, request: rpc.CheckRequest) -> Any:
        raise_bug()


def test_a_bug_aborts_with_its_traceback() -> None:
    context = FakeContext()
    with pytest.raises(Aborted):
        asyncio.run(servicer(BrokenPlugin("{}")).Check(check_request(UNKNOWN_TYPE), context))
    [(code, details)] = context.aborts
    assert code == grpc.StatusCode.UNKNOWN
    assert details.startswith("the lifecycle broke\n") and "Traceback" in details and "raise_bug" in details


REQUESTS = {
    "Configure": provider_pb2.ConfigureRequest,
    "CheckConfig": provider_pb2.CheckRequest,
    "DiffConfig": provider_pb2.DiffRequest,
    "Check": provider_pb2.CheckRequest,
    "Diff": provider_pb2.DiffRequest,
    "Create": provider_pb2.CreateRequest,
    "Read": provider_pb2.ReadRequest,
    "Update": provider_pb2.UpdateRequest,
    "Delete": provider_pb2.DeleteRequest,
}
MESSAGE = "FotaLicenseAssignment in account 0000000000-00001: 1 of 2 devices failed"


class RefusingPlugin(ThingSpacePlugin):
    """Every configuration and resource method fails with a user error."""

    async def _refuse(self, request: Any) -> NoReturn:
        raise UserError(MESSAGE)

    configure = check_config = diff_config = check = diff = create = read = update = delete = _refuse


@pytest.mark.parametrize("method", GUARDED)
def test_every_configuration_and_resource_method_reports_a_user_error_by_message(method: str) -> None:
    context = FakeContext()
    request = REQUESTS[method](urn="urn:pulumi:dev::fleet::thingspace:index:FotaLicenseAssignment::f")
    if method == "Configure":
        request = provider_pb2.ConfigureRequest()
    with pytest.raises(Aborted):
        asyncio.run(getattr(servicer(RefusingPlugin("{}")), method)(request, context))
    assert context.aborts == [(grpc.StatusCode.UNKNOWN, MESSAGE)]


def test_a_resource_not_found_is_answered_without_properties(sim: SimulatorServer) -> None:
    """The engine reads "does not exist" (an import finding nothing) only from a response without
    properties; the SDK's server would always send a properties struct."""
    plugin = ThingSpacePlugin("{}")
    asyncio.run(plugin.configure(configure_request(provider_args(sim.url))))
    listener = urn("CallbackListener", "carrier")
    assert sim.state.registered_callbacks(DEMO_ACCOUNT) == []
    request = provider_pb2.ReadRequest(id=f"{DEMO_ACCOUNT}/CarrierService", urn=listener)
    context = FakeContext()
    response = asyncio.run(servicer(plugin).Read(request, context))
    assert context.aborts == []
    assert response.id == "" and not response.HasField("properties") and not response.HasField("inputs")

    licenses = urn("FotaLicenseAssignment", "fota")
    imported = f"{DEMO_ACCOUNT}/{synthetic_ids(1)['imei']}"
    found = asyncio.run(servicer(plugin).Read(provider_pb2.ReadRequest(id=imported, urn=licenses), context))
    assert found.id == imported and found.HasField("properties") and "ownedImeis" in found.properties
