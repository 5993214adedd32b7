"""Where things are in the checkout, so no test counts ``parents`` of its own file."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
EXAMPLES = REPO / "examples"
SCHEMA_FILE = REPO / "schema.json"
EXCERPTS = REPO / ".tools" / "excerpts"
"""Real CLI output quoted in the README, written by the real-CLI tests."""
PROGRAMS = TESTS / "cli" / "programs"
"""The Pulumi projects the real-CLI tests run."""
