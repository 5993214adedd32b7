"""The generated Python SDK: ``pulumi package gen-sdk`` on the provider's schema, ready for ``PYTHONPATH``.

A Python program that uses the plugin imports ``pulumi_thingspace_sdk``, the package the CLI generates
from the provider's schema (``language.python.packageName``): by default this installed package's own,
the schema its plugin serves (in a checkout, the text of ``schema.json``). :func:`generate_python_sdk`
runs the CLI as a provider author would, then writes the package's metadata (``setup.py egg_info``)
beside it: the generated ``_utilities`` reads its own version from that metadata at import, and sends it
with every resource so the engine loads the plugin of that version. Nothing is installed into any
environment; put the returned folder on the program's ``PYTHONPATH``::

    cli = find_pulumi()
    sdk = generate_python_sdk(cli, tmp / "sdk")
    info = inspect_sdk(sdk)                      # imported with only `pulumi` and its requirements
    ws = PulumiWorkspace(cli, project, tmp, env={"PYTHONPATH": str(sdk)})
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..schema.generate import build_schema, dump
from .cli import PulumiCli, pulumi_env

PACKAGE = "pulumi_thingspace_sdk"
"""The generated package's import name (``language.python.packageName`` in ``schema.json``)."""
TIMEOUT = 300.0


class SdkGenerationError(RuntimeError):
    """``pulumi package gen-sdk`` or writing the package metadata failed; the message has its output."""


@dataclass(frozen=True)
class SdkInfo:
    """What the generated package says about itself when imported with only ``pulumi`` available."""

    distribution_version: str
    """The version in the package metadata (``importlib.metadata``)."""
    engine_version: str
    """The version the package sends with its resources (``_utilities.get_version()``)."""
    plugin_version: str
    """The version in the package's ``pulumi-plugin.json``."""
    resources: tuple[str, ...]
    """Names of the resource classes the package exports (the provider's ``Provider`` among them)."""


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
    proc = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    if proc.returncode != 0:
        raise SdkGenerationError(
            f"`{' '.join(args[:4])}` failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )


def write_schema(path: Path) -> Path:
    """Write this installed package's schema (what its plugin serves) to ``path``; return ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump(build_schema()), encoding="utf-8")
    return path


def generate_python_sdk(cli: PulumiCli, out: Path, schema: Path | None = None) -> Path:
    """Generate the Python SDK of ``schema`` (default: :func:`write_schema`'s) into ``out`` and return the
    folder to put on ``PYTHONPATH``.

    Runs ``pulumi package gen-sdk <schema> --language python --out <out>`` (with a throwaway
    ``PULUMI_HOME``), then ``python setup.py egg_info`` in the generated folder so that
    ``importlib.metadata`` finds the package's version there.
    """
    with tempfile.TemporaryDirectory(prefix="gen-sdk-") as scratch:
        env = pulumi_env(cli, Path(scratch))
        schema = schema or write_schema(Path(scratch) / "schema.json")
        args = [str(cli.path), "package", "gen-sdk", str(schema), "--language", "python"]
        _run([*args, "--out", str(out), "--non-interactive", "--color", "never"], cwd=Path(scratch), env=env)
    folder = out / "python"
    if not (folder / PACKAGE / "__init__.py").is_file():
        raise SdkGenerationError(f"gen-sdk wrote no {PACKAGE} package under {folder}")
    _run([sys.executable, "setup.py", "--quiet", "egg_info"], cwd=folder)
    return folder


# Runs in a fresh interpreter: only the standard library, `pulumi` with its own requirements, and the
# generated package may be imported; anything else (this provider package above all) fails the import.
_INSPECT = r"""
import importlib.abc, importlib.metadata as md, json, re, sys
from packaging.requirements import Requirement

def closure(name, seen):
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        return
    seen.add(key)
    for text in md.distribution(name).requires or []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            closure(req.name, seen)

allowed_dists = set()
closure("pulumi", allowed_dists)
allowed = set(sys.stdlib_module_names) | {PACKAGE, "_distutils_hack"}
for module, dists in md.packages_distributions().items():
    if any(re.sub(r"[-_.]+", "-", d).lower() in allowed_dists for d in dists):
        allowed.add(module)

class OnlyPulumi(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] not in allowed:
            raise ModuleNotFoundError(f"{name} is not pulumi, one of its requirements or {PACKAGE}")
        return None

sys.meta_path.insert(0, OnlyPulumi())
import importlib.resources
pkg = __import__(PACKAGE)
import pulumi
plugin = json.loads(importlib.resources.files(PACKAGE).joinpath("pulumi-plugin.json").read_text())
print(json.dumps({
    "distribution_version": md.version(PACKAGE),
    "engine_version": pkg._utilities.get_version(),
    "plugin_version": plugin["version"],
    "resources": sorted(
        n for n, c in vars(pkg).items() if isinstance(c, type) and issubclass(c, pulumi.CustomResource)
    ),
}))
"""


def inspect_sdk(folder: Path) -> SdkInfo:
    """Import the generated package from ``folder`` in a fresh interpreter that may import nothing but the
    standard library and ``pulumi`` with its requirements; return the versions it carries.

    Raises :class:`SdkGenerationError` (with the traceback) when the import needs anything else.
    """
    head = f"import sys\nsys.path.insert(0, {str(folder)!r})\nPACKAGE = {PACKAGE!r}\n"
    proc = subprocess.run(
        [sys.executable, "-I", "-c", head + _INSPECT],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    if proc.returncode != 0:
        raise SdkGenerationError(f"importing {PACKAGE} from {folder} failed:\n{proc.stderr}")
    data = json.loads(proc.stdout)
    return SdkInfo(
        distribution_version=data["distribution_version"],
        engine_version=data["engine_version"],
        plugin_version=data["plugin_version"],
        resources=tuple(data["resources"]),
    )
