"""The TypeScript tier: the Node.js SDK generated from ``schema.json``, and ``tsc`` on a program using it.

The Node.js language host cannot be built here (the Go module proxy refuses its module), so a
TypeScript program cannot run under ``pulumi``; it can be type-checked against the SDK a user would
generate. This tier runs in a pulumi-thingspace checkout (found by
:func:`~pulumi_thingspace.testing.cli.find_checkout`): the npm packages (``@pulumi/pulumi`` at the CLI's
version, TypeScript, Node types) are pinned by its ``.tools/node/package.json`` and ``package-lock.json``
and installed once with ``npm ci`` into ``.tools/pulumi-nodejs-<hash of those two files>/node_modules``,
reused by every later run; ``pulumi-gen-nodejs`` is the one ``make pulumi`` built beside the CLI::

    tools = find_node_tools()                         # NodeToolsNotFoundError: no node, npm or generator
    project = prepare_project("examples/quickstart-ts", tmp_path, tools)
    result = typecheck(project, tools)                # tsc --noEmit -p <project>
    assert result.ok, result.output

:func:`prepare_project` lays the copy out the way ``npm install`` would with the SDK as a ``file:``
dependency: the SDK generated into ``sdks/<package>``, ``node_modules/<npm name>`` a link to it, and
every installed package linked from the shared ``node_modules``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .cli import built_cli_path, find_checkout
from .sdk import write_schema

NODE_TOOLS = Path(".tools", "node")
"""Where, under a checkout's root, the ``package.json`` and ``package-lock.json`` of the npm packages the
tier uses are checked in."""
GENERATOR = "pulumi-gen-nodejs"
INSTALL_TIMEOUT = 900.0
TSC_TIMEOUT = 600.0
_TSC_ERROR = re.compile(r"^(?P<file>.+?)\((?P<line>\d+),(?P<col>\d+)\): error (?P<code>TS\d+): (?P<text>.*)$")


class NodeToolsNotFoundError(RuntimeError):
    """``node``, ``npm`` or ``pulumi-gen-nodejs`` is missing; the message says how to get it."""


@dataclass(frozen=True)
class NodeTools:
    """``node``, ``npm``, the SDK generator, the pinned npm packages and the folder they are installed to."""

    node: Path
    npm: Path
    generator: Path
    cache_dir: Path
    pins_dir: Path
    """The checkout's ``.tools/node``: ``package.json`` and ``package-lock.json``."""

    @property
    def node_modules(self) -> Path:
        """The shared ``node_modules`` (present once :func:`install_node_modules` has run)."""
        return self.cache_dir / "node_modules"

    @property
    def tsc(self) -> Path:
        """TypeScript's command-line script, run with :attr:`node`."""
        return self.node_modules / "typescript" / "bin" / "tsc"


@dataclass(frozen=True)
class TscError:
    """One ``error TSnnnn`` line of ``tsc --pretty false``."""

    file: str
    line: int
    column: int
    code: str
    text: str


@dataclass(frozen=True)
class TscResult:
    """What ``tsc --noEmit`` reported: its exit code, its output and the errors parsed from it."""

    returncode: int
    output: str
    errors: tuple[TscError, ...]

    @property
    def ok(self) -> bool:
        """True when the program type-checks."""
        return self.returncode == 0 and not self.errors


def cache_dir(pins_dir: Path) -> Path:
    """``.tools/pulumi-nodejs-<hash>`` beside ``pins_dir`` (``.tools/node``): keyed by the pinned
    ``package.json`` and ``package-lock.json``.

    The ``pulumi-`` prefix puts it under the ``.tools/pulumi-*/`` rule of ``.gitignore``.
    """
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        digest.update((pins_dir / name).read_bytes())
    return pins_dir.parent / f"pulumi-nodejs-{digest.hexdigest()[:12]}"


def generator_path(checkout: Path | None = None) -> Path | None:
    """``pulumi-gen-nodejs`` beside the CLI ``make pulumi`` builds in the checkout (default:
    :func:`~pulumi_thingspace.testing.cli.find_checkout`); None outside a checkout."""
    cli = built_cli_path(checkout)
    return cli.parent / GENERATOR if cli else None


def find_node_tools() -> NodeTools:
    """``node`` and ``npm`` on PATH, the checkout's npm pins and its built generator; raise
    :class:`NodeToolsNotFoundError`."""
    node, npm = shutil.which("node"), shutil.which("npm")
    missing = [name for name, path in (("node", node), ("npm", npm)) if path is None]
    if node is None or npm is None:
        raise NodeToolsNotFoundError(
            f"{' and '.join(missing)} not on PATH: install Node.js 20+ (with npm) to type-check TypeScript"
        )
    checkout = find_checkout()
    if checkout is None:
        raise NodeToolsNotFoundError(
            f"no pulumi-thingspace checkout at or above {Path.cwd()}: the TypeScript tier needs one "
            f"(its {NODE_TOOLS} pins the npm packages); run it from a clone"
        )
    generator = generator_path(checkout)
    if generator is None or not os.access(generator, os.X_OK):
        raise NodeToolsNotFoundError(f"{generator or GENERATOR} is not built: run `make pulumi` (needs Go)")
    pins_dir = checkout / NODE_TOOLS
    return NodeTools(Path(node), Path(npm), generator, cache_dir(pins_dir), pins_dir)


def npm_env() -> dict[str, str]:
    """The environment of ``npm``: no update check, audit or funding messages."""
    env = dict(os.environ)
    env.update(
        {"npm_config_update_notifier": "false", "npm_config_audit": "false", "npm_config_fund": "false"}
    )
    return env


def install_node_modules(tools: NodeTools) -> Path:
    """``npm ci`` the pinned packages into :attr:`NodeTools.cache_dir` once; return its ``node_modules``.

    The install happens in a sibling folder renamed into place when complete, so an interrupted or
    concurrent install never leaves a half-filled cache under the final name. Install scripts are not
    run: type-checking needs none.
    """
    if tools.node_modules.is_dir():
        return tools.node_modules
    partial = tools.cache_dir.with_name(f"{tools.cache_dir.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        for name in ("package.json", "package-lock.json"):
            shutil.copy2(tools.pins_dir / name, partial / name)
        proc = subprocess.run(
            [str(tools.npm), "ci", "--ignore-scripts", "--no-audit", "--no-fund"],
            cwd=partial,
            env=npm_env(),
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            check=False,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"`npm ci` in {partial} failed (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
            )
        try:
            partial.rename(tools.cache_dir)
        except OSError:
            if not tools.node_modules.is_dir():  # not another process finishing first
                raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    return tools.node_modules


def generate_sdk(tools: NodeTools, out_dir: Path, schema: Path) -> str:
    """Write the Node.js SDK of ``schema`` into ``out_dir`` (replaced); return its npm package name."""
    proc = subprocess.run(
        [str(tools.generator), str(schema), str(out_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{GENERATOR} {schema} failed (exit {proc.returncode}):\n{proc.stderr}")
    name = json.loads((out_dir / "package.json").read_text())["name"]
    assert isinstance(name, str)
    return name


def prepare_project(project: Path | str, workdir: Path, tools: NodeTools, schema: Path | None = None) -> Path:
    """A copy of the TypeScript ``project`` in ``workdir`` with the generated SDK and the pinned packages.

    The SDK is generated from ``schema``, by default this installed package's own (what its plugin serves,
    the text of the checkout's ``schema.json``), written to ``workdir/schema.json``. It goes to
    ``sdks/<schema name>`` of the copy (where ``pulumi package add`` puts it) and is reachable as its npm
    name, like a ``file:`` dependency installed by npm.
    """
    install_node_modules(tools)
    schema = schema or write_schema(workdir / "schema.json")
    source = Path(project)
    copy = workdir / source.name
    shutil.copytree(
        source, copy, ignore=shutil.ignore_patterns("node_modules", "sdks", "bin", "Pulumi.*.yaml")
    )
    package = json.loads(schema.read_text())["name"]
    sdk_dir = copy / "sdks" / package
    sdk_name = generate_sdk(tools, sdk_dir, schema)
    modules = copy / "node_modules"
    modules.mkdir()
    for entry in tools.node_modules.iterdir():
        if entry.name != ".package-lock.json":
            (modules / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    link = modules / sdk_name
    if link.exists() or link.is_symlink():
        raise RuntimeError(f"{sdk_name} is also one of the pinned npm packages")
    link.parent.mkdir(parents=True, exist_ok=True)  # a scope folder, e.g. @pulumi-thingspace
    link.symlink_to(os.path.relpath(sdk_dir, link.parent), target_is_directory=True)
    return copy


def parse_tsc_errors(output: str) -> tuple[TscError, ...]:
    """The ``file(line,col): error TSnnnn: text`` lines of ``tsc --pretty false`` output."""
    errors = []
    for line in output.splitlines():
        match = _TSC_ERROR.match(line.strip())
        if match:
            errors.append(
                TscError(match["file"], int(match["line"]), int(match["col"]), match["code"], match["text"])
            )
    return tuple(errors)


def tsc_version(tools: NodeTools) -> str:
    """What ``tsc --version`` prints, e.g. ``Version 6.0.3``."""
    proc = subprocess.run(
        [str(tools.node), str(tools.tsc), "--version"], capture_output=True, text=True, timeout=60, check=True
    )
    return proc.stdout.strip()


def typecheck(project: Path, tools: NodeTools) -> TscResult:
    """``tsc --noEmit -p <project>`` (plain, parseable output) with the pinned TypeScript."""
    proc = subprocess.run(
        [str(tools.node), str(tools.tsc), "--noEmit", "--pretty", "false", "-p", str(project)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=TSC_TIMEOUT,
        check=False,
    )
    output = proc.stdout + proc.stderr
    return TscResult(proc.returncode, output, parse_tsc_errors(output))
