"""Real-CLI tier fixtures beyond the shared ones (``pulumi_cli``, ``services``: tests/conftest.py)."""

from __future__ import annotations

import pytest

from kits.ci import require
from pulumi_thingspace.testing.nodejs import NodeTools, NodeToolsNotFoundError, find_node_tools


@pytest.fixture(scope="session")
def node_tools() -> NodeTools:
    """``node``, ``npm`` and the SDK generator; skipped when missing, failed instead under ``CI=true``."""
    return require(find_node_tools, NodeToolsNotFoundError, "no Node.js toolchain for the TypeScript test")
