"""The plugin's gRPC server: the SDK's experimental server, reporting this package's errors by message.

The SDK's ``ProviderServicer`` turns every exception into its message plus a Python traceback. A
:class:`~pulumi_thingspace.errors.UserError` already names every failed device or the setting to fix, so
:class:`ThingSpaceServicer` sends its message alone (any other exception, a bug, keeps its traceback).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import traceback
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import grpc
import grpc.aio
from pulumi.provider.experimental import server
from pulumi.provider.experimental.property_value import PropertyValue
from pulumi.runtime._grpc_settings import _GRPC_CHANNEL_OPTIONS
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc, status_pb2

from ..errors import UserError

T = TypeVar("T")

# The resource and configuration methods the base class wraps with ``_raise_with_traceback``.
GUARDED = ("Configure", "CheckConfig", "DiffConfig", "Check", "Diff", "Create", "Read", "Update", "Delete")


def _undecorated(name: str) -> Callable[..., Awaitable[Any]]:
    """The base class's method without its traceback wrapper (the wrapper's one closure cell)."""
    method = getattr(server.ProviderServicer, name)
    closure = method.__closure__ or ()
    inner = [c.cell_contents for c in closure if callable(c.cell_contents)]
    return inner[0] if len(inner) == 1 else method  # type: ignore[no-any-return]


def error_text(error: BaseException) -> str:
    """What the engine prints for ``error``: a user error's message, else the message and traceback."""
    if isinstance(error, UserError):
        return str(error)
    return f"{error}\n{''.join(traceback.format_exception(error))}"


class ResourceInitFailed(UserError):
    """A create or update that failed part-way, with the state the engine should record for it."""

    def __init__(
        self,
        message: str,
        resource_id: str,
        properties: dict[str, PropertyValue],
        inputs: dict[str, PropertyValue],
    ) -> None:
        super().__init__(message)
        self.resource_id = resource_id
        self.properties = properties
        self.inputs = inputs


def init_failed_status(error: ResourceInitFailed) -> grpc.Status:
    """The gRPC status the engine reads partial state from: an ``ErrorResourceInitFailed`` detail."""
    detail = provider_pb2.ErrorResourceInitFailed(
        id=error.resource_id,
        properties=PropertyValue.marshal_map(error.properties),
        inputs=PropertyValue.marshal_map(error.inputs),
        reasons=[str(error)],
    )
    body = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0], message=str(error))
    body.details.add().Pack(detail)
    status = grpc.Status()
    status.code = grpc.StatusCode.UNKNOWN  # type: ignore[misc]
    status.details = str(error)  # type: ignore[misc]
    status.trailing_metadata = (("grpc-status-details-bin", body.SerializeToString()),)  # type: ignore[misc]
    return status


def _guarded(name: str) -> Callable[..., Awaitable[Any]]:
    inner = _undecorated(name)

    async def method(self: ThingSpaceServicer, request: Any, context: grpc.aio.ServicerContext) -> Any:
        try:
            return await inner(self, request, context)
        except NotImplementedError:
            raise
        except ResourceInitFailed as error:
            await context.abort_with_status(init_failed_status(error))
        except Exception as error:  # every error goes to the engine as text
            await context.abort(grpc.StatusCode.UNKNOWN, error_text(error))

    method.__name__ = name
    method.__doc__ = f"``{name}``, reporting user errors by message."
    return method


class ThingSpaceServicer(server.ProviderServicer):
    """``ProviderServicer`` whose resource methods report :class:`UserError` by message."""


for _name in GUARDED:
    setattr(ThingSpaceServicer, _name, _guarded(_name))

_read = ThingSpaceServicer.Read


async def _read_or_nothing(self: ThingSpaceServicer, request: Any, context: grpc.aio.ServicerContext) -> Any:
    """``Read``; what was not found goes back without properties, the only answer the engine reads as
    "does not exist" for an import (the SDK's server always sends a properties struct)."""
    response = await _read(self, request, context)
    return response if response.id else provider_pb2.ReadResponse()


ThingSpaceServicer.Read = _read_or_nothing  # type: ignore[method-assign]


def serve(version: str, provider: Any, argv: list[str] | None = None) -> None:
    """Serve ``provider`` to the engine whose address is the first argument; print the port first."""
    parser = argparse.ArgumentParser(description="pulumi-resource-thingspace: the ThingSpace provider plugin")
    parser.add_argument("engine", help="the Pulumi engine's address")
    parser.add_argument("--logflow", action="store_true", help="ignored (set by the engine)")
    parser.add_argument("--logtostderr", action="store_true", help="ignored (set by the engine)")
    parser.add_argument("-v", type=int, default=0, help="ignored (set by the engine)")
    args, _ = parser.parse_known_args(argv)

    async def run() -> None:
        grpc_server = grpc.aio.server(options=_GRPC_CHANNEL_OPTIONS)
        servicer = ThingSpaceServicer(list(argv or []), version, provider, engine_address=args.engine)
        provider_pb2_grpc.add_ResourceProviderServicer_to_server(servicer, grpc_server)
        port = grpc_server.add_insecure_port(address="127.0.0.1:0")
        await grpc_server.start()
        sys.stdout.write(f"{port}\n")
        sys.stdout.flush()
        try:
            await grpc_server.wait_for_termination()
        finally:  # stopped inside the loop, so no shutdown coroutine is left for a closed loop
            await grpc_server.stop(None)

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
