"""Plugin tier: ``ThingSpacePlugin`` driven in-process with the engine's request classes, no CLI.

The plugin is what the engine talks to for every language; here each request is built the way the
engine builds it (camelCase ``PropertyValue`` maps, numbers as floats, secrets wrapped; see
``kits.plugin``) and sent to the plugin with ``asyncio.run``. ThingSpace is the simulator over
loopback HTTP.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from pulumi_thingspace.config import SETTINGS
from pulumi_thingspace.resources import base, claims


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No ``THINGSPACE_*`` variable of the caller's shell, no client or claim of an earlier test; and an
    event loop in place for the tests that follow (``asyncio.run`` leaves none)."""
    for setting in SETTINGS:
        monkeypatch.delenv(setting.env, raising=False)
    monkeypatch.setattr(base, "_CLIENTS", {})
    claims.LABELS.clear()
    claims.LICENSES.clear()
    yield
    claims.LABELS.clear()
    claims.LICENSES.clear()
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:
        asyncio.set_event_loop(asyncio.new_event_loop())
