"""The repository's examples and ``make demo`` as the tests run them."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Mapping
from types import ModuleType

from kits.paths import EXAMPLES, REPO

QUICKSTART = EXAMPLES / "quickstart"
FLEET_LABELS = EXAMPLES / "fleet-labels"


def run_demo(*args: str, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m pulumi_thingspace.demo <args>`` from the repository root, as ``make demo`` runs it,
    with ``env`` on top of this process's environment."""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_thingspace.demo", *args],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def load_make_fleet() -> ModuleType:
    """``examples/fleet-labels/make_fleet.py`` under a name no test module uses."""
    spec = importlib.util.spec_from_file_location("fleet_labels_make_fleet", FLEET_LABELS / "make_fleet.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
