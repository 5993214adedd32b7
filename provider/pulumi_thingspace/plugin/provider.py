"""The plugin's ``Provider``: engine requests in camelCase, answered by each resource's own lifecycle.

Each request is routed by its type token to the resource's ``ThingSpaceProvider`` (the one the dynamic
classes use), its properties renamed and unwrapped on the way in and out (:mod:`.values`). The lifecycle
is synchronous (``requests``), so each call runs on a worker thread, with the request's URN exposed to
it (:func:`..resources.engine.serving`) as under the dynamic provider's server.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from pulumi.provider.experimental import provider as rpc
from pulumi.provider.experimental.property_value import PropertyValue

from ..config import SETTINGS, ProviderSettings
from ..errors import UserError
from ..resources import engine
from ..resources.base import ImportNotSupportedError, ThingSpaceProvider
from ..resources.failures import APPLIED, REFRESH_NEXT, DeviceFailuresError
from ..resources.registry import ResourceModels, by_token
from .server import ResourceInitFailed
from .values import Names, plain

T = TypeVar("T")
SECRET_SETTINGS = {s.key for s in SETTINGS if s.secret}
_KINDS = {
    ("add", False): rpc.PropertyDiffKind.ADD,
    ("add", True): rpc.PropertyDiffKind.ADD_REPLACE,
    ("delete", False): rpc.PropertyDiffKind.DELETE,
    ("delete", True): rpc.PropertyDiffKind.DELETE_REPLACE,
    ("update", False): rpc.PropertyDiffKind.UPDATE,
    ("update", True): rpc.PropertyDiffKind.UPDATE_REPLACE,
}


class UnknownResourceError(UserError):
    """A request for a type token this plugin does not serve."""


def type_of(urn: str) -> str:
    """The type token in a URN (the last type of a parent chain)."""
    return urn.split("::")[2].rsplit("$", 1)[-1]


def setting_values(args: Mapping[str, PropertyValue]) -> Callable[[str], Any]:
    """``config_get`` over the provider's inputs (``thingspace:<key>`` -> its value as text)."""

    def get(key: str) -> Any:
        value = args.get(key.removeprefix("thingspace:"))
        if value is None:
            return None
        item = plain(value)
        return item if item is None or isinstance(item, str) else json.dumps(item)

    return get


def detailed_diff(
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    names: Iterable[str],
    replaces: set[str],
    camel: Callable[[str], str],
) -> dict[str, rpc.PropertyDiff]:
    """Per-property changes; inside maps (label and device sets), per key, so a review shows one device."""
    out: dict[str, rpc.PropertyDiff] = {}
    for name in names:
        old, new = olds.get(name), news.get(name)
        if old == new:
            continue
        top, replace = camel(name), name in replaces
        if isinstance(old, dict) and isinstance(new, dict):
            for key in sorted(old.keys() | new.keys()):
                change = "add" if key not in old else "delete" if key not in new else "update"
                if change != "update" or old[key] != new[key]:
                    out[f"{top}[{json.dumps(key)}]"] = rpc.PropertyDiff(_KINDS[change, replace], True)
        else:
            change = "add" if old is None else "delete" if new is None else "update"
            out[top] = rpc.PropertyDiff(_KINDS[change, replace], True)
    return out


class ThingSpacePlugin(rpc.Provider):
    """The provider plugin: configure once per provider instance, then serve every resource type."""

    def __init__(self, schema: str) -> None:
        self._schema = schema
        self._settings: ProviderSettings | None = None
        self._lifecycles: dict[str, ThingSpaceProvider] = {}

    async def get_schema(self, request: rpc.GetSchemaRequest) -> rpc.GetSchemaResponse:
        """The checked-in schema generated from the declarations."""
        return rpc.GetSchemaResponse(schema=self._schema)

    async def check_config(self, request: rpc.CheckRequest) -> rpc.CheckResponse:
        """Settings are checked in ``configure``, where a broken one fails with its rule."""
        return rpc.CheckResponse(inputs=dict(request.new_inputs), failures=[])

    async def diff_config(self, request: rpc.DiffRequest) -> rpc.DiffResponse:
        """A changed setting updates the provider; resources keep their ids."""
        old, new = dict(request.old_state), dict(request.new_inputs)
        changed = sorted(k for k in old.keys() | new.keys() if _bare(old.get(k)) != _bare(new.get(k)))
        return rpc.DiffResponse(changes=bool(changed), diffs=changed)

    async def configure(self, request: rpc.ConfigureRequest) -> rpc.ConfigureResponse:
        """Resolve settings from the provider's inputs (stack config for the default provider) and env."""
        self._settings = ProviderSettings.resolve(setting_values(request.args))
        for lifecycle in self._lifecycles.values():
            lifecycle.use(self._settings)
        return rpc.ConfigureResponse(accept_secrets=True, supports_preview=False)

    def _resource(self, urn: str) -> tuple[ResourceModels, ThingSpaceProvider, Names]:
        token = type_of(urn)
        res = by_token(token)
        if res is None or token != res.token:
            raise UnknownResourceError(f"the thingspace plugin has no resource type {token}")
        lifecycle = self._lifecycles.get(res.name)
        if lifecycle is None:
            lifecycle = self._lifecycles[res.name] = res.provider()
            lifecycle.use(self._settings or ProviderSettings.resolve())
        return res, lifecycle, Names(res)

    @staticmethod
    async def _run(urn: str, call: Callable[[], T]) -> T:
        def serve() -> T:
            with engine.serving(urn):
                return call()

        return await asyncio.to_thread(serve)

    async def check(self, request: rpc.CheckRequest) -> rpc.CheckResponse:
        """Validate and normalise with the resource's args model; failures name camelCase properties."""
        _, lifecycle, names = self._resource(request.urn)
        news, secret = names.inputs(request.new_inputs)
        olds, _ = names.inputs(request.old_inputs)
        result = await self._run(request.urn, lambda: lifecycle.check(olds, news))
        failures = [
            rpc.CheckFailure(names.camel_text(f.property), names.camel_text(f.reason))
            for f in result.failures
        ]
        return rpc.CheckResponse(inputs=names.outputs(result.inputs or {}, secret), failures=failures)

    async def diff(self, request: rpc.DiffRequest) -> rpc.DiffResponse:
        """The lifecycle's diff, with a detailed diff per property and per key of a device set."""
        res, lifecycle, names = self._resource(request.urn)
        olds, _ = names.inputs(request.old_state)
        news, _ = names.inputs(request.new_inputs)
        result = await self._run(request.urn, lambda: lifecycle.diff(request.resource_id or "", olds, news))
        replaces = set(result.replaces or [])
        details = detailed_diff(olds, news, res.args.model_fields, replaces, names.to_camel.__getitem__)
        changed = bool(details) if result.changes is None else bool(result.changes)
        return rpc.DiffResponse(
            changes=changed,
            replaces=[names.to_camel.get(r, r) for r in sorted(replaces)],
            stables=[names.to_camel.get(s, s) for s in (result.stables or [])],
            delete_before_replace=bool(result.delete_before_replace),
            diffs=sorted({p.split("[", 1)[0] for p in details}),
            detailed_diff=details,
        )

    async def create(self, request: rpc.CreateRequest) -> rpc.CreateResponse:
        """Create through the lifecycle (a failed create is undone before it reports)."""
        _, lifecycle, names = self._resource(request.urn)
        props, secret = names.inputs(request.properties)
        result = await self._run(request.urn, lambda: lifecycle.create(props))
        return rpc.CreateResponse(resource_id=result.id, properties=names.outputs(result.outs or {}, secret))

    async def read(self, request: rpc.ReadRequest) -> rpc.ReadResponse:
        """Refresh, or with no properties ``pulumi import``: the id is parsed, then read from ThingSpace."""
        res, lifecycle, names = self._resource(request.urn)
        props, secret = names.inputs(request.properties)
        id_ = request.resource_id

        def read() -> Any:
            start = props
            if not start:
                try:
                    start = lifecycle.imported(id_)
                except ImportNotSupportedError as exc:
                    raise ImportNotSupportedError(f"{res.name} {id_!r} {exc}") from None
            return lifecycle.read(id_, start)

        result = await self._run(request.urn, read)
        if not result.id:
            return rpc.ReadResponse()  # gone: the engine drops it, or says an import found nothing
        inputs = result.inputs or {}
        if not props:  # an import: the inputs as the schema declares them, for the code the CLI generates
            inputs = res.args.model_validate(inputs).model_dump(mode="json", exclude_none=True)
        return rpc.ReadResponse(
            resource_id=result.id,
            properties=names.outputs(result.outs or {}, secret),
            inputs=names.outputs(inputs, secret),
        )

    async def update(self, request: rpc.UpdateRequest) -> rpc.UpdateResponse:
        """Update through the lifecycle: only the difference is sent."""
        _, lifecycle, names = self._resource(request.urn)
        olds, _ = names.inputs(request.olds)
        news, secret = names.inputs(request.news)
        try:
            result = await self._run(request.urn, lambda: lifecycle.update(request.resource_id, olds, news))
        except DeviceFailuresError as exc:
            if exc.outs is None:
                raise
            # Recorded, so the stack holds what the devices hold and the next `up` retries the rest.
            message = str(exc).replace(REFRESH_NEXT, APPLIED)
            outs, inputs = names.outputs(exc.outs, secret), names.outputs(news, secret)
            raise ResourceInitFailed(message, request.resource_id, outs, inputs) from exc
        return rpc.UpdateResponse(properties=names.outputs(result.outs or {}, secret))

    async def delete(self, request: rpc.DeleteRequest) -> None:
        """Delete through the lifecycle."""
        _, lifecycle, names = self._resource(request.urn)
        props, _ = names.inputs(request.properties)
        await self._run(request.urn, lambda: lifecycle.delete(request.resource_id, props))


def _bare(value: PropertyValue | None) -> Any:
    return None if value is None else plain(value)
