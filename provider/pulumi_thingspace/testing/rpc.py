"""Typed calls to the dynamic provider server, with the engine's error reporting.

Each method sends plain (secret-stripped) values, returns plain dicts, logs ``(method, name)`` to
:attr:`ProviderClient.calls` and turns gRPC errors into :class:`ProviderOperationError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import grpc
from pulumi.runtime.proto import provider_pb2

from .errors import CheckFailedError, ProviderOperationError
from .values import from_struct, to_struct

__all__ = ["DiffOutcome", "ProviderClient"]

T = TypeVar("T")
Props = Mapping[str, Any]

DIFF_UNKNOWN = provider_pb2.DiffResponse.DIFF_UNKNOWN
DIFF_NONE = provider_pb2.DiffResponse.DIFF_NONE
DIFF_SOME = provider_pb2.DiffResponse.DIFF_SOME


@dataclass(frozen=True)
class DiffOutcome:
    """The parts of a ``DiffResponse`` the Python dynamic server fills in."""

    changes: int
    replaces: tuple[str, ...]
    delete_before_replace: bool


class ProviderClient:
    """The engine's side of the ``ResourceProvider`` protocol for dynamic resources."""

    def __init__(self, stub: Any) -> None:
        self._stub = stub
        self.calls: list[tuple[str, str]] = []

    def _call(self, method: str, name: str, send: Callable[[], T]) -> T:
        self.calls.append((method, name))
        try:
            return send()
        except grpc.RpcError as exc:
            raise ProviderOperationError(name, method, exc.details() or "", exc.code().name) from None

    def check(self, urn: str, name: str, type_: str, olds: Props, news: Props) -> dict[str, Any]:
        """Run ``check``; raise :class:`CheckFailedError` with every failure, else return checked inputs."""
        request = provider_pb2.CheckRequest(
            urn=urn, name=name, type=type_, olds=to_struct(olds), news=to_struct(news)
        )
        response = self._call("Check", name, lambda: self._stub.Check(request))
        if response.failures:
            raise CheckFailedError(name, type_, [(f.property, f.reason) for f in response.failures])
        return from_struct(response.inputs)

    def diff(
        self, urn: str, name: str, id_: str, old_outputs: Props, news: Props, old_inputs: Props
    ) -> DiffOutcome:
        """Run ``diff`` (the provider sees the old *outputs* and the checked new inputs)."""
        request = provider_pb2.DiffRequest(
            id=id_,
            urn=urn,
            olds=to_struct(old_outputs),
            news=to_struct(news),
            old_inputs=to_struct(old_inputs),
        )
        response = self._call("Diff", name, lambda: self._stub.Diff(request))
        return DiffOutcome(
            int(response.changes), tuple(response.replaces), bool(response.deleteBeforeReplace)
        )

    def create(self, urn: str, name: str, inputs: Props) -> tuple[str, dict[str, Any]]:
        """Run ``create``; return the new id and outputs."""
        request = provider_pb2.CreateRequest(urn=urn, properties=to_struct(inputs))
        response = self._call("Create", name, lambda: self._stub.Create(request))
        if not response.id:
            raise ProviderOperationError(
                name, "Create", "plugin returned empty resource.ID from create", "INTERNAL"
            )
        return str(response.id), from_struct(response.properties)

    def update(
        self, urn: str, name: str, id_: str, old_outputs: Props, news: Props, old_inputs: Props
    ) -> dict[str, Any]:
        """Run ``update``; return the new outputs (they replace all old outputs)."""
        request = provider_pb2.UpdateRequest(
            id=id_,
            urn=urn,
            olds=to_struct(old_outputs),
            news=to_struct(news),
            old_inputs=to_struct(old_inputs),
        )
        response = self._call("Update", name, lambda: self._stub.Update(request))
        return from_struct(response.properties)

    def delete(self, urn: str, name: str, id_: str, old_outputs: Props, old_inputs: Props) -> None:
        """Run ``delete`` with the old outputs (and so the ``__provider`` stored in them)."""
        request = provider_pb2.DeleteRequest(
            id=id_, urn=urn, properties=to_struct(old_outputs), old_inputs=to_struct(old_inputs)
        )
        self._call("Delete", name, lambda: self._stub.Delete(request))

    def read(
        self, urn: str, name: str, id_: str, old_outputs: Props, inputs: Props
    ) -> tuple[str, dict[str, Any], dict[str, Any] | None]:
        """Run ``read``; return ``(id, outputs, inputs or None)``. An empty id means the resource is gone."""
        request = provider_pb2.ReadRequest(
            id=id_, urn=urn, properties=to_struct(old_outputs), inputs=to_struct(inputs)
        )
        response = self._call("Read", name, lambda: self._stub.Read(request))
        new_inputs = from_struct(response.inputs) if response.HasField("inputs") else None
        return str(response.id), from_struct(response.properties), new_inputs
