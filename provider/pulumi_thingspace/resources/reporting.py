"""Report this package's own errors to the engine as their message, not as a Python traceback.

The SDK's provider server (``python -m pulumi.dynamic``) answers every exception a provider raises
with ``traceback.format_exc()`` (``_abort_with_traceback`` in ``pulumi/dynamic/__main__.py``), and the
CLI prints that text as the resource's error. This package's errors already name every failed device
and reason, or the setting to fix, so for them the message alone is what a user should read; any
other exception (a bug) keeps its traceback.
"""

from __future__ import annotations

import sys
import traceback
from types import ModuleType

from ..errors import UserError

SERVER_MODULE = "pulumi.dynamic.__main__"


def format_error() -> str:
    """The current exception for the engine: its message for a user error, else the full traceback."""
    error = sys.exc_info()[1]
    if isinstance(error, UserError):
        return str(error)
    return traceback.format_exc()


class _ServerTraceback(ModuleType):
    """Stands in for the server module's ``traceback``: only ``format_exc`` differs."""

    def __init__(self) -> None:
        super().__init__("traceback")
        self.__dict__.update({k: v for k, v in vars(traceback).items() if not k.startswith("__")})
        self.format_exc = lambda *args, **kwargs: format_error()  # type: ignore[assignment]


def install() -> bool:
    """In the SDK's provider server process, report user errors by message; True when installed."""
    main = sys.modules.get("__main__")
    spec = getattr(main, "__spec__", None)
    if main is None or getattr(spec, "name", None) != SERVER_MODULE:
        return False
    if not isinstance(getattr(main, "traceback", None), _ServerTraceback):
        main.traceback = _ServerTraceback()  # type: ignore[attr-defined]
    return True
