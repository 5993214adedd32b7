"""Lazy package exports: a name is imported from its submodule on first use, not with the package.

Every ``pulumi`` command imports this package twice or more (the program, then the provider process,
once per preview and once per update), so what a process never uses is not imported up front: a
program never needs the HTTP client, and a provider's check needs only its own resource module.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A module's ``__getattr__`` and ``__dir__``: ``exports[name]`` (a relative submodule) is imported
    on first access of ``name``, and ``dir()`` lists every exported name as if it were loaded."""
    module_globals = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module, package), name)

    def __dir__() -> list[str]:
        return sorted({*module_globals, *exports})

    return __getattr__, __dir__
