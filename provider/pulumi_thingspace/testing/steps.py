"""The engine's step generator for dynamic resources, and the stack state it maintains.

For each registered resource: Check, then Create for a new one, or Diff followed by same, Update or
replace; at the end of ``up``, deletes of the resources no longer declared. ``refresh`` is a Read
per resource and ``destroy`` a Delete per resource, in reverse creation order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from .errors import ProviderOperationError
from .rpc import DIFF_NONE, DIFF_SOME, DIFF_UNKNOWN, ProviderClient
from .state import ResourceState, StepOp, StepRecord
from .values import plain, secret_keys, without_provider, wrap_keys

__all__ = ["Deployment"]

Outputs = tuple[str, dict[str, Any]]


class Deployment:
    """Stack state plus the steps and planned inputs of the current run."""

    def __init__(self, client: ProviderClient) -> None:
        self.client = client
        self.state: dict[str, ResourceState] = {}
        self.steps: list[StepRecord] = []
        self.planned: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self.preview = False
        self.seen: set[str] = set()
        # Originals of create-before-delete replacements, deleted at the end of a successful run.
        self.pending_deletes: list[ResourceState] = []

    def begin(self, preview: bool) -> None:
        """Start a run: forget the previous run's steps, plans and RPC log."""
        self.preview = preview
        self.seen = set()
        self.steps = []
        self.planned = {}
        self.client.calls = []

    def register(
        self,
        urn: str,
        name: str,
        type_: str,
        program_inputs: Mapping[str, Any],
        secret_outs: Iterable[str],
        dbr: bool,
    ) -> Outputs:
        """One ``RegisterResource`` of a dynamic resource; returns the id and outputs for the program."""
        marked = secret_keys(program_inputs) | set(secret_outs)
        news = plain(program_inputs)
        old = self.state.get(urn)
        if old is not None and old.external:
            old = None  # the engine does not consider the inputs of a resource it does not own
        inputs = self.client.check(urn, name, type_, old.inputs if old else {}, news)
        if old is None:
            self._plan("create", urn, name, {}, inputs)
            if self.preview:
                return "", wrap_keys(inputs, marked)  # the planned state of a create is its checked inputs
            rid, outs = self.client.create(urn, name, inputs)
            return self._store(urn, name, type_, rid, inputs, outs, marked)
        diff = self.client.diff(urn, name, old.id, old.outputs, inputs, old.inputs)
        changes = diff.changes
        if changes == DIFF_UNKNOWN:
            # Engine fallback: compare old and new inputs, `__provider` included.
            changes = DIFF_SOME if old.inputs != inputs else DIFF_NONE
        if changes == DIFF_NONE:
            self._plan("same", urn, name, old.inputs, inputs)
            secrets = old.secret_outputs | (marked & old.outputs.keys())
            if not self.preview:
                self.state[urn] = replace(old, inputs=inputs, secret_outputs=frozenset(secrets))
            return old.id, wrap_keys(old.outputs, secrets)  # a same step keeps the old outputs
        if diff.replaces:
            # The engine re-checks without old inputs: defaults must not carry over to a new resource.
            inputs = self.client.check(urn, name, type_, {}, news)
            return self._replace(old, inputs, marked, diff.delete_before_replace or dbr)
        self._plan("update", urn, name, old.inputs, inputs)
        if self.preview:
            return old.id, wrap_keys(inputs, marked)
        outs = self.client.update(urn, name, old.id, old.outputs, inputs, old.inputs)
        return self._store(urn, name, type_, old.id, inputs, outs, marked)

    def _replace(self, old: ResourceState, inputs: dict[str, Any], marked: set[str], dbr: bool) -> Outputs:
        urn, name = old.urn, old.name
        self._plan("replace", urn, name, old.inputs, inputs, dbr)
        if self.preview:
            return "", wrap_keys(inputs, marked)
        if dbr:
            self.client.delete(urn, name, old.id, old.outputs, old.inputs)
            del self.state[urn]
        rid, outs = self.client.create(urn, name, inputs)
        if not dbr:
            self.pending_deletes.append(old)
            del self.state[urn]
        return self._store(urn, name, old.type, rid, inputs, outs, marked)

    def read_external(
        self,
        urn: str,
        name: str,
        type_: str,
        id_: str,
        program_inputs: Mapping[str, Any],
        secret_outs: Iterable[str],
    ) -> Outputs:
        """``Resource.get`` / ``opts.id``: Read with only inputs; the resource is not owned by the stack."""
        rid, outs, _ = self.client.read(urn, name, id_, {}, plain(program_inputs))
        if not rid:
            raise ProviderOperationError(name, "Read", f"resource '{id_}' does not exist", "NOT_FOUND")
        secrets = frozenset((secret_keys(outs) | set(secret_outs)) & outs.keys())
        self._record("read", urn, name)
        if not self.preview:
            self.state[urn] = ResourceState(urn, name, type_, rid, {}, plain(outs), secrets, external=True)
        return rid, wrap_keys(plain(outs), secrets)

    def _store(
        self,
        urn: str,
        name: str,
        type_: str,
        rid: str,
        inputs: dict[str, Any],
        outs: dict[str, Any],
        marked: set[str],
    ) -> Outputs:
        # annotateSecrets: outputs named like secret inputs or in additional_secret_outputs are secret.
        secrets = frozenset((secret_keys(outs) | marked) & outs.keys())
        self.state[urn] = ResourceState(urn, name, type_, rid, plain(inputs), plain(outs), secrets)
        return rid, wrap_keys(self.state[urn].outputs, secrets)

    def finish(self) -> None:
        """End of a program run: plan (preview) or perform (up) deletes of undeclared resources."""
        if not self.preview:
            self.delete_pending_replaced()
        for urn in reversed(list(self.state)):
            if urn in self.seen:
                continue
            old = self.state[urn]
            if self.preview:
                self._plan("delete", urn, old.name, old.inputs, {})
                continue
            if not old.external:
                self.client.delete(urn, old.name, old.id, old.outputs, old.inputs)
                self._plan("delete", urn, old.name, old.inputs, {})
            del self.state[urn]

    def delete_pending_replaced(self) -> None:
        """Delete the originals of create-before-delete replacements (kept if a delete fails)."""
        while self.pending_deletes:
            old = self.pending_deletes[-1]
            self.client.delete(old.urn, old.name, old.id, old.outputs, old.inputs)
            self.pending_deletes.pop()

    def refresh(self) -> None:
        """Read every resource; drop the gone ones, store new outputs and (if returned) inputs."""
        for urn, old in list(self.state.items()):
            rid, outs, new_inputs = self.client.read(urn, old.name, old.id, old.outputs, old.inputs)
            if not rid:
                del self.state[urn]
                self._record("refresh-delete", urn, old.name)
                continue
            self.state[urn] = replace(
                old,
                id=rid,
                outputs=plain(outs),
                inputs=plain(new_inputs) if new_inputs is not None else old.inputs,
                secret_outputs=frozenset((old.secret_outputs | secret_keys(outs)) & outs.keys()),
            )
            self._record("read", urn, old.name)

    def destroy(self) -> None:
        """Delete every owned resource in reverse creation order and empty the state."""
        self.delete_pending_replaced()
        for urn in reversed(list(self.state)):
            old = self.state[urn]
            if not old.external:
                self.client.delete(urn, old.name, old.id, old.outputs, old.inputs)
                self._record("delete", urn, old.name)
            del self.state[urn]

    def _plan(
        self,
        op: StepOp,
        urn: str,
        name: str,
        old: Mapping[str, Any],
        new: Mapping[str, Any],
        dbr: bool = False,
    ) -> None:
        self._record(op, urn, name, dbr)
        self.planned[name] = (without_provider(old), without_provider(new))

    def _record(self, op: StepOp, urn: str, name: str, dbr: bool = False) -> None:
        self.steps.append(StepRecord(op, urn, name, dbr))
