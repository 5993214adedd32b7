"""Lazy package exports: a name is imported from its submodule on first use, not with the package.

Every ``pulumi`` command imports this package twice or more (the program, then the provider process,
once per preview and once per update), so what a process never uses is not imported up front: a
program never needs the HTTP client, and a provider's check needs only its own resource module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` (a relative submodule) on first access."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(module, package), name)

    return __getattr__
