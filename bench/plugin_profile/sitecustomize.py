"""Bench-only hook: times and profiles the ThingSpace provider plugin process, by RPC and phase.

``bench/plugin_scenarios.py --profile DIR`` puts this directory on the plugin's ``PYTHONPATH``, so Python
imports this module at start-up. It does nothing unless ``THINGSPACE_BENCH_PLUGIN_PROFILE`` names a
directory and this process is the plugin (``python -m pulumi_thingspace.plugin``). Then every resource
RPC appends ``{pid, seq, rpc, phase, seconds}`` lines to ``timings.jsonl`` there, for the phases

* ``rpc``: the whole servicer method (the request already decoded from the wire by gRPC),
* ``unmarshal`` / ``marshal``: the SDK's protobuf Struct <-> ``PropertyValue`` conversion,
* ``names.inputs`` / ``names.outputs``: ``plugin/values.py``, ``PropertyValue`` <-> plain snake_case,
* ``lifecycle``: the resource's own check/diff/create/... on its worker thread,
* ``detailed_diff``: the plugin's per-key diff,

each with the time it was logged (``at``, epoch seconds), so that a timeline of the command can be drawn,
and at start-up ``interpreter started`` (from process start) and ``plugin modules imported``,

and the request's size (``request bytes``). With ``THINGSPACE_BENCH_PLUGIN_CPROFILE=1`` each RPC is also
profiled with cProfile: ``main-<pid>-<seq>-<rpc>.prof`` for the event-loop thread (gRPC servicer,
conversions) and ``worker-<pid>-<seq>-<rpc>.prof`` for the lifecycle's thread. The plugin's code is not
changed; its functions are wrapped here.

``THINGSPACE_BENCH_PLUGIN_FIX=1`` first replaces ``values.plain`` and ``values.Names.inputs`` by the
faster versions below (:func:`fast_plain`, :func:`fast_inputs`), to measure what that change to
``plugin/values.py`` would save.
"""

from __future__ import annotations

import contextvars
import cProfile
import functools
import itertools
import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType
from typing import Any

ENV = "THINGSPACE_BENCH_PLUGIN_PROFILE"
CPROFILE_ENV = "THINGSPACE_BENCH_PLUGIN_CPROFILE"
FIX_ENV = "THINGSPACE_BENCH_PLUGIN_FIX"
RPCS = (
    *("GetSchema", "Configure", "CheckConfig", "DiffConfig"),
    *("Check", "Diff", "Create", "Read", "Update", "Delete"),
)

_current: contextvars.ContextVar[tuple[int, str]] = contextvars.ContextVar("rpc", default=(0, "-"))
_seq = itertools.count(1)
_lock = threading.Lock()
_slow_plain: Callable[[Any], Any]
_snake: Callable[[str], str]


def _is_plugin() -> bool:
    try:
        cmdline = Path("/proc/self/cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    return b"pulumi_thingspace.plugin" in cmdline


def fast_plain(value: Any, secret: list[bool] | None = None) -> Any:
    """``values.plain`` with exact type tests first (most values are strings), noting in ``secret[0]``
    whether any value inside was secret, so that no second walk (``contains_secret``) is needed."""
    if secret is not None and value.is_secret:
        secret[0] = True
    inner = value.value
    kind = type(inner)
    if kind is str or kind is bool or inner is None:
        return inner
    if kind is MappingProxyType:  # how PropertyValue holds every map
        return {k: fast_plain(v, secret) for k, v in inner.items()}
    if kind is tuple:  # and every list
        return [fast_plain(v, secret) for v in inner]
    if kind is float:
        return int(inner) if inner.is_integer() else inner
    return _slow_plain(value)


_SNAKE: dict[str, str] = {}


def fast_inputs(self: Any, props: Any) -> tuple[dict[str, Any], set[str]]:
    """``values.Names.inputs`` with one walk per property and element keys renamed through a cache."""
    out: dict[str, Any] = {}
    secret: set[str] = set()
    for key, value in props.items():
        name = self.to_snake.get(key) or _snake(key)
        found = [False]
        item = fast_plain(value, found)
        if name in self.object_lists and isinstance(item, list):
            item = [_snake_keys(e) for e in item]
        out[name] = item
        if found[0]:
            secret.add(name)
    return out, secret


def _snake_keys(item: Any) -> Any:
    if type(item) is not dict:
        return item
    renamed = {}
    for k, v in item.items():
        snake = _SNAKE.get(k)
        if snake is None:
            snake = _SNAKE[k] = _snake(k)
        renamed[snake] = v
    return renamed


def _process_start() -> float:
    """When this process started (epoch seconds), from /proc."""
    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    lines = Path("/proc/stat").read_text().splitlines()
    boot = next(int(line.split()[1]) for line in lines if line.startswith("btime"))
    return boot + ticks / os.sysconf("SC_CLK_TCK")


def _install(out: Path, profile: bool) -> None:
    hooked = time.time()
    from pulumi.provider.experimental.property_value import PropertyValue

    from pulumi_thingspace.plugin import provider, server, values

    global _slow_plain, _snake
    if os.environ.get(FIX_ENV) == "1":
        _slow_plain, _snake = values.plain, values._snake
        values.plain = fast_plain
        values.Names.inputs = fast_inputs  # type: ignore[method-assign]
    pid = os.getpid()
    log_path = out / "timings.jsonl"

    def log(phase: str, seconds: float) -> None:
        seq, rpc = _current.get()
        entry = {"pid": pid, "seq": seq, "rpc": rpc, "phase": phase, "seconds": seconds, "at": time.time()}
        with _lock, log_path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry) + "\n")

    log("interpreter started", hooked - _process_start())
    log("plugin modules imported", time.time() - hooked)

    def timed(phase: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                log(phase, time.perf_counter() - start)

        return wrapper

    def servicer_method(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        async def wrapper(self: Any, request: Any, context: Any) -> Any:
            seq = next(_seq)
            token = _current.set((seq, name))
            log("request bytes", float(request.ByteSize()))
            prof = cProfile.Profile() if profile else None
            start = time.perf_counter()
            if prof:
                prof.enable()
            try:
                return await method(self, request, context)
            finally:
                if prof:
                    prof.disable()
                    prof.dump_stats(out / f"main-{pid}-{seq}-{name}.prof")
                log("rpc", time.perf_counter() - start)
                _current.reset(token)

        return wrapper

    for name in RPCS:
        method = getattr(server.ThingSpaceServicer, name)
        setattr(server.ThingSpaceServicer, name, servicer_method(name, method))
    PropertyValue.unmarshal_map = staticmethod(timed("unmarshal", PropertyValue.unmarshal_map))  # type: ignore[method-assign]
    PropertyValue.marshal_map = staticmethod(timed("marshal", PropertyValue.marshal_map))  # type: ignore[method-assign]
    values.Names.inputs = timed("names.inputs", values.Names.inputs)  # type: ignore[method-assign]
    values.Names.outputs = timed("names.outputs", values.Names.outputs)  # type: ignore[method-assign]
    provider.detailed_diff = timed("detailed_diff", provider.detailed_diff)
    run = provider.ThingSpacePlugin._run

    async def lifecycle(urn: str, call: Callable[[], Any]) -> Any:
        def profiled() -> Any:
            if not profile:
                return call()
            prof = cProfile.Profile()
            prof.enable()
            try:
                return call()
            finally:
                prof.disable()
                seq, rpc = _current.get()
                prof.dump_stats(out / f"worker-{pid}-{seq}-{rpc}.prof")

        start = time.perf_counter()
        try:
            return await run(urn, profiled)
        finally:
            log("lifecycle", time.perf_counter() - start)

    provider.ThingSpacePlugin._run = staticmethod(lifecycle)  # type: ignore[method-assign]


if os.environ.get(ENV) and _is_plugin():
    _install(Path(os.environ[ENV]), os.environ.get(CPROFILE_ENV) == "1")
