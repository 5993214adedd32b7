"""Write ``tests/cli/resources/states/release-<version>.json``: a stack made by this release, for later code.

The Pulumi engine stores each dynamic resource's provider pickled by module path (``__provider``), so
a stack created by a release must keep working after the package's code moves. This script runs the
release's program (``tests/cli/programs/release-<version>/``, one resource of each class on the
simulator's demo fleet) with the real ``pulumi`` CLI against a simulator and a callback sink on
loopback, and writes ``pulumi stack export`` of the result for ``tests/cli/resources/test_release_state.py``.

What the export holds that depends on this run is made portable:

* the loopback URLs of the simulator and the sink (their ports) become placeholders, which the test
  replaces with the URLs of its own services before ``pulumi stack import``;
* secrets (the listener's password) are encrypted with :data:`PASSPHRASE`, whose salt is in the
  export's ``secrets_providers``: the test imports with the same passphrase. The sink credentials are
  fixed test values, so the password the program declares is the one the state records.

Stack config is not part of an export; the test sets it again on its own stack.

For a new release: copy the previous ``programs/release-<version>/`` to the new version (extending it
with new resource classes), then, with the release's code (its checkout, or its ``provider/`` first on
``PYTHONPATH``, which the ``pulumi`` processes inherit)::

    .venv/bin/python tests/kits/release_state.py
"""

from __future__ import annotations

import argparse
import base64
import json
import pickletools
import re
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pulumi_thingspace.demo.services import Services
from pulumi_thingspace.simulator import Seed, SimulatorServer
from pulumi_thingspace.sink import SinkServer, SinkSettings
from pulumi_thingspace.testing.cli import PulumiCli, PulumiWorkspace, find_pulumi

TESTS = Path(__file__).resolve().parents[1]  # run as a script too: no import of kits.paths
REPO = TESTS.parent
STATES = TESTS / "cli" / "resources" / "states"
PROGRAMS = TESTS / "cli" / "programs"
STACK = "release"
PASSPHRASE = "thingspace-release-compat"
"""Encrypts the fixture's secrets, which are the fixed test credentials below: not a secret itself."""
SINK_USERNAME = "thingspace-callbacks"
SINK_PASSWORD = "release-compat-sink-password"
READ_TOKEN = "release-compat-read-token"
SIM_URL, SINK_CALLBACK_URL, SINK_URL = "@@SIMULATOR_URL@@", "@@SINK_CALLBACK_URL@@", "@@SINK_URL@@"
LOOPBACK = re.compile(r"(127\.0\.0\.1|localhost):\d+")


def package_version() -> str:
    """The ``version`` of ``[project]`` in ``pyproject.toml``."""
    text = (REPO / "pyproject.toml").read_text()
    project = text.split("[project]", 1)[1]
    match = re.search(r'^version\s*=\s*"([^"]+)"', project, flags=re.MULTILINE)
    if match is None:
        raise SystemExit("no [project] version in pyproject.toml")
    return match[1]


def state_file(version: str) -> Path:
    """Where the export of release ``version`` is checked in."""
    return STATES / f"release-{version}.json"


def program_dir(version: str) -> Path:
    """The program release ``version``'s state was created by."""
    return PROGRAMS / f"release-{version}"


@contextmanager
def compat_services(workdir: Path, seed: Callable[[str], Seed] | None = None) -> Iterator[Services]:
    """A sink with the fixed credentials the fixture records, and the simulator.

    The simulator holds the demo fleet, or ``seed(<the sink's callback URL>)`` when given.
    """
    settings = SinkSettings(
        callback_username=SINK_USERNAME,
        callback_password=SINK_PASSWORD,
        read_token=READ_TOKEN,
        db_path=workdir / "callbacks.db",
        port=0,
    )
    with SinkServer(settings) as sink, SimulatorServer(seed(sink.callback_url) if seed else None) as sim:
        yield Services(sim=sim, sink=sink, settings=settings)


def placeholders(services: Services) -> dict[str, str]:
    """Placeholder -> this run's URL, the callback URL (which extends the sink URL) before the sink URL."""
    return {
        SIM_URL: services.sim.url,
        SINK_CALLBACK_URL: services.sink.callback_url,
        SINK_URL: services.sink.url,
    }


def portable(export: str, services: Services) -> str:
    """``export`` with this run's loopback URLs replaced by placeholders; fail if another port is left."""
    for placeholder, url in placeholders(services).items():
        export = re.sub(re.escape(url) + r"(?![0-9])", placeholder, export)  # not a longer port's prefix
    left = LOOPBACK.findall(export)
    if left:
        raise SystemExit(f"the export still holds loopback addresses {sorted(set(left))}")
    return export


def localized(export: str, services: Services) -> str:
    """A portable export with the placeholders replaced by ``services``' URLs."""
    for placeholder, url in placeholders(services).items():
        export = export.replace(placeholder, url)
    return export


def workspace(cli: PulumiCli, program: Path, workdir: Path, services: Services) -> PulumiWorkspace:
    """A fresh ``file://`` stack of ``program``, config pointing at ``services``, fixture passphrase."""
    return PulumiWorkspace(
        cli,
        program,
        workdir,
        config=services.stack_config(),
        stack=STACK,
        env={"PULUMI_CONFIG_PASSPHRASE": PASSPHRASE},
    )


def provider_classes(export: dict[str, Any]) -> dict[str, str]:
    """Resource URN -> the ``module.Class`` its pickled ``__provider`` names (read, never unpickled)."""
    found = {}
    for res in export["deployment"].get("resources", []):
        blob = (res.get("outputs") or {}).get("__provider") or (res.get("inputs") or {}).get("__provider")
        if not isinstance(blob, str):
            continue
        strings: list[str] = []
        for op, arg, _ in pickletools.genops(base64.b64decode(blob)):
            if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE") and isinstance(arg, str):
                strings.append(arg)
            elif op.name == "STACK_GLOBAL" and len(strings) >= 2:
                if strings[-2].startswith("pulumi_thingspace"):
                    found[res["urn"]] = f"{strings[-2]}.{strings[-1]}"
            elif op.name == "GLOBAL" and isinstance(arg, str) and arg.startswith("pulumi_thingspace"):
                found[res["urn"]] = arg.replace(" ", ".")
    return found


def generate(cli: PulumiCli, version: str, workdir: Path) -> dict[str, Any]:
    """Create the stack of release ``version``'s program and return its portable export."""
    with compat_services(workdir) as services:
        ws = workspace(cli, program_dir(version), workdir, services)
        ws.run("up", "--yes", "--skip-preview")
        services.sim.wait_idle()
        outputs = json.loads(ws.run("stack", "output", "--json").stdout)
        unverified = [k for k, v in outputs.items() if k.endswith("Verified") and v is not True]
        if unverified:
            raise SystemExit(f"labels not verified by callbacks: {unverified}")
        export: dict[str, Any] = json.loads(portable(ws.run("stack", "export").stdout, services))
    return without_source_positions(export)


def without_source_positions(value: Any) -> Any:
    """``value`` without the engine's ``sourcePosition`` entries (paths of the machine that ran it)."""
    if isinstance(value, dict):
        return {k: without_source_positions(v) for k, v in value.items() if k != "sourcePosition"}
    if isinstance(value, list):
        return [without_source_positions(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--version", default=None, help="release version (default: pyproject.toml's)")
    args = parser.parse_args()
    version = args.version or package_version()
    if not program_dir(version).is_dir():
        raise SystemExit(f"no program for release {version}: copy the previous {PROGRAMS}/release-* first")
    with tempfile.TemporaryDirectory(prefix="release-state-") as tmp:
        export = generate(find_pulumi(), version, Path(tmp))
    classes = provider_classes(export)
    import pulumi_thingspace

    print(f"created with the code in {Path(pulumi_thingspace.__file__).parent}")
    STATES.mkdir(exist_ok=True)
    state_file(version).write_text(json.dumps(export, indent=4) + "\n")
    print(f"wrote {state_file(version).relative_to(REPO)}: {len(classes)} pickled providers")
    for urn, cls in sorted(classes.items()):
        print(f"  {urn.rsplit('::', 1)[1]}: {cls}")


if __name__ == "__main__":
    main()
