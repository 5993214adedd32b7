"""What a test does when a tool it needs is missing: skip, or fail when ``CI=true``.

A pipeline must never pass without having run the tests that need the Pulumi CLI, Node.js, PostgreSQL or
the linters, so a missing tool skips a test on a contributor's machine and fails it in CI.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import NoReturn, TypeVar

import pytest

T = TypeVar("T")


def in_ci() -> bool:
    """Whether the tests run in CI (``CI=true``)."""
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip the test with ``reason``, or fail it with the same reason under ``CI=true``."""
    if in_ci():
        pytest.fail(f"CI=true: {reason}")
    pytest.skip(reason)


def require(find: Callable[[], T], missing: type[Exception], what: str) -> T:
    """``find()``'s answer; when it raises ``missing``, skip the test (fail it under ``CI=true``) with
    ``what`` and the reason."""
    try:
        return find()
    except missing as exc:
        skip_or_fail(f"{what}: {exc}")
