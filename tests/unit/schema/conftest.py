"""The checked-in schema.json, for the schema's and the examples' tests."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kits.paths import SCHEMA_FILE


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The checked-in schema.json."""
    assert SCHEMA_FILE.is_file(), "schema.json is missing: run `make schema` and commit the result"
    loaded: dict[str, Any] = json.loads(SCHEMA_FILE.read_text())
    return loaded
