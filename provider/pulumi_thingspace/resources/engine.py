"""The engine on the other end of the SDK's provider server: which resource a request is for, and whether
the engine is still there.

The SDK's server (``python -m pulumi.dynamic``) hands a provider only a request's properties; the URN
stays on the gRPC request. :func:`install` wraps the server's resource methods so that
:func:`current_urn` names the resource for the duration of its call (None outside that server). The
server runs each call on one of its worker threads, so the URN is kept per thread (a context variable
would not do: the SDK unpickles providers, and so imports this package, in a copied context).

The engine (the ``pulumi`` process) starts the server through the ``pulumi-resource-pulumi-python``
shell shim, which runs Python as its child without ``exec``: the engine is the shim's parent. When the
engine is killed, the shim and the server live on, and a long change would keep sending requests that
nobody records. :func:`keep_going`, called before each ThingSpace request and between polls for
callback results, stops such a change with :class:`EngineGoneError`, and once no request is in flight
the process exits, so no orphaned provider outlives its engine.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import UserError

SHIM = b"pulumi-resource-pulumi-python"
"""The engine's launcher of the SDK's server: a shell script that does not ``exec`` Python."""
RESOURCE_METHODS = ("Check", "Diff", "Create", "Update", "Delete", "Read")

EXIT_CHECK_SECONDS = 1.0
"""How often an idle provider process checks that its engine is still there."""

_REQUEST = threading.local()
_IN_FLIGHT = [0]
_IN_FLIGHT_LOCK = threading.Lock()


class EngineGoneError(UserError):
    """The Pulumi engine that started this provider process is gone; the change stopped."""


def current_urn() -> str | None:
    """The URN of the resource the provider server's current request is for; None outside a request."""
    urn: str | None = getattr(_REQUEST, "urn", None)
    return urn


def resource_title(owner: str) -> str:
    """``<Type> "<name>"`` of a URN; ``resource <id>`` for a resource known by its id only."""
    if not owner.startswith("urn:pulumi:"):
        return f"resource {owner}"
    parts = owner.split("::")
    if len(parts) < 4:
        return owner
    type_ = parts[-2].rsplit("$", 1)[-1].rsplit(":", 1)[-1]
    return f'{type_} "{parts[-1]}"'


def _parent_of(pid: int) -> int | None:
    """The parent pid of ``pid`` (Linux ``/proc``); None when it cannot be read."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
        return int(stat[stat.rindex(b")") + 2 :].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _is_shim(pid: int) -> bool:
    try:
        return SHIM in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@dataclass(frozen=True)
class EngineWatch:
    """The processes between this provider and the engine, as they were at start-up."""

    parent: int
    """This process's parent: the engine, or the shim the engine started."""
    engine: int
    """The engine's pid: ``parent``, or the shim's parent."""
    parent_of: Callable[[int], int | None] = _parent_of
    getppid: Callable[[], int] = os.getppid

    @classmethod
    def at_startup(cls) -> EngineWatch:
        """Record the current parent, and the shim's parent when the parent is the shim."""
        parent = os.getppid()
        engine = (_parent_of(parent) or parent) if _is_shim(parent) else parent
        return cls(parent, engine)

    def gone(self) -> bool:
        """True once this process or the shim was re-parented: the engine exited or was killed."""
        if self.getppid() != self.parent:
            return True
        if self.engine == self.parent:
            return False
        now = self.parent_of(self.parent)
        return now is not None and now != self.engine  # unreadable: assume it is still there


_WATCH: EngineWatch | None = None


def watch(engine: EngineWatch | None) -> None:
    """Check ``engine`` from now on (None: never stop); :func:`install` records it at start-up."""
    global _WATCH
    _WATCH = engine


def keep_going() -> None:
    """Raise :class:`EngineGoneError` when the engine that started this process is gone."""
    engine = _WATCH
    if engine is not None and engine.gone():
        raise EngineGoneError(
            f"the Pulumi engine (pid {engine.engine}) that started this provider is gone, so the change "
            "stopped before its next ThingSpace request; run `pulumi up` again to finish it"
        )


@contextmanager
def serving(urn: str | None) -> Iterator[None]:
    """Within: :func:`current_urn` is ``urn`` on this thread, and the process counts a request in flight."""
    _REQUEST.urn = urn or None
    with _IN_FLIGHT_LOCK:
        _IN_FLIGHT[0] += 1
    try:
        yield
    finally:
        _REQUEST.urn = None
        with _IN_FLIGHT_LOCK:
            _IN_FLIGHT[0] -= 1


def watch_engine() -> None:
    """Record the engine that started this process and exit once it is gone and nothing is in flight."""
    if _WATCH is None:
        engine = EngineWatch.at_startup()
        watch(engine)
        threading.Thread(
            target=exit_when_engine_gone, args=(engine,), daemon=True, name="engine-watch"
        ).start()


def _with_urn(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, request: Any, context: Any) -> Any:
        with serving(getattr(request, "urn", None)):
            return method(self, request, context)

    call.thingspace_urn = True  # type: ignore[attr-defined]
    return call


def exit_when_engine_gone(
    engine: EngineWatch, *, interval: float = EXIT_CHECK_SECONDS, exit_: Callable[[int], Any] = os._exit
) -> None:
    """Exit the process once ``engine`` is gone and no provider request is in flight (runs forever)."""
    while True:
        time.sleep(interval)
        if engine.gone():
            with _IN_FLIGHT_LOCK:
                if _IN_FLIGHT[0] == 0:
                    exit_(0)
                    return


def _request_in_flight() -> Any:
    """The request of the server method on this thread's stack (the one that imported this package)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_name in RESOURCE_METHODS and hasattr(frame.f_locals.get("request"), "urn"):
            return frame.f_locals["request"]
        frame = frame.f_back  # type: ignore[assignment]
    return None


def install(main: ModuleType) -> bool:
    """In the SDK's provider server module ``main``: record the engine and expose each request's URN.

    The server registered its methods with gRPC before this package was imported, so the methods are
    wrapped where the registered handlers look them up: the one closure cell of the SDK's
    ``_abort_with_traceback`` wrapper around each. The request being served while this package is
    imported began before that, so its URN is read from the call stack, once. A server of another
    shape is left alone (errors then name resources by id). True when the URN is exposed.
    """
    watch_engine()
    servicer = getattr(main, "DynamicResourceProviderServicer", None)
    closures = [getattr(getattr(servicer, name, None), "__closure__", None) for name in RESOURCE_METHODS]
    cells = [c[0] for c in closures if c and len(c) == 1 and callable(c[0].cell_contents)]
    if len(cells) != len(RESOURCE_METHODS):
        return False
    for cell in cells:
        if not getattr(cell.cell_contents, "thingspace_urn", False):
            cell.cell_contents = _with_urn(cell.cell_contents)
    first = _request_in_flight()
    if first is not None and current_urn() is None:
        _REQUEST.urn = first.urn or None  # this thread's later calls go through the wrapper, which resets it
    return True
